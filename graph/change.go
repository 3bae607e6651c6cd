package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ChangeOp says what a Change did.
type ChangeOp string

const (
	ChangeCreated ChangeOp = "created"
	ChangeUpdated ChangeOp = "updated"
	ChangeDeleted ChangeOp = "deleted"
	// ChangeReset means anything may have changed (a bulk import, or
	// changes the log no longer holds): a reader that follows the log
	// rescans the store instead.
	ChangeReset ChangeOp = "reset"
)

// KindParticipation is the kind of a Change to a participation, whose ID is
// ParticipationID's.
const KindParticipation Kind = "Participation"

// Change is one entry of a store's change log: an entity one committed
// write created, updated or deleted. A write that changes several entities
// (a delete that cascades, a small import) logs one Change for each, all
// with the write's version.
type Change struct {
	Version    int64     `json:"version"`
	Op         ChangeOp  `json:"op"`
	Kind       Kind      `json:"kind,omitempty"` // KindActor, KindProgramme, KindLink or KindParticipation; "" for a reset
	ID         string    `json:"id,omitempty"`   // the entity's global ID (a participation's: ParticipationID)
	CallerID   string    `json:"callerId,omitempty"`
	CallerName string    `json:"callerName,omitempty"`
	At         time.Time `json:"at"`
	// Before and After are the entity's JSON before and after the write:
	// nil for what did not exist and for an import's items (no Before).
	// Erasing a person logs a reset, and turns every earlier entry that
	// names them into a reset without kind, ID or values.
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	// Missed marks the reset of ResetSince: the log did not hold every
	// change asked for (not a logged write). Never stored.
	Missed bool `json:"-"`
}

// Item decodes raw, the Before or After of c, as an Item of c's kind.
func (c *Change) Item(raw json.RawMessage) (Item, error) {
	var it Item
	var v any
	switch c.Kind {
	case KindActor:
		it.Actor = &Actor{}
		v = it.Actor
	case KindProgramme:
		it.Programme = &Programme{}
		v = it.Programme
	case KindLink:
		it.Link = &Link{}
		v = it.Link
	case KindParticipation:
		it.Participation = &Participation{}
		v = it.Participation
	default:
		return Item{}, fmt.Errorf("change %d: no entity of kind %q", c.Version, c.Kind)
	}
	if raw == nil {
		return Item{}, fmt.Errorf("change %d: %s %s has no value logged", c.Version, c.Kind, c.ID)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return Item{}, fmt.Errorf("change %d: %w", c.Version, err)
	}
	return it, nil
}

// ParticipationID identifies a participation in the change log. Global IDs
// are unpadded URL-safe base64, which has no "/".
func ParticipationID(actorID, programmeID string) string { return actorID + "/" + programmeID }

// SplitParticipationID is the inverse of ParticipationID.
func SplitParticipationID(id string) (actorID, programmeID string) {
	actorID, programmeID, _ = strings.Cut(id, "/")
	return actorID, programmeID
}

// Bounds of the change log.
const (
	// MaxWriteChanges is the most changes one write logs one by one; a
	// larger write (a bulk import, or deleting an actor with more links)
	// logs a single ChangeReset.
	MaxWriteChanges = 1000
	// KeepChangeVersions is how many of the newest versions the log keeps:
	// each write prunes what is older.
	KeepChangeVersions = 10000
	// MaxChangesLimit bounds the limit of one Store.Changes call.
	MaxChangesLimit = 10000
)

// CheckChangesLimit returns EINVALID on field "limit" unless 0 < limit ≤
// MaxChangesLimit; stores call it first in Changes.
func CheckChangesLimit(limit int) error {
	if limit <= 0 || limit > MaxChangesLimit {
		return Errorf(EINVALID, "limit", "limit %d must be between 1 and %d", limit, MaxChangesLimit)
	}
	return nil
}

// ResetSince is what Store.Changes returns when the log does not hold every
// change after a version: one reset at the store's version.
func ResetSince(version int64) []Change {
	return []Change{{Version: version, Op: ChangeReset, At: time.Now().UTC(), Missed: true}}
}

// ChangeLog collects the changes of one write transaction; the store writes
// them, stamped with the new version, in the same transaction. Every store
// write records what it changes through one, so both backends log alike.
type ChangeLog struct {
	caller  Caller
	at      time.Time
	changes []Change
	reset   bool
}

// NewChangeLog returns an empty log of a write made for ctx's caller.
func NewChangeLog(ctx context.Context) *ChangeLog {
	return &ChangeLog{caller: CallerFrom(ctx), at: time.Now().UTC()}
}

// Created logs a new entity (*Actor, *Programme, *Link or *Participation).
func (l *ChangeLog) Created(after any) { l.add(ChangeCreated, nil, after) }

