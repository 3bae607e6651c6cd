package graph

import (
	"encoding/json"
	"testing"
)

// TestUndoRefusesMovedEnds: restoring a merge's before values cannot move
// its links back (their ends are fixed for every other write), so a write
// that moved a link's ends is refused rather than half undone.
func TestUndoRefusesMovedEnds(t *testing.T) {
	before := &Link{ID: "l", Key: "l", SourceID: "a", TargetID: "b"}
	after := *before
	after.SourceID = "c"
	raw := func(l *Link) json.RawMessage { b, _ := json.Marshal(l); return b }
	moved := []Change{{Version: 2, Op: ChangeUpdated, Kind: KindLink, ID: "l", Before: raw(before), After: raw(&after)}}
	if err := checkUndoable(moved, nil); ErrorCode(err) != EINVALID {
		t.Errorf("undo of a link moved to other ends: error %v, want EINVALID", err)
	}
	reweighed := *before
	reweighed.Weight = 2
	kept := []Change{{Version: 2, Op: ChangeUpdated, Kind: KindLink, ID: "l", Before: raw(before), After: raw(&reweighed)}}
	if err := checkUndoable(kept, nil); err != nil {
		t.Errorf("undo of a link update on the same ends: error %v, want none", err)
	}
}
