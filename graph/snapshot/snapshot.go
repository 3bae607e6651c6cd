// Package snapshot builds the in-memory analysis graph of a scoped projection
// of the stored network, and caches it per scope and store version so
// analytics and path queries never touch the store twice for the same data.
package snapshot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
)

// Group attributes every snapshot node carries, for brokerage by group.
// A person takes the sector, type and region of their organisation (the
// first, by link key, they have an affiliation or membership link to); an
// organisation's "organisation" is its top-level parent, or itself.
const (
	AttrSector       = "sector"
	AttrType         = "type"
	AttrRegion       = "region"
	AttrOrganisation = "organisation"
)

// Snapshot is the analysis graph of one scope at one store version, with
// the actors and links behind its nodes and edges. It is read-only.
type Snapshot struct {
	Version int64
	Scope   graph.Scope
	G       *analysis.Graph
	Actors  []*graph.Actor      // node i's actor
	Links   []*graph.Link       // in-scope links; Edge.Links index this
	Times   []analysis.Interval // Times[i] is Links[i]'s validity in days

	memo   sync.Map      // memoKey → *call: results computed once per snapshot
	budget time.Duration // time a memoised computation may take (0: DefaultBudget)
}

// memoKey keys a memoised result by the caller's key and the result's type,
// so two callers can never read each other's results by choosing similar
// names: a key is a value of a type the caller owns (as with context keys).
type memoKey[K comparable, T any] struct{ key K }

// Memo returns the value compute gives for key, computing it once per
// snapshot: concurrent callers share one computation, which runs detached
// from any one caller under the snapshot's budget, and each caller stops
// waiting when its own ctx ends. A failed computation is not kept, so a
// timed-out one does not poison later requests.
func Memo[K comparable, T any](ctx context.Context, s *Snapshot, key K, compute func(context.Context) (T, error)) (T, error) {
	mk := memoKey[K, T]{key}
	c := newCall[T]()
	if e, loaded := s.memo.LoadOrStore(mk, c); loaded {
		return e.(*call[T]).wait(ctx)
	}
	c.run(ctx, s.budget, compute, func(_ T, err error) {
		if err != nil {
			s.memo.CompareAndDelete(mk, c)
		}
	})
	return c.wait(ctx)
}

// Node returns the node of the actor with global ID (or key) id. Returns ENOTFOUND
// naming field if there is no such actor in the scope.
func (s *Snapshot) Node(field, id string) (int32, error) {
	if k, key, err := graph.ParseID(graph.RefID(graph.KindActor, id)); err == nil && k == graph.KindActor {
		if v := s.G.Index(key); v >= 0 {
			return v, nil
		}
	}
	return -1, graph.Errorf(graph.ENOTFOUND, field, "%s: no actor with id %q in this scope", field, id)
}

