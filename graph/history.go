package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
)

// History and undo read the change log through Store.Changes alone, so
// every backend gets them without a query of its own. The log holds at most
// KeepChangeVersions versions, so a read is bounded; it pages through the
// log oldest first, keeping only the entries it needs.

// LogChanges yields every change the store's log still holds, oldest
// first, up to the store's version when it reads the last page.
func LogChanges(ctx context.Context, s Store) iter.Seq2[Change, error] {
	return func(yield func(Change, error) bool) {
		since, err := logFloor(ctx, s)
		if err != nil {
			yield(Change{}, err)
			return
		}
		for {
			cs, v, err := s.Changes(ctx, since, MaxChangesLimit)
			if err != nil {
				yield(Change{}, err)
				return
			}
			if v <= since || len(cs) == 0 {
				return
			}
			for _, c := range cs {
				if !yield(c, nil) {
					return
				}
			}
			since = v
		}
	}
}

// logFloor returns the oldest version after which the log holds every
// change. Pruning keeps the newest KeepChangeVersions versions, but a store
// that had writes before it had a log starts its log later: then the
// floor is found by bisection (Changes answers a lone reset below it).
func logFloor(ctx context.Context, s Store) (int64, error) {
	version, err := s.Version(ctx)
	if err != nil {
		return 0, err
	}
	holds := func(since int64) (bool, error) {
		if since >= version-1 {
			return true, nil
		}
		cs, _, err := s.Changes(ctx, since, 1)
		if err != nil {
			return false, err
		}
		// Below the floor the answer is ResetSince(version); a real first
		// write after since has a version below the store's.
		return !(len(cs) == 1 && cs[0].Op == ChangeReset && cs[0].Version == version), nil
	}
	lo := max(0, version-KeepChangeVersions)
	ok, err := holds(lo)
	if err != nil || ok {
		return lo, err
	}
	hi := version // holds(hi) is true
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ok, err = holds(mid); err != nil {
			return 0, err
		} else if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// History returns the logged changes to the entity id, newest first, at
// most limit of them. For an actor or programme it includes its
// participations. A reset is not included: it names no entity.
func History(ctx context.Context, s Store, id string, limit int) ([]Change, error) {
	if id == "" {
		return nil, Errorf(EINVALID, "id", "an entity ID is required")
	}
	var out []Change
	for c, err := range LogChanges(ctx, s) {
		if err != nil {
			return nil, err
		}
		if c.ID == id || (c.Kind == KindParticipation && participationOf(c.ID, id)) {
			out = append(out, c)
		}
	}
	slices.Reverse(out)
	return out[:min(len(out), limit)], nil
}

func participationOf(pid, id string) bool {
	a, p := SplitParticipationID(pid)
	return a == id || p == id
}

// ChangesSince returns the logged changes made at or after since, oldest
// first. complete is false if the log no longer reaches back to since
// (its oldest entry is later than since and is not the store's first
// write), so the list may miss changes.
func ChangesSince(ctx context.Context, s Store, since time.Time) (out []Change, complete bool, err error) {
	first := true
	complete = true
	for c, err := range LogChanges(ctx, s) {
		if err != nil {
			return nil, false, err
		}
		if first && c.At.After(since) && c.Version > 1 {
			complete = false // the oldest entry held is already after since
		}
		first = false
		if !c.At.Before(since) {
			out = append(out, c)
		}
	}
	return out, complete, nil
}

// RedactContact removes personal contact data (email, phone) from an
// actor's logged JSON, for callers below editor.
func RedactContact(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil // not an object: show nothing rather than something unfiltered
	}
	if _, e := m["email"]; !e {
		if _, p := m["phone"]; !p {
			return raw
		}
	}
	delete(m, "email")
	delete(m, "phone")
	b, _ := json.Marshal(m) // map keys are sorted: stable output
	return b
}

