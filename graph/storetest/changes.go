package storetest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// change is what the tests compare of a graph.Change: not its time.
type change struct {
	Version  int64
	Op       graph.ChangeOp
	Kind     graph.Kind
	ID       string
	CallerID string
}

func changesOf(cs []graph.Change) []change {
	out := make([]change, len(cs))
	for i, c := range cs {
		out[i] = change{c.Version, c.Op, c.Kind, c.ID, c.CallerID}
	}
	return out
}

// allChanges reads every change after since through pages of limit, and
// checks each page ends at a whole write.
func allChanges(t *testing.T, s graph.Store, since int64, limit int) []graph.Change {
	t.Helper()
	want := must(s.Version(ctx))
	var out []graph.Change
	for since < want {
		cs, v := must2(s.Changes(ctx, since, limit))
		if v <= since || len(cs) == 0 {
			t.Fatalf("Changes(%d, %d) = %d changes to version %d: no progress towards %d", since, limit, len(cs), v, want)
		}
		if last := cs[len(cs)-1].Version; last != v {
			t.Fatalf("Changes(%d, %d) ends at version %d but says it reaches %d", since, limit, last, v)
		}
		out, since = append(out, cs...), v
	}
	return out
}

// must2 is must for two values.
func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		_, file, line, _ := runtime.Caller(1)
		panic(failure(fmt.Sprintf("%s:%d: unexpected error: %v", filepath.Base(file), line, err)))
	}
	return a, b
}

// item decodes c's After (or Before, for a delete).
func item(t *testing.T, c graph.Change) graph.Item {
	t.Helper()
	raw := c.After
	if c.Op == graph.ChangeDeleted {
		raw = c.Before
	}
	return must(c.Item(raw))
}

