package snapshot

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// follow returns n brought up to at least version want by the store's
// change log, or ok false when the log cannot do it and the caller must
// scan: a reset (a bulk import, a gap in the log, an erasure), or more
// changes than a rescan is worth. n itself never changes: a snapshot
// someone is reading keeps its network.
func follow(ctx context.Context, st graph.Store, n *network, want int64) (m *network, ok bool, err error) {
	// Applying k changes copies the network's slices of pointers once and
	// decodes k entities; a scan decodes every entity. Past an eighth of
	// the network, the scan's one consistent read is as good a deal.
	most := max(graph.MaxWriteChanges, (len(n.actors)+len(n.links))/8)
	var changes []graph.Change
	v := n.version
	for v < want {
		cs, to, err := st.Changes(ctx, v, min(graph.MaxChangesLimit, most+1))
		if err != nil {
			return nil, false, fmt.Errorf("snapshot: follow the change log: %w", err)
		}
		if to <= v || len(changes)+len(cs) > most || slices.ContainsFunc(cs, func(c graph.Change) bool { return c.Op == graph.ChangeReset }) {
			return nil, false, nil
		}
		changes, v = append(changes, cs...), to
	}
	if v == n.version {
		return n, true, nil
	}
	m, err = n.apply(changes, v)
	if err != nil {
		return nil, false, nil // an entry this version cannot read: rescan
	}
	return m, true, nil
}

// edits are the final states, by sort key, of the entities a run of
// changes touched: nil for one deleted.
type edits struct {
	actors         map[string]*graph.Actor
	links          map[string]*graph.Link
	participations map[string]*graph.Participation
	programmes     map[string]bool // ID → exists
}

// apply returns a copy of n with changes applied, at version. It is the
// one place that turns the change log into a network.
func (n *network) apply(changes []graph.Change, version int64) (*network, error) {
	e := edits{actors: map[string]*graph.Actor{}, links: map[string]*graph.Link{},
		participations: map[string]*graph.Participation{}, programmes: map[string]bool{}}
	for _, c := range changes {
		if err := e.add(c); err != nil {
			return nil, err
		}
	}
	m := &network{version: version, bytes: n.bytes, programmes: n.programmes}
	m.actors = patch(n.actors, e.actors, actorKey, actorBytes, &m.bytes)
	m.links = patch(n.links, e.links, linkKey, linkBytes, &m.bytes)
	m.participations = patch(n.participations, e.participations, participationKey, participationBytes, &m.bytes)
	if len(e.programmes) > 0 {
		m.programmes = maps.Clone(n.programmes)
		for id, ok := range e.programmes {
			switch {
			case ok && !m.programmes[id]:
				m.programmes[id] = true
				m.bytes += programmeBytes(id)
			case !ok && m.programmes[id]:
				delete(m.programmes, id)
				m.bytes -= programmeBytes(id)
			}
		}
	}
	return m, nil
}

// add records c's outcome; a later change to the same entity overrides it.
func (e *edits) add(c graph.Change) error {
	var it graph.Item
	switch c.Op {
	case graph.ChangeCreated, graph.ChangeUpdated:
		var err error
		if it, err = c.Item(c.After); err != nil {
			return err
		}
	case graph.ChangeDeleted:
	default:
		return fmt.Errorf("change %d: cannot apply %q", c.Version, c.Op)
	}
	switch c.Kind {
	case graph.KindActor:
		_, key, err := graph.ParseID(c.ID)
		e.actors[key] = it.Actor
		return err
	case graph.KindLink:
		_, key, err := graph.ParseID(c.ID)
		e.links[key] = it.Link
		return err
	case graph.KindParticipation:
		a, p := graph.SplitParticipationID(c.ID)
		e.participations[a+"\x00"+p] = it.Participation
	case graph.KindProgramme:
		e.programmes[c.ID] = it.Programme != nil
	}
	return nil
}

// Sort keys: the order of the network's slices (a scan's, see sortNetwork).
func actorKey(a *graph.Actor) string { return a.Key }
func linkKey(l *graph.Link) string   { return l.Key }

// participationKey orders by actor then programme ID: IDs have no NUL.
func participationKey(p *graph.Participation) string { return p.ActorID + "\x00" + p.ProgrammeID }