// ChangedFields returns the top-level fields whose JSON differs between
// before and after, sorted.
func ChangedFields(before, after json.RawMessage) []string {
	var b, a map[string]json.RawMessage
	_ = json.Unmarshal(before, &b)
	_ = json.Unmarshal(after, &a)
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || string(w) != string(v) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Undo reverts the most recent write the caller of ctx made: it applies
// the logged before values (deletes what the write created, restores what
// it updated or deleted) in one write, itself logged. Returns the changes
// undone. Returns ENOTFOUND if the log holds no write of this caller,
// ECONFLICT naming the change if anyone changed those entities since (or
// a bulk write may have), and EINVALID for a write that cannot be undone
// (an import, which logs no before values, or one logged as a reset).
func Undo(ctx context.Context, s Store) ([]Change, error) {
	caller := CallerFrom(ctx)
	if caller.Subject == "" {
		return nil, Errorf(EFORBIDDEN, "", "undo needs a caller")
	}
	var all []Change
	for c, err := range LogChanges(ctx, s) {
		if err != nil {
			return nil, err
		}
		all = append(all, c)
	}
	return undoIn(ctx, s, all, caller.Subject)
}

func undoIn(ctx context.Context, s Store, all []Change, subject string) ([]Change, error) {
	end := -1
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].CallerID == subject {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, Errorf(ENOTFOUND, "", "you have made no change the log still holds")
	}
	v := all[end].Version
	start := end
	for start > 0 && all[start-1].Version == v {
		start--
	}
	write, later := all[start:end+1], all[end+1:]
	if err := checkUndoable(write, later); err != nil {
		return nil, err
	}
	return write, applyUndo(ctx, s, write)
}

// checkUndoable refuses a write that logged no values, or whose entities
// changed since — or, for an entity it created, anything that refers to it
// since (a link to a created actor), which deleting it would take along.
func checkUndoable(write, later []Change) error {
	ids := map[string]bool{}
	var created [][]byte // undoing a create deletes, cascading to what refers to it since
	for _, c := range write {
		if c.Op == ChangeReset {
			return Errorf(EINVALID, "", "your last change (version %d) was a bulk write, which cannot be undone", c.Version)
		}
		if c.Op != ChangeCreated && c.Before == nil {
			return Errorf(EINVALID, "", "your last change (version %d) was an import, which cannot be undone", c.Version)
		}
		if movedEnds(c) {
			return Errorf(EINVALID, "", "your last change (version %d) was a merge, which moved links to other actors: it cannot be undone", c.Version)
		}
		ids[c.ID] = true
		if c.Op == ChangeCreated {
			created = append(created, []byte(strconv.Quote(c.ID)))
		}
	}
	refers := func(c Change) bool {
		return slices.ContainsFunc(created, func(id []byte) bool { return bytes.Contains(c.After, id) || bytes.Contains(c.Before, id) })
	}
	for _, c := range later {
		if c.Op == ChangeReset || ids[c.ID] || refers(c) {
			who := cmp.Or(c.CallerName, c.CallerID, "someone")
			what := "a bulk write that may have changed anything"
			if c.Op != ChangeReset {
				what = fmt.Sprintf("%s %s %s", c.Op, strings.ToLower(string(c.Kind)), Describe(c.ID))
			}
			return Errorf(ECONFLICT, "", "cannot undo: %s made %s at version %d, after your change", who, what, c.Version)
		}
	}
	return nil
}