// testChanges: every write logs what it changed, in commit order, with
// the caller, the values before and after, and nothing for a failed write.
func testChanges(t *testing.T, s graph.Store) {
	v0 := must(s.Version(ctx))
	if cs, v := must2(s.Changes(ctx, v0, 10)); len(cs) != 0 || v != v0 {
		t.Fatalf("Changes of an empty store = %v to %d, want none to %d", cs, v, v0)
	}
	alice := graph.Caller{Subject: "key-1", Name: "alice's key", Role: graph.AccessEditor}
	actx := graph.WithCaller(ctx, alice)
	a := must(s.CreateActor(actx, person("ann", "Ann")))
	u := must(s.UpdateActor(actx, graph.ActorUpdate{ID: a.ID, Name: ptr("Ann Lee")}))
	_, err := s.CreateActor(actx, person("ann", "Ann again"))
	wantCode(t, err, graph.ECONFLICT, "")
	p := must(s.CreateProgramme(ctx, &graph.Programme{Key: "prog", Name: "Prog"}))
	part := must(s.SetParticipation(ctx, &graph.Participation{ActorID: a.ID, ProgrammeID: p.ID}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: a.ID, ProgrammeID: p.ID, Role: graph.RoleLead}))
	b := must(s.CreateActor(ctx, person("ben", "Ben")))
	l := must(s.CreateLink(ctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: a.ID, TargetID: b.ID}))
	must(s.UpdateLink(ctx, graph.LinkUpdate{ID: l.ID, Weight: ptr(3.0)}))
	noErr(t, s.DeleteLink(ctx, l.ID, ""))
	noErr(t, s.RemoveParticipation(ctx, a.ID, p.ID))

	pid := graph.ParticipationID(a.ID, p.ID)
	want := []change{
		{v0 + 1, graph.ChangeCreated, graph.KindActor, a.ID, "key-1"},
		{v0 + 2, graph.ChangeUpdated, graph.KindActor, a.ID, "key-1"},
		{v0 + 3, graph.ChangeCreated, graph.KindProgramme, p.ID, ""},
		{v0 + 4, graph.ChangeCreated, graph.KindParticipation, pid, ""},
		{v0 + 5, graph.ChangeUpdated, graph.KindParticipation, pid, ""},
		{v0 + 6, graph.ChangeCreated, graph.KindActor, b.ID, ""},
		{v0 + 7, graph.ChangeCreated, graph.KindLink, l.ID, ""},
		{v0 + 8, graph.ChangeUpdated, graph.KindLink, l.ID, ""},
		{v0 + 9, graph.ChangeDeleted, graph.KindLink, l.ID, ""},
		{v0 + 10, graph.ChangeDeleted, graph.KindParticipation, pid, ""},
	}
	got := allChanges(t, s, v0, 3)
	if diff := cmp.Diff(want, changesOf(got)); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	if got[0].CallerName != alice.Name || got[0].At.IsZero() {
		t.Errorf("first change by %q at %v, want by %q at a time", got[0].CallerName, got[0].At, alice.Name)
	}
	if got[0].Before != nil || got[8].After != nil {
		t.Errorf("a create logged a value before (%s) or a delete one after (%s)", got[0].Before, got[8].After)
	}
	if diff := cmp.Diff(a, must(got[1].Item(got[1].Before)).Actor); diff != "" {
		t.Errorf("actor before the update (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(u, item(t, got[1]).Actor); diff != "" {
		t.Errorf("actor after the update (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(part, item(t, got[3]).Participation); diff != "" {
		t.Errorf("participation created (-want +got):\n%s", diff)
	}
	if got := item(t, got[7]).Link; got.Weight != 3 {
		t.Errorf("link after the update has weight %v, want 3", got.Weight)
	}
	if got := item(t, got[8]).Link; got.ID != l.ID || got.SourceID != a.ID {
		t.Errorf("link deleted = %+v, want %s from %s", got, l.ID, a.ID)
	}
	// Any page size gives the same changes.
	if diff := cmp.Diff(changesOf(got), changesOf(allChanges(t, s, v0, 1))); diff != "" {
		t.Errorf("changes one at a time (-pages of 3 +pages of 1):\n%s", diff)
	}
}

// testChangesCascade: deleting an actor or a programme logs what it
// actually changed, in the one write.
func testChangesCascade(t *testing.T, s graph.Store) {
	f := seed(t, s)
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.uni.ID, ProgrammeID: f.prog.ID}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.bob.ID, ProgrammeID: f.prog.ID}))
	v := must(s.Version(ctx))

	noErr(t, s.DeleteActor(ctx, f.bob.ID, "")) // broker of partner, in the programme
	noErr(t, s.DeleteProgramme(ctx, f.prog.ID, ""))
	noErr(t, s.DeleteActor(ctx, f.uni.ID, "")) // parent of centre, an end of partner
	got := allChanges(t, s, v, 100)
	want := []change{
		{v + 1, graph.ChangeUpdated, graph.KindLink, f.partner.ID, ""},
		{v + 1, graph.ChangeDeleted, graph.KindParticipation, graph.ParticipationID(f.bob.ID, f.prog.ID), ""},
		{v + 1, graph.ChangeDeleted, graph.KindActor, f.bob.ID, ""},
		{v + 2, graph.ChangeUpdated, graph.KindLink, f.partner.ID, ""},
		{v + 2, graph.ChangeDeleted, graph.KindParticipation, graph.ParticipationID(f.uni.ID, f.prog.ID), ""},
		{v + 2, graph.ChangeDeleted, graph.KindProgramme, f.prog.ID, ""},
		{v + 3, graph.ChangeUpdated, graph.KindActor, f.centre.ID, ""},
		{v + 3, graph.ChangeDeleted, graph.KindLink, f.partner.ID, ""},
		{v + 3, graph.ChangeDeleted, graph.KindActor, f.uni.ID, ""},
	}
	if diff := cmp.Diff(want, changesOf(got)); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	afterBob := *f.partner
	afterBob.BrokeredByID = ""
	if diff := cmp.Diff(&afterBob, item(t, got[0]).Link); diff != "" {
		t.Errorf("link after its broker went (-want +got):\n%s", diff)
	}
	if l := item(t, got[3]).Link; l.ProgrammeID != "" || l.BrokeredByID != "" {
		t.Errorf("link after its programme went = %+v, want neither programme nor broker", l)
	}
	if c := item(t, got[6]).Actor; c.ParentID != "" || c.Name != f.centre.Name {
		t.Errorf("unit after its parent went = %+v, want the centre without a parent", c)
	}
	// A write that reaches the limit comes whole.
	if cs, to := must2(s.Changes(ctx, v, 1)); len(cs) != 3 || to != v+1 {
		t.Errorf("Changes(%d, 1) = %d changes to version %d, want bob's whole delete: 3 to %d", v, len(cs), to, v+1)
	}
}