// patch returns a copy of s, sorted by key, with each key of edits
// replaced by its value, inserted, or removed if the value is nil, and
// adds the change in estimated memory to bytes. It copies s's pointers
// once and orders only the edits: O(len(s) + k log k) for k edits.
func patch[T any](s []*T, edits map[string]*T, key func(*T) string, size func(*T) int64, bytes *int64) []*T {
	if len(edits) == 0 {
		return s
	}
	keys := slices.Sorted(maps.Keys(edits))
	out := make([]*T, 0, len(s)+len(keys))
	i := 0
	for _, k := range keys {
		j, found := slices.BinarySearchFunc(s[i:], k, func(v *T, k string) int { return cmp.Compare(key(v), k) })
		out = append(out, s[i:i+j]...)
		i += j
		if found {
			*bytes -= size(s[i])
			i++
		}
		if v := edits[k]; v != nil {
			*bytes += size(v)
			out = append(out, v)
		}
	}
	out = append(out, s[i:]...)
	*bytes += int64(cap(out)-cap(s)) * ptrSize
	return out
}

// sortNetwork puts a scan's slices in the order patch keeps. Stores scan
// in this order already (Neo4j's string order differs from Go's only for
// characters beyond U+FFFF), so this is a check that costs one pass;
// a fuzzy scan gives links in another order (by ID), and they are sorted.
func sortNetwork(n *network) {
	sortBy(n.actors, actorKey)
	sortBy(n.links, linkKey)
	sortBy(n.participations, participationKey)
}

func sortBy[T any](s []*T, key func(*T) string) {
	less := func(a, b *T) int { return cmp.Compare(key(a), key(b)) }
	if !slices.IsSortedFunc(s, less) {
		slices.SortStableFunc(s, less)
	}
}

// undo returns a copy of n as it was before changes (every change logged
// after that point, oldest first), at version: each change inverted and
// applied newest first — a create deleted, a delete created again and an
// update set back, both with the logged before value. Errors on a reset,
// or an entry with no before value (an import's), which cannot be undone.
func (n *network) undo(changes []graph.Change, version int64) (*network, error) {
	inv := make([]graph.Change, 0, len(changes))
	for _, c := range slices.Backward(changes) {
		switch c.Op {
		case graph.ChangeCreated:
			c.Op, c.After = graph.ChangeDeleted, nil
		case graph.ChangeDeleted, graph.ChangeUpdated:
			if c.Before == nil {
				return nil, fmt.Errorf("change %d: no before value to undo", c.Version)
			}
			c.Op, c.After = graph.ChangeCreated, c.Before
		default:
			return nil, fmt.Errorf("change %d: cannot undo %q", c.Version, c.Op)
		}
		inv = append(inv, c)
	}
	return n.apply(inv, version)
}

// Since returns the whole network as it was at since, reconstructed by
// undoing the logged changes made at or after it on the current base
// network, and the current whole network it was undone from. complete is
// false (and then nil) if the log cannot say: it no longer reaches back
// to since, or holds a reset or an entry without before values after it.
func (c *Cache) Since(ctx context.Context, since time.Time) (then, now *Snapshot, complete bool, err error) {
	now, err = c.Get(ctx, graph.Scope{})
	if err != nil {
		return nil, nil, false, err
	}
	n, err := c.network(ctx, now.Version)
	if err != nil {
		return nil, nil, false, err
	}
	if n.version != now.Version { // the base moved on: rank the network undone from
		if now, err = n.project(graph.Scope{}); err != nil {
			return nil, nil, false, err
		}
	}
	// The log is read after n, so it reaches n's version; later entries
	// are not in n.
	cs, complete, err := graph.ChangesSince(ctx, c.store, since)
	if err != nil || !complete {
		return nil, nil, false, err
	}
	cs = slices.DeleteFunc(cs, func(ch graph.Change) bool { return ch.Version > n.version })
	m, err := n.undo(cs, 0)
	if err != nil {
		return nil, nil, false, nil
	}
	if then, err = m.project(graph.Scope{}); err != nil {
		return nil, nil, false, err
	}
	return then, now, true, nil
}
