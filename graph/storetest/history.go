package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

var (
	editorAnn = graph.Caller{Subject: "key-ann", Name: "Ann", Role: graph.AccessEditor}
	editorBen = graph.Caller{Subject: "key-ben", Name: "Ben", Role: graph.AccessEditor}
)

// testHistory: an entity's history lists its changes newest first with who
// made them and the values before and after; ChangesSince lists what
// changed from a time on.
func testHistory(t *testing.T, s graph.Store) {
	f := seed(t, s)
	start := time.Now().UTC()
	actx, bctx := graph.WithCaller(ctx, editorAnn), graph.WithCaller(ctx, editorBen)
	must(s.UpdateActor(actx, graph.ActorUpdate{ID: f.alice.ID, Name: ptr("Alice Ames")}))
	must(s.UpdateActor(bctx, graph.ActorUpdate{ID: f.alice.ID, Email: ptr("alice@example.org")}))
	must(s.SetParticipation(bctx, &graph.Participation{ActorID: f.alice.ID, ProgrammeID: f.prog.ID}))

	h := must(graph.History(ctx, s, f.alice.ID, 10))
	got := changesOf(h)
	v := h[0].Version
	want := []change{
		{v, graph.ChangeCreated, graph.KindParticipation, graph.ParticipationID(f.alice.ID, f.prog.ID), "key-ben"},
		{v - 1, graph.ChangeUpdated, graph.KindActor, f.alice.ID, "key-ben"},
		{v - 2, graph.ChangeUpdated, graph.KindActor, f.alice.ID, "key-ann"},
		{got[3].Version, graph.ChangeCreated, graph.KindActor, f.alice.ID, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("history (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"name"}, graph.ChangedFields(h[2].Before, h[2].After)); diff != "" {
		t.Errorf("fields Ann changed (-want +got):\n%s", diff)
	}
	if h[1].CallerName != "Ben" {
		t.Errorf("second change by %q, want Ben", h[1].CallerName)
	}
	if got := string(graph.RedactContact(h[1].After)); got == string(h[1].After) || len(got) == 0 {
		t.Errorf("redacted %s to %s: the email stayed or everything went", h[1].After, got)
	}
	if got := must(graph.History(ctx, s, f.alice.ID, 1)); len(got) != 1 || got[0].Version != v {
		t.Errorf("history limited to 1 = %v, want the newest", changesOf(got))
	}
	since, complete, err := graph.ChangesSince(ctx, s, start)
	noErr(t, err)
	if len(since) != 3 || !complete || since[0].CallerID != "key-ann" {
		t.Errorf("changes since the start = %v (complete %v), want Ann's then Ben's two", changesOf(since), complete)
	}
	_, err = graph.History(ctx, s, "", 10)
	wantCode(t, err, graph.EINVALID, "id")
}

// testUndo: undo reverts the caller's last write — a create, an update, a
// delete with its cascade — in one logged write, and refuses (CONFLICT)
// when someone changed those entities since.
func testUndo(t *testing.T, s graph.Store) {
	f := seed(t, s)
	actx, bctx := graph.WithCaller(ctx, editorAnn), graph.WithCaller(ctx, editorBen)
	_, err := graph.Undo(actx, s)
	wantCode(t, err, graph.ENOTFOUND, "")

	t.Run("Update", func(t *testing.T) {
		must(s.UpdateActor(actx, graph.ActorUpdate{ID: f.uni.ID, Name: ptr("Hope"), Sector: ptr("HE")}))
		undone := must(graph.Undo(actx, s))
		if len(undone) != 1 || undone[0].Op != graph.ChangeUpdated {
			t.Fatalf("undone = %v, want the update", changesOf(undone))
		}
		if diff := cmp.Diff(f.uni, must(s.ActorsByID(ctx, []string{f.uni.ID}))[0]); diff != "" {
			t.Errorf("actor after undo (-want +got):\n%s", diff)
		}
		last := must(graph.History(ctx, s, f.uni.ID, 1))[0]
		if last.CallerID != "key-ann" || last.Op != graph.ChangeUpdated {
			t.Errorf("undo logged %v, want an update by Ann", changesOf([]graph.Change{last}))
		}
	})
	t.Run("Create", func(t *testing.T) {
		a := must(s.CreateActor(actx, person("new", "New Person")))
		must(graph.Undo(actx, s))
		if got := must(s.ActorsByID(ctx, []string{a.ID}))[0]; got != nil {
			t.Errorf("created actor still there after undo: %+v", got)
		}
	})
	t.Run("CreateLinkedSince", func(t *testing.T) {
		a := must(s.CreateActor(actx, person("newer", "Newer Person")))
		must(s.CreateLink(bctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: a.ID, TargetID: f.alice.ID}))
		_, err := graph.Undo(actx, s)
		wantCode(t, err, graph.ECONFLICT, "")
		if got := must(s.ActorsByID(ctx, []string{a.ID}))[0]; got == nil {
			t.Errorf("a refused undo deleted the actor Ben linked to")
		}
	})
	t.Run("DeleteCascade", func(t *testing.T) {
		noErr(t, s.DeleteActor(actx, f.bob.ID, ""))
		must(graph.Undo(actx, s))
		if diff := cmp.Diff(f.bob, must(s.ActorsByID(ctx, []string{f.bob.ID}))[0]); diff != "" {
			t.Errorf("actor after undoing its delete (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(f.partner, must(s.LinksByID(ctx, []string{f.partner.ID}))[0]); diff != "" {
			t.Errorf("link bob brokered after undo (-want +got):\n%s", diff)
		}
	})
	t.Run("ConflictSince", func(t *testing.T) {
		must(s.UpdateActor(actx, graph.ActorUpdate{ID: f.school.ID, Name: ptr("St Mary's")}))
		cur := must(s.UpdateActor(bctx, graph.ActorUpdate{ID: f.school.ID, Region: ptr("Merseyside")}))
		v := must(s.Version(ctx))
		_, err := graph.Undo(actx, s)
		wantCode(t, err, graph.ECONFLICT, "")
		if got := must(s.ActorsByID(ctx, []string{f.school.ID}))[0]; !cmp.Equal(got, cur) || must(s.Version(ctx)) != v {
			t.Errorf("a refused undo changed the store: %+v", got)
		}
		// Ben's own last change is still his to undo.
		must(graph.Undo(bctx, s))
		if got := must(s.ActorsByID(ctx, []string{f.school.ID}))[0]; got.Region != f.school.Region || got.Name != "St Mary's" {
			t.Errorf("after Ben's undo: %+v", got)
		}
	})
}
