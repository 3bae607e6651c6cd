package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// A revision names the content of an actor, programme or link as stored:
// the first 64 bits of the SHA-256 of its JSON encoding, in hex. An editor
// sends back the revision it saw with an update or delete, and the store
// refuses the write (a *StaleError) if the entity has changed since, so two
// editors cannot silently overwrite each other (optimistic concurrency).
//
// It is derived from the content rather than stored beside it, so every write
// moves it — bulk imports and deletes that clear a reference included — with
// nothing to migrate, and both backends give the same revision for the same
// entity. An edit undone by another (A, B, A) reads as no change, which is
// what a lost update is about: the editor saw A and A is what is there.
// Because it is derived from personal fields too, it is shown to editors only.

// Revision returns a's revision.
func (a *Actor) Revision() string { return revision(a) }

// Revision returns p's revision.
func (p *Programme) Revision() string { return revision(p) }

// Revision returns l's revision.
func (l *Link) Revision() string { return revision(l) }

func revision(v any) string {
	b, _ := json.Marshal(v) // strings, lists, maps, dates and finite floats: never fails
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// StaleError is the ECONFLICT of an update or delete that named a revision
// the entity no longer has. Current is the entity as it is now (*Actor,
// *Programme or *Link), for the editor to compare with what they sent.
type StaleError struct {
	Err      *Error
	Revision string // Current's revision
	Current  any
}

func (e *StaleError) Error() string { return e.Err.Error() }
func (e *StaleError) Unwrap() error { return e.Err }

// CheckRevision returns nil if want is empty (an unguarded write) or cur's
// revision, and a *StaleError holding cur otherwise. Stores call it inside
// the write transaction, on the entity as that transaction reads it.
func CheckRevision[T interface{ Revision() string }](what, id string, cur T, want string) error {
	if want == "" {
		return nil
	}
	if got := cur.Revision(); got != want {
		return &StaleError{
			Err: Errorf(ECONFLICT, "expectedRevision", "%s %s has changed since revision %s: it is now at %s; "+
				"compare, then send the update again with the new revision", what, Describe(id), want, got),
			Revision: got, Current: cur,
		}
	}
	return nil
}