// testChangesApplyStream: a small stream logs each item it created or
// changed; an unchanged one logs nothing; a dry run and a failed stream
// log nothing; a bulk one logs one reset.
func testChangesApplyStream(t *testing.T, s graph.Store) {
	v0 := must(s.Version(ctx))
	must(s.ApplyStream(ctx, items(streamBatch()...), true))
	must(s.ApplyStream(ctx, items(streamBatch()...), false))
	got := allChanges(t, s, v0, 100)
	if len(got) != len(streamBatch()) {
		t.Fatalf("stream of %d items logged %d changes: %v", len(streamBatch()), len(got), changesOf(got))
	}
	for _, c := range got {
		if c.Version != v0+1 || c.Op != graph.ChangeCreated || c.After == nil {
			t.Errorf("change %+v, want created at version %d with a value", changesOf([]graph.Change{c}), v0+1)
		}
	}
	v1 := must(s.Version(ctx))
	must(s.ApplyStream(ctx, items(streamBatch()...), false)) // all unchanged
	kevin := person("kevin", "Kevin Lowden")
	kevin.Title = "Professor"
	must(s.ApplyStream(ctx, items(graph.Item{Actor: kevin}), false))
	got = allChanges(t, s, v1, 100)
	if diff := cmp.Diff([]change{{v1 + 1, graph.ChangeUpdated, graph.KindActor, graph.NewID(graph.KindPerson, "kevin"), ""}}, changesOf(got)); diff != "" {
		t.Errorf("changes of an unchanged stream and an update (-want +got):\n%s", diff)
	}
	if a := item(t, got[0]).Actor; a.Title != "Professor" {
		t.Errorf("actor after the stream = %+v, want title Professor", a)
	}

	v2 := must(s.Version(ctx))
	var bulk []graph.Item
	for i := range graph.MaxWriteChanges + 1 {
		bulk = append(bulk, graph.Item{Actor: person(fmt.Sprintf("bulk-%04d", i), "Bulk")})
	}
	must(s.ApplyStream(ctx, items(bulk...), false))
	if diff := cmp.Diff([]change{{v2 + 1, graph.ChangeReset, "", "", ""}}, changesOf(allChanges(t, s, v2, 10))); diff != "" {
		t.Errorf("changes of a bulk stream (-want +got):\n%s", diff)
	}
}

// ChangeRetention checks a store that keeps only the newest keep versions
// of its change log: older versions are answered with a reset, so a
// follower knows to rescan. (Backends lower their retention to run it.)
func ChangeRetention(t *testing.T, s graph.Store, keep int64) {
	run(t, "ChangeRetention", func(t *testing.T) {
		v0 := must(s.Version(ctx))
		for i := range keep + 2 {
			must(s.CreateActor(ctx, person(fmt.Sprintf("r%d", i), "R")))
		}
		v := must(s.Version(ctx))
		reset := []change{{v, graph.ChangeReset, "", "", ""}}
		for _, since := range []int64{v0, v - keep - 1, v + 1} {
			cs, _ := must2(s.Changes(ctx, since, 10))
			if diff := cmp.Diff(reset, changesOf(cs)); diff != "" {
				t.Errorf("Changes(%d) with versions up to %d kept of %d (-want +got):\n%s", since, v-keep+1, v, diff)
			}
		}
		if cs := allChanges(t, s, v-keep, 10); len(cs) != int(keep) || cs[0].Version != v-keep+1 {
			t.Errorf("changes after %d = %v, want the %d kept", v-keep, changesOf(cs), keep)
		}
		for _, limit := range []int{0, -1, graph.MaxChangesLimit + 1} {
			_, _, err := s.Changes(ctx, v, limit)
			wantCode(t, err, graph.EINVALID, "limit")
		}
	})
}

// changesHold returns the first of secrets that a change after since
// mentions, or "".
func changesHold(t *testing.T, s graph.Store, since int64, secrets ...string) string {
	t.Helper()
	b := string(must(json.Marshal(allChanges(t, s, since, graph.MaxChangesLimit))))
	for _, secret := range secrets {
		if secret != "" && strings.Contains(b, secret) {
			return secret
		}
	}
	return ""
}
