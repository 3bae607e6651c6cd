package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// AdminBackend is a store with its administrative side, as every backend has.
type AdminBackend interface {
	graph.Store
	graph.AdminStore
}

// RunAdmin runs the graph.AdminStore contract against stores made by open,
// each empty.
func RunAdmin(t *testing.T, open func(t *testing.T) AdminBackend) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, AdminBackend)
	}{
		{"Keys", testKeys},
		{"KeyErrors", testKeyErrors},
		{"RevokeKey", testRevokeKey},
		{"ErasePerson", testErasePerson},
		{"ErasePersonErrors", testErasePersonErrors},
		{"EraseIsAtomic", testEraseIsAtomic},
		{"AuditLogPages", testAuditLogPages},
	} {
		run(t, tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// at is a fixed clock with whole nanoseconds, as the stores keep them.
var at = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

func newKey(t *testing.T, name string, role graph.AccessRole, created time.Time) (*graph.APIKey, string) {
	t.Helper()
	k, secret, err := graph.NewAPIKey(name, role, created)
	if err != nil {
		t.Fatal(err)
	}
	return k, secret
}

func entry(action graph.AuditAction, target string, when time.Time) *graph.AuditEntry {
	ctx := graph.WithCaller(ctx, graph.Caller{Subject: "cli:test", Role: graph.AccessAdmin})
	return graph.NewAuditEntry(ctx, action, target, when)
}

func testKeys(t *testing.T, s AdminBackend) {
	v0 := must(s.Version(ctx))
	viewer, secret := newKey(t, "reporting dashboard", graph.AccessViewer, at)
	admin, _ := newKey(t, "", graph.AccessAdmin, at.Add(time.Second))
	noErr(t, s.CreateKey(ctx, admin, entry(graph.AuditCreateKey, admin.ID, at.Add(time.Second))))
	noErr(t, s.CreateKey(ctx, viewer, entry(graph.AuditCreateKey, viewer.ID, at)))

	got := must(s.KeyByHash(ctx, graph.HashAPIKey(secret)))
	if diff := cmp.Diff(viewer, got); diff != "" {
		t.Errorf("KeyByHash (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*graph.APIKey{viewer, admin}, must(s.Keys(ctx))); diff != "" {
		t.Errorf("Keys, oldest first (-want +got):\n%s", diff)
	}
	_, err := s.KeyByHash(ctx, graph.HashAPIKey(secret+"x"))
	wantCode(t, err, graph.ENOTFOUND, "")
	if v := must(s.Version(ctx)); v != v0 {
		t.Errorf("version after creating keys = %d, want %d: keys are not part of the network", v, v0)
	}
	var n int
	must(s.Scan(ctx, func(graph.Item) error { n++; return nil }))
	if n != 0 {
		t.Errorf("scan after creating keys saw %d items, want none", n)
	}
	log := must(s.AuditLog(ctx, graph.PageArgs{}))
	if log.TotalCount != 2 || log.Items[0].Target != admin.ID || log.Items[0].Action != graph.AuditCreateKey ||
		log.Items[0].Actor != "cli:test" {
		t.Errorf("audit log = %+v, want the two key creations, newest first", log.Items)
	}
}

func testKeyErrors(t *testing.T, s AdminBackend) {
	k, _ := newKey(t, "a", graph.AccessEditor, at)
	noErr(t, s.CreateKey(ctx, k, entry(graph.AuditCreateKey, k.ID, at)))
	again, _ := newKey(t, "b", graph.AccessEditor, at)
	again.ID = k.ID
	wantCode(t, s.CreateKey(ctx, again, entry(graph.AuditCreateKey, k.ID, at)), graph.ECONFLICT, "")
	for name, bad := range map[string]*graph.APIKey{
		"no ID":   {Role: graph.AccessViewer, Hash: k.Hash},
		"no role": {ID: "x", Hash: graph.HashAPIKey("other")},
		"no hash": {ID: "y", Role: graph.AccessViewer},
	} {
		if err := s.CreateKey(ctx, bad, entry(graph.AuditCreateKey, bad.ID, at)); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("CreateKey with %s = %v, want %s", name, err, graph.EINVALID)
		}
	}
	if n := len(must(s.Keys(ctx))); n != 1 {
		t.Errorf("%d keys after failed creations, want 1", n)
	}
	if n := must(s.AuditLog(ctx, graph.PageArgs{})).TotalCount; n != 1 {
		t.Errorf("%d audit entries after failed creations, want 1: a failed write records nothing", n)
	}
}

func testRevokeKey(t *testing.T, s AdminBackend) {
	k, secret := newKey(t, "ci", graph.AccessEditor, at)
	noErr(t, s.CreateKey(ctx, k, entry(graph.AuditCreateKey, k.ID, at)))
	when := at.Add(time.Hour)
	got := must(s.RevokeKey(ctx, k.ID, entry(graph.AuditRevokeKey, k.ID, when)))
	if !got.Revoked.Equal(when) {
		t.Errorf("revoked at %v, want %v", got.Revoked, when)
	}
	again := must(s.RevokeKey(ctx, k.ID, entry(graph.AuditRevokeKey, k.ID, when.Add(time.Hour))))
	if !again.Revoked.Equal(when) {
		t.Errorf("revoking twice moved the time to %v, want %v kept", again.Revoked, when)
	}
	if stored := must(s.KeyByHash(ctx, graph.HashAPIKey(secret))); !stored.Revoked.Equal(when) {
		t.Errorf("stored key revoked at %v, want %v", stored.Revoked, when)
	}
	_, err := s.RevokeKey(ctx, "missing", entry(graph.AuditRevokeKey, "missing", when))
	wantCode(t, err, graph.ENOTFOUND, "")
	log := must(s.AuditLog(ctx, graph.PageArgs{}))
	var actions []graph.AuditAction
	for _, e := range log.Items {
		actions = append(actions, e.Action)
	}
	if diff := cmp.Diff([]graph.AuditAction{graph.AuditRevokeKey, graph.AuditCreateKey}, actions); diff != "" {
		t.Errorf("audit actions, newest first (-want +got):\n%s", diff)
	}
}

// testErasePerson erases a person who has a link, a participation and
// brokered another link, with contact details, and checks nothing of them is
// left anywhere a Scan (and so an export) can see.
func testErasePerson(t *testing.T, s AdminBackend) {
	f := seed(t, s)
	bob := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.bob.ID, Email: ptr("bob.brown@example.org"), Phone: ptr("+44 151 291 3000")}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: bob.ID, ProgrammeID: f.prog.ID, Role: graph.RoleEvaluator}))
	own := must(s.CreateLink(ctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: bob.ID, TargetID: f.school.ID}))
	v0 := must(s.Version(ctx))

	e := entry(graph.AuditErasePerson, graph.ErasureRef(bob.ID), at)
	noErr(t, s.ErasePerson(ctx, bob.ID, e))

	if got := must(s.ActorsByID(ctx, []string{bob.ID}))[0]; got != nil {
		t.Errorf("erased person still there: %+v", got)
	}
	if got := must(s.LinksByID(ctx, []string{own.ID}))[0]; got != nil {
		t.Errorf("erased person's link still there: %+v", got)
	}
	if l := must(s.LinksByID(ctx, []string{f.partner.ID}))[0]; l == nil || l.BrokeredByID != "" {
		t.Errorf("link the erased person brokered = %+v, want kept without a broker", l)
	}
	if ps := must(s.ParticipationsOf(ctx, []string{f.prog.ID}))[0]; len(ps) != 0 {
		t.Errorf("participations after erasure = %+v, want none", ps)
	}
	if v := must(s.Version(ctx)); v <= v0 {
		t.Errorf("version after erasure = %d, want above %d", v, v0)
	}
	var dump bytes.Buffer
	must(s.Scan(ctx, func(it graph.Item) error { return json.NewEncoder(&dump).Encode(it) }))
	for _, secret := range []string{bob.ID, bob.Key, bob.Name, bob.Email, bob.Phone} {
		if strings.Contains(dump.String(), secret) {
			t.Errorf("scan after erasure still holds %q:\n%s", secret, dump.String())
		}
	}
	if secret := changesHold(t, s, 0, bob.ID, bob.Name, bob.Email, bob.Phone); secret != "" {
		t.Errorf("change log after erasure still holds %q", secret)
	}
	if cs, v := must2(s.Changes(ctx, v0, 10)); len(cs) != 1 || cs[0].Op != graph.ChangeReset || v != v0+1 {
		t.Errorf("erasure logged %v up to %d, want one reset at %d", changesOf(cs), v, v0+1)
	}
	log := must(s.AuditLog(ctx, graph.PageArgs{}))
	if diff := cmp.Diff([]*graph.AuditEntry{e}, log.Items); diff != "" {
		t.Fatalf("audit log (-want +got):\n%s", diff)
	}
	got := log.Items[0]
	if strings.Contains(got.Target, bob.ID) || strings.Contains(got.Target, bob.Key) || !graph.MatchesErasureRef(got.Target, bob.ID) {
		t.Errorf("audit target %q: want a salted hash that matches the erased ID and does not show it", got.Target)
	}
}