// applyUndo writes the before values of write. A write that only created
// one entity is undone by deleting it, guarded by its revision; one that
// updated one actor, programme or link by an update guarded the same way;
// anything else (a delete with its cascade) by restoring every before
// value through ApplyStream, one transaction.
func applyUndo(ctx context.Context, s Store, write []Change) error {
	if len(write) == 1 {
		if done, err := undoOne(ctx, s, write[0]); done {
			return err
		}
	}
	var items []Item
	for _, c := range write {
		if c.Op == ChangeCreated {
			return Errorf(EINVALID, "", "your last change (version %d) created several entities, which cannot be undone", c.Version)
		}
		it, err := c.Item(c.Before)
		if err != nil {
			return err
		}
		items = append(items, it)
	}
	// References must come first: actors, programmes, participations, links.
	slices.SortStableFunc(items, func(a, b Item) int { return cmp.Compare(itemRank(a), itemRank(b)) })
	_, err := s.ApplyStream(ctx, func(yield func(Item, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}, false)
	return err
}

func itemRank(it Item) int {
	switch {
	case it.Actor != nil:
		return 0
	case it.Programme != nil:
		return 1
	case it.Participation != nil:
		return 2
	}
	return 3
}

// undoOne undoes a single create or update with a revision-guarded store
// call; done is false if c needs the general path.
func undoOne(ctx context.Context, s Store, c Change) (done bool, err error) {
	if c.Op == ChangeDeleted {
		return false, nil
	}
	after, err := c.Item(c.After)
	if err != nil {
		return true, err
	}
	if c.Op == ChangeCreated {
		switch {
		case after.Actor != nil:
			return true, s.DeleteActor(ctx, c.ID, after.Actor.Revision())
		case after.Programme != nil:
			return true, s.DeleteProgramme(ctx, c.ID, after.Programme.Revision())
		case after.Link != nil:
			return true, s.DeleteLink(ctx, c.ID, after.Link.Revision())
		}
		p := after.Participation
		return true, s.RemoveParticipation(ctx, p.ActorID, p.ProgrammeID)
	}
	before, err := c.Item(c.Before)
	if err != nil {
		return true, err
	}
	switch {
	case before.Actor != nil:
		_, err = s.UpdateActor(ctx, restoreActor(before.Actor, after.Actor.Revision()))
	case before.Programme != nil:
		_, err = s.UpdateProgramme(ctx, restoreProgramme(before.Programme, after.Programme.Revision()))
	case before.Link != nil:
		_, err = s.UpdateLink(ctx, restoreLink(before.Link, after.Link.Revision()))
	default:
		_, err = s.SetParticipation(ctx, before.Participation)
	}
	return true, err
}

func restoreActor(a *Actor, rev string) ActorUpdate {
	return ActorUpdate{ID: a.ID, ExpectedRevision: rev, Name: &a.Name, Aliases: &a.Aliases,
		Description: &a.Description, Title: &a.Title, Roles: &a.Roles, Email: &a.Email, Phone: &a.Phone,
		OrgType: &a.OrgType, Sector: &a.Sector, Region: &a.Region, ParentID: &a.ParentID,
		Evidence: &a.Evidence, Attrs: &a.Attrs}
}

func restoreProgramme(p *Programme, rev string) ProgrammeUpdate {
	return ProgrammeUpdate{ID: p.ID, ExpectedRevision: rev, Name: &p.Name, Description: &p.Description,
		Aims: &p.Aims, Start: &p.Start, End: &p.End, Tags: &p.Tags, Evidence: &p.Evidence}
}

func restoreLink(l *Link, rev string) LinkUpdate {
	return LinkUpdate{ID: l.ID, ExpectedRevision: rev, Type: &l.Type, Directed: &l.Directed,
		Weight: &l.Weight, From: &l.From, To: &l.To, ProgrammeID: &l.ProgrammeID,
		BrokeredByID: &l.BrokeredByID, Evidence: &l.Evidence, Attrs: &l.Attrs}
}

// movedEnds reports whether c updated a link's ends, as only a merge does:
// restoring before values cannot move them back (a link's ends are fixed
// for every other write, ApplyStream's upserts included).
func movedEnds(c Change) bool {
	if c.Kind != KindLink || c.Op != ChangeUpdated {
		return false
	}
	var before, after Link
	if json.Unmarshal(c.Before, &before) != nil || json.Unmarshal(c.After, &after) != nil {
		return false
	}
	return before.SourceID != after.SourceID || before.TargetID != after.TargetID
}