// Nodes maps actor IDs to nodes, failing on the first unknown one.
func (s *Snapshot) Nodes(field string, ids []string) ([]int32, error) {
	out := make([]int32, len(ids))
	for i, id := range ids {
		v, err := s.Node(field, id)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Build reads the whole network from st at one version (see scan) and
// projects it onto scope.
func Build(ctx context.Context, st graph.Store, scope graph.Scope) (*Snapshot, error) {
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	n, err := scan(ctx, st)
	if err != nil {
		return nil, err
	}
	return n.project(scope)
}

// network is the whole stored network at one version: the base every
// scope's snapshot is projected from.
type network struct {
	version        int64
	actors         []*graph.Actor
	links          []*graph.Link
	participations []*graph.Participation
	programmes     map[string]bool // IDs of the programmes that exist
	bytes          int64           // estimated memory held (bytes.go)
}

// scan reads the whole network from st at one version. A store whose
// consistent Scan blocks writers (graph.FuzzyScanner) is read fuzzily
// instead, and the result made exact by replaying the change log; if the
// log cannot, the store is scanned consistently after all.
func scan(ctx context.Context, st graph.Store) (*network, error) {
	if fs, ok := st.(graph.FuzzyScanner); ok {
		n, err := fuzzyScan(ctx, st, fs)
		if n != nil || err != nil {
			return n, err
		}
	}
	n := newNetwork()
	version, err := st.Scan(ctx, n.add)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	n.finish(version)
	return n, nil
}

// fuzzyScan reads st without blocking its writers: a fuzzy read (each
// entity as committed at some moment after since, see graph.FuzzyScanner)
// brought to the exact network at until or later by following the change
// log from since. apply sets each logged entity's final state by key, so
// it makes no difference that the fuzzy read already saw some of those
// changes, and dangling references in the fuzzy read are never looked at
// before the log has removed them. Returns nil (and no error) if the log
// cannot say what changed (a reset such as an import, entries pruned, too
// many changes): the caller scans consistently.
func fuzzyScan(ctx context.Context, st graph.Store, fs graph.FuzzyScanner) (*network, error) {
	n := newNetwork()
	since, until, err := fs.FuzzyScan(ctx, n.add)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	n.finish(since)
	m, ok, err := follow(ctx, st, n, until)
	if err != nil || !ok {
		return nil, err
	}
	return m, nil
}

func newNetwork() *network { return &network{programmes: map[string]bool{}} }

// add adds a scanned item to n.
func (n *network) add(it graph.Item) error {
	switch {
	case it.Actor != nil:
		n.actors = append(n.actors, it.Actor)
		n.bytes += actorBytes(it.Actor)
	case it.Link != nil:
		n.links = append(n.links, it.Link)
		n.bytes += linkBytes(it.Link)
	case it.Programme != nil:
		n.programmes[it.Programme.ID] = true
		n.bytes += programmeBytes(it.Programme.ID)
	case it.Participation != nil:
		n.participations = append(n.participations, it.Participation)
		n.bytes += participationBytes(it.Participation)
	}
	return nil
}

// finish sets n's version once every item is added, and puts its slices
// in the order follow patches.
func (n *network) finish(version int64) {
	n.version = version
	n.bytes += int64(cap(n.actors)+cap(n.links)+cap(n.participations)) * ptrSize
	sortNetwork(n)
}

// project returns scope's snapshot. Returns ENOTFOUND naming
// scope.programmeId if the scope's programme does not exist: an empty
// answer would look like a programme without a network.
func (n *network) project(scope graph.Scope) (*Snapshot, error) {
	if err := CheckProgramme(scope, n.programmes); err != nil {
		return nil, err
	}
	s := Project(n.actors, n.links, n.participations, scope)
	s.Version = n.version
	return s, nil
}

// CheckProgramme returns ENOTFOUND naming scope.programmeId if the scope
// names a programme that is not among programmes (by ID).
func CheckProgramme(scope graph.Scope, programmes map[string]bool) error {
	if scope.ProgrammeID != "" && !programmes[scope.ProgrammeID] {
		return graph.Errorf(graph.ENOTFOUND, "scope.programmeId", "scope.programmeId: no programme with %s", graph.Describe(scope.ProgrammeID))
	}
	return nil
}

// FromNetwork projects actors and links onto scope, as Project does
// without participations.
func FromNetwork(actors []*graph.Actor, links []*graph.Link, scope graph.Scope) *Snapshot {
	return Project(actors, links, nil, scope)
}

// Project returns the snapshot of scope: its links, and the actors that
// scope means.
//
//   - The whole network (no link types, programme or window): every actor of
//     the scope's kinds, isolated ones included.
//   - A scope that selects links (link types, a programme, a date window):
//     the actors at the ends of its links — a programme's network also has
//     the programme's participants, linked in it or not. Actors with no
//     part in the scope are left out, so they are never ranked and every
//     normalisation counts only the scope's actors.
//   - An undated link (no from, no to) is active at all times, so it is in
//     every window; a link open at one end is active from or until its one
//     date.
//   - Actor kinds keep only the actors of those kinds and the links between
//     them.
func Project(actors []*graph.Actor, links []*graph.Link, participations []*graph.Participation, scope graph.Scope) *Snapshot {
	s := &Snapshot{Scope: scope}
	b := analysis.NewBuilder(scope.Directed)
	byID := make(map[string]int32, len(actors))
	for i, a := range actors {
		byID[a.ID] = int32(i)
	}
	// Each link's ends are looked up by ID once; after that, by index into
	// actors (a million links are several million string lookups
	// otherwise, the longest part of projecting a large network).
	ties := make([]tie, len(links))
	for i, l := range links {
		ties[i] = tie{l, actorIndex(byID, l.SourceID), actorIndex(byID, l.TargetID)}
	}
	orgOf := organisations(actors, ties, byID)
	in := ties[:0] // the ties in scope, filtered in place
	for _, t := range ties {
		if t.src >= 0 && t.tgt >= 0 && scope.IncludesActor(actors[t.src]) && scope.IncludesActor(actors[t.tgt]) && scope.IncludesLink(t.l) {
			in = append(in, t)
		}
	}
	keep := func(int32) bool { return true }
	if scope.SelectsLinks() {
		member := make([]bool, len(actors))
		for _, t := range in {
			member[t.src], member[t.tgt] = true, true
		}
		for _, p := range participations {
			if i := actorIndex(byID, p.ActorID); i >= 0 && scope.ProgrammeID != "" && p.ProgrammeID == scope.ProgrammeID {
				member[i] = true
			}
		}
		keep = func(i int32) bool { return member[i] }
	}
	node := make([]int32, len(actors)) // actor index → node
	for i, a := range actors {
		if !scope.IncludesActor(a) || !keep(int32(i)) {
			continue
		}
		v := b.Node(a.Key)
		node[i] = v
		s.Actors = append(s.Actors, a)
		o := orgOf[i]
		b.SetAttr(v, AttrSector, o.Sector)
		b.SetAttr(v, AttrType, string(o.OrgType))
		b.SetAttr(v, AttrRegion, o.Region)
		b.SetAttr(v, AttrOrganisation, o.Key)
	}
	if len(in) > 0 {
		s.Links, s.Times = make([]*graph.Link, 0, len(in)), make([]analysis.Interval, 0, len(in))
	}
	for _, t := range in {
		w := 1.0
		if scope.Weighted {
			w = t.l.Weight
		}
		id := int32(len(s.Links))
		s.Links = append(s.Links, t.l)
		s.Times = append(s.Times, days(t.l.Interval))
		u, v := node[t.src], node[t.tgt]
		b.Edge(u, v, w, id)
		if scope.Directed && !t.l.Directed {
			b.Edge(v, u, w, id) // an undirected tie is reciprocal
		}
	}
	s.G = b.Build()
	return s
}

// tie is a link with its ends as indexes into the network's actors, -1
// where the network lacks one.
type tie struct {
	l        *graph.Link
	src, tgt int32
}

// actorIndex returns the index byID gives id, or -1.
func actorIndex(byID map[string]int32, id string) int32 {
	if i, ok := byID[id]; ok {
		return i
	}
	return -1
}

// organisations returns, for each actor (by index), the organisation whose
// group attributes it takes: an organisation's top-level parent (or
// itself), a person's first organisation by affiliation or membership link
// key; an empty actor if none.
func organisations(actors []*graph.Actor, ties []tie, byID map[string]int32) []*graph.Actor {
	out := make([]*graph.Actor, len(actors))
	top := func(a *graph.Actor) *graph.Actor {
		for i := 0; i < len(actors) && a.ParentID != ""; i++ {
			p := actorIndex(byID, a.ParentID)
			if p < 0 {
				break
			}
			a = actors[p]
		}
		return a
	}
	for i, a := range actors {
		if a.Kind == graph.KindOrganisation {
			out[i] = top(a)
		}
	}
	for _, t := range ties { // ordered by key, so "first" is stable
		if t.l.Type != graph.LinkAffiliation && t.l.Type != graph.LinkMembership || t.src < 0 || t.tgt < 0 {
			continue
		}
		for _, end := range [2][2]int32{{t.src, t.tgt}, {t.tgt, t.src}} {
			p, o := end[0], end[1]
			if actors[p].Kind == graph.KindPerson && actors[o].Kind == graph.KindOrganisation && out[p] == nil {
				out[p] = out[o]
			}
		}
	}
	none := &graph.Actor{}
	for i := range out {
		if out[i] == nil {
			out[i] = none
		}
	}
	return out
}

// epoch is day 0 of analysis intervals.
var epoch = graph.MustDate("1970-01-01").Time()

// days converts a date interval to analysis days, open ends kept open.
func days(i graph.Interval) analysis.Interval {
	out := analysis.Always
	if !i.From.IsZero() {
		out.From = Day(i.From)
	}
	if !i.To.IsZero() {
		out.To = Day(i.To)
	}
	return out
}

// Day returns d as a day number for analysis intervals.
func Day(d graph.Date) int {
	return int(d.Time().Sub(epoch).Hours() / 24)
}

// DateOfDay is the inverse of Day.
func DateOfDay(day int) graph.Date {
	return graph.DateOf(epoch.AddDate(0, 0, day))
}