func testErasePersonErrors(t *testing.T, s AdminBackend) {
	f := seed(t, s)
	v0 := must(s.Version(ctx))
	wantCode(t, s.ErasePerson(ctx, f.uni.ID, entry(graph.AuditErasePerson, "x", at)), graph.ENOTFOUND, "id")
	wantCode(t, s.ErasePerson(ctx, graph.NewID(graph.KindPerson, "nobody"), entry(graph.AuditErasePerson, "y", at)), graph.ENOTFOUND, "id")
	wantCode(t, s.ErasePerson(ctx, f.alice.ID, nil), graph.EINVALID, "")
	if a := must(s.ActorsByID(ctx, []string{f.uni.ID, f.alice.ID})); a[0] == nil || a[1] == nil {
		t.Errorf("failed erasures deleted actors: %+v", a)
	}
	if v := must(s.Version(ctx)); v != v0 {
		t.Errorf("version after failed erasures = %d, want %d", v, v0)
	}
	if n := must(s.AuditLog(ctx, graph.PageArgs{})).TotalCount; n != 0 {
		t.Errorf("%d audit entries after failed erasures, want 0", n)
	}
}

// testEraseIsAtomic makes the audit entry fail (its ID is taken) and checks
// the person is still there: deletion and record commit together or not at all.
func testEraseIsAtomic(t *testing.T, s AdminBackend) {
	f := seed(t, s)
	k, _ := newKey(t, "k", graph.AccessViewer, at)
	first := entry(graph.AuditCreateKey, k.ID, at)
	noErr(t, s.CreateKey(ctx, k, first))
	dup := entry(graph.AuditErasePerson, graph.ErasureRef(f.alice.ID), at)
	dup.ID = first.ID
	if err := s.ErasePerson(ctx, f.alice.ID, dup); err == nil {
		t.Fatal("erasure with a clashing audit entry succeeded")
	}
	if a := must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]; a == nil {
		t.Error("person deleted although the audit entry failed")
	}
	if l := must(s.LinksByID(ctx, []string{f.aff.ID}))[0]; l == nil {
		t.Error("person's link deleted although the audit entry failed")
	}
}

func testAuditLogPages(t *testing.T, s AdminBackend) {
	var want []*graph.AuditEntry
	for i := range 7 {
		k, _ := newKey(t, "k", graph.AccessViewer, at)
		// Two entries share each time, so the ID breaks ties.
		e := entry(graph.AuditCreateKey, k.ID, at.Add(time.Duration(i/2)*time.Minute))
		noErr(t, s.CreateKey(ctx, k, e))
		want = append(want, e)
	}
	var got []*graph.AuditEntry
	after := ""
	for range 10 {
		p := must(s.AuditLog(ctx, graph.PageArgs{First: 3, After: after}))
		if p.TotalCount != 7 {
			t.Fatalf("total count = %d, want 7", p.TotalCount)
		}
		got = append(got, p.Items...)
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
	}
	// Newest first; among equal times, greater ID first.
	sortAudit(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit log in pages of 3 (-want +got):\n%s", diff)
	}
	_, err := s.AuditLog(ctx, graph.PageArgs{After: "garbage"})
	wantCode(t, err, graph.EINVALID, "after")
}

func sortAudit(es []*graph.AuditEntry) {
	slices.SortFunc(es, func(a, b *graph.AuditEntry) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

func ptr[T any](v T) *T { return &v }