// Updated logs a changed entity; before may be nil if the write did not read it.
func (l *ChangeLog) Updated(before, after any) { l.add(ChangeUpdated, before, after) }

// Deleted logs a removed entity.
func (l *ChangeLog) Deleted(before any) { l.add(ChangeDeleted, before, nil) }

// Reset logs that anything may have changed.
func (l *ChangeLog) Reset() { l.reset, l.changes = true, nil }

// Applied logs an ApplyStream item from the result counts before and after
// it was applied: created, updated, or nothing if it was unchanged. The
// item must be the validated copy the store wrote.
func (l *ChangeLog) Applied(it Item, before, after ApplyResult) {
	var v any
	switch {
	case it.Actor != nil:
		v = it.Actor
	case it.Programme != nil:
		v = it.Programme
	case it.Participation != nil:
		v = it.Participation
	case it.Link != nil:
		v = it.Link
	}
	switch {
	case after.Created > before.Created:
		l.Created(v)
	case after.Updated > before.Updated:
		l.Updated(nil, v)
	}
}

// ActorCascade is what deleting an actor changes besides the actor: its
// links and participations go, the links it brokered lose their broker and
// its units lose their parent.
type ActorCascade struct {
	Links, Brokered []*Link
	Units           []*Actor
	Participations  []*Participation
}

// ActorDeleted logs the deletion of a and its cascade.
func (l *ChangeLog) ActorDeleted(a *Actor, c ActorCascade) {
	for _, b := range sortedLinks(c.Brokered) {
		after := *b
		after.BrokeredByID = ""
		l.Updated(b, &after)
	}
	for _, u := range slices.SortedFunc(slices.Values(c.Units), func(x, y *Actor) int { return cmp.Compare(x.Key, y.Key) }) {
		after := *u
		after.ParentID = ""
		l.Updated(u, &after)
	}
	for _, p := range sortedParticipations(c.Participations) {
		l.Deleted(p)
	}
	for _, k := range sortedLinks(c.Links) {
		l.Deleted(k)
	}
	l.Deleted(a)
}

// ProgrammeDeleted logs the deletion of p, of its participations, and the
// links in it losing their programme.
func (l *ChangeLog) ProgrammeDeleted(p *Programme, links []*Link, parts []*Participation) {
	for _, k := range sortedLinks(links) {
		after := *k
		after.ProgrammeID = ""
		l.Updated(k, &after)
	}
	for _, x := range sortedParticipations(parts) {
		l.Deleted(x)
	}
	l.Deleted(p)
}

func sortedLinks(ls []*Link) []*Link {
	return slices.SortedFunc(slices.Values(ls), func(x, y *Link) int { return cmp.Compare(x.Key, y.Key) })
}

func sortedParticipations(ps []*Participation) []*Participation {
	return slices.SortedFunc(slices.Values(ps), func(x, y *Participation) int {
		return cmp.Or(cmp.Compare(x.ActorID, y.ActorID), cmp.Compare(x.ProgrammeID, y.ProgrammeID))
	})
}

func (l *ChangeLog) add(op ChangeOp, before, after any) {
	v := after
	if v == nil {
		v = before
	}
	var kind Kind
	var id string
	switch e := v.(type) {
	case *Actor:
		kind, id = KindActor, e.ID
	case *Programme:
		kind, id = KindProgramme, e.ID
	case *Link:
		kind, id = KindLink, e.ID
	case *Participation:
		kind, id = KindParticipation, ParticipationID(e.ActorID, e.ProgrammeID)
	default:
		l.Reset() // not an entity: say anything may have changed rather than lose it
		return
	}
	l.entry(op, kind, id, before, after)
}

func (l *ChangeLog) entry(op ChangeOp, kind Kind, id string, before, after any) {
	if l.reset {
		return
	}
	if len(l.changes) == MaxWriteChanges {
		l.Reset()
		return
	}
	l.changes = append(l.changes, Change{Op: op, Kind: kind, ID: id, CallerID: l.caller.Subject,
		CallerName: l.caller.Name, At: l.at, Before: rawJSON(before), After: rawJSON(after)})
}

// rawJSON encodes an entity; entities are plain data and always encode.
func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// Entries returns the changes to store with a write committed as version:
// those logged, or one reset if the write logged too many or none (a
// write that changed something it did not log must not look like no
// change to a reader following the log).
func (l *ChangeLog) Entries(version int64) []Change {
	if l.reset || len(l.changes) == 0 {
		return []Change{{Version: version, Op: ChangeReset, CallerID: l.caller.Subject, CallerName: l.caller.Name, At: l.at}}
	}
	out := slices.Clone(l.changes)
	for i := range out {
		out[i].Version = version
	}
	return out
}
