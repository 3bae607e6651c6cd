// Package storetest is the contract every graph.Store backend passes:
// call Run from the backend's tests with a function that opens an empty store.
package storetest

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// Run runs the whole contract against stores made by open, each empty.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, graph.Store)
	}{
		{"Actors", testActors},
		{"ActorValidation", testActorValidation},
		{"FindActors", testFindActors},
		{"UpdateActor", testUpdateActor},
		{"DeleteActor", testDeleteActor},
		{"Revisions", testRevisions},
		{"Programmes", testProgrammes},
		{"Links", testLinks},
		{"LinkFilters", testLinkFilters},
		{"LinkPages", testLinkPages},
		{"UnitPages", testUnitPages},
		{"Participations", testParticipations},
		{"Apply", testApply},
		{"ApplyAllOrNothing", testApplyAllOrNothing},
		{"Version", testVersion},
		{"Scan", testScan},
		{"HostileStrings", testHostileStrings},
		{"ConcurrentWrites", testConcurrentWrites},
		{"Attrs", testAttrs},
		{"ApplyStream", testApplyStream},
		{"ApplyStreamAllOrNothing", testApplyStreamAllOrNothing},
		{"ApplyStreamLarge", testApplyStreamLarge},
		{"Changes", testChanges},
		{"ChangesCascade", testChangesCascade},
		{"ChangesApplyStream", testChangesApplyStream},
		{"FollowChanges", testFollowChanges},
		{"History", testHistory},
		{"Undo", testUndo},
		{"Aggregates", testAggregates},
		{"MergeActors", testMergeActors},
		{"MergeActorsErrors", testMergeActorsErrors},
		{"Orders", testOrders},
		{"Where", testWhere},
		{"WhereErrors", testWhereErrors},
	} {
		run(t, tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

var ctx = context.Background()

func org(key, name string, typ graph.OrgType, sector string) *graph.Actor {
	return &graph.Actor{Key: key, Kind: graph.KindOrganisation, Name: name, OrgType: typ, Sector: sector, Region: "North West England"}
}

func person(key, name string) *graph.Actor {
	return &graph.Actor{Key: key, Kind: graph.KindPerson, Name: name, Title: "Dr", Roles: []string{"researcher"}}
}

// run runs fn as subtest name, turning a failed must into t.Fatal.
func run(t *testing.T, name string, fn func(t *testing.T)) {
	t.Run(name, func(t *testing.T) {
		defer func() {
			if r := recover(); r != nil {
				f, ok := r.(failure)
				if !ok {
					panic(r)
				}
				t.Fatal(string(f))
			}
		}()
		fn(t)
	})
}

// failure is a failed must, turned into t.Fatal by Run.
type failure string

// must returns v, failing the running contract test if err is not nil.
// (A panic, because Go cannot pass t beside a multi-value call.)
func must[T any](v T, err error) T {
	if err != nil {
		_, file, line, _ := runtime.Caller(1)
		panic(failure(fmt.Sprintf("%s:%d: unexpected error: %v", filepath.Base(file), line, err)))
	}
	return v
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := graph.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" && graph.ErrorField(err) != field {
		t.Fatalf("error field = %q (%v), want %q", graph.ErrorField(err), err, field)
	}
}

// fixture is a small network: a university with a research centre, a school,
// two people, a programme and links between them.
type fixture struct {
	uni, centre, school, alice, bob *graph.Actor
	prog                            *graph.Programme
	aff, partner                    *graph.Link
}

func seed(t *testing.T, s graph.Store) *fixture {
	t.Helper()
	f := &fixture{}
	uni := org("hope", "Liverpool Hope University", graph.OrgUniversity, "Higher education")
	uni.Aliases = []string{"LHU", "Hope"}
	f.uni = must(s.CreateActor(ctx, uni))
	c := org("cepa", "Centre for Education and Policy Analysis", graph.OrgResearchCentre, "Higher education")
	c.ParentID = f.uni.ID
	f.centre = must(s.CreateActor(ctx, c))
	f.school = must(s.CreateActor(ctx, org("st-marys", "St Mary's Primary School", graph.OrgSchool, "Schools")))
	f.alice = must(s.CreateActor(ctx, person("alice", "Alice Adams")))
	f.bob = must(s.CreateActor(ctx, person("bob", "Bob Brown")))
	f.prog = must(s.CreateProgramme(ctx, &graph.Programme{Key: "hope-challenge", Name: "Hope Challenge",
		Start: graph.MustDate("2018-09-01"), Tags: []string{"collaboration"}}))
	f.aff = must(s.CreateLink(ctx, &graph.Link{Type: graph.LinkAffiliation, SourceID: f.alice.ID, TargetID: f.centre.ID,
		Directed: true, Evidence: graph.Evidence{Source: "doc", Quote: "Alice works at CEPA"}}))
	f.partner = must(s.CreateLink(ctx, &graph.Link{Key: "p1", Type: graph.LinkPartnership, SourceID: f.uni.ID,
		TargetID: f.school.ID, Weight: 2, Interval: graph.Interval{From: graph.MustDate("2019-01-01"), To: graph.MustDate("2020-12-31")},
		ProgrammeID: f.prog.ID, BrokeredByID: f.bob.ID}))
	return f
}

func testActors(t *testing.T, s graph.Store) {
	f := seed(t, s)
	got := must(s.ActorsByID(ctx, []string{f.bob.ID, "missing", f.centre.ID, f.bob.ID}))
	want := []*graph.Actor{f.bob, nil, f.centre, f.bob}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ActorsByID (-want +got):\n%s", diff)
	}
	if f.centre.ID != graph.NewID(graph.KindOrganisation, "cepa") {
		t.Errorf("ID = %q, want the ID derived from the key", f.centre.ID)
	}
	if got := must(s.ActorsByID(ctx, nil)); len(got) != 0 {
		t.Errorf("ActorsByID(nil) = %v, want empty", got)
	}
}

func testActorValidation(t *testing.T, s graph.Store) {
	f := seed(t, s)
	for _, tc := range []struct {
		name  string
		actor *graph.Actor
		code  string
		field string
	}{
		{"ErrNameRequired", &graph.Actor{Key: "x", Kind: graph.KindPerson, Name: "  "}, graph.EINVALID, "name"},
		{"ErrKeyRequired", &graph.Actor{Kind: graph.KindPerson, Name: "X"}, graph.EINVALID, "key"},
		{"ErrKind", &graph.Actor{Key: "x", Kind: "Robot", Name: "X"}, graph.EINVALID, "kind"},
		{"ErrOrgType", &graph.Actor{Key: "x", Kind: graph.KindOrganisation, Name: "X", OrgType: "CASTLE"}, graph.EINVALID, "type"},
		{"ErrParentMissing", &graph.Actor{Key: "x", Kind: graph.KindOrganisation, Name: "X", ParentID: graph.NewID(graph.KindOrganisation, "nope")}, graph.ENOTFOUND, "parentId"},
		{"ErrParentIsPerson", &graph.Actor{Key: "x", Kind: graph.KindOrganisation, Name: "X", ParentID: f.alice.ID}, graph.EINVALID, "parentId"},
		{"ErrKeyTaken", person("hope", "Another Hope"), graph.ECONFLICT, "key"},
		{"ErrKeyTakenSameKind", org("hope", "Hope again", graph.OrgUniversity, ""), graph.ECONFLICT, "key"},
	} {
		run(t, tc.name, func(t *testing.T) {
			_, err := s.CreateActor(ctx, tc.actor)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	page := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{}))
	if page.TotalCount != 5 {
		t.Errorf("after failed creates TotalCount = %d, want 5", page.TotalCount)
	}
}

func testFindActors(t *testing.T, s graph.Store) {
	f := seed(t, s)
	keys := func(p *graph.Page[*graph.Actor]) []string {
		var ks []string
		for _, a := range p.Items {
			ks = append(ks, a.Key)
		}
		return ks
	}
	for _, tc := range []struct {
		name   string
		filter graph.ActorFilter
		want   []string
	}{
		{"All", graph.ActorFilter{}, []string{"alice", "bob", "cepa", "hope", "st-marys"}},
		{"People", graph.ActorFilter{Kinds: []graph.Kind{graph.KindPerson}}, []string{"alice", "bob"}},
		{"OrgTypes", graph.ActorFilter{OrgTypes: []graph.OrgType{graph.OrgSchool, graph.OrgUniversity}}, []string{"hope", "st-marys"}},
		{"Sector", graph.ActorFilter{Sector: "Higher education"}, []string{"cepa", "hope"}},
		{"Parent", graph.ActorFilter{ParentID: f.uni.ID}, []string{"cepa"}},
		{"Keys", graph.ActorFilter{Keys: []string{"bob", "hope", "nope"}}, []string{"bob", "hope"}},
		{"SearchPrefix", graph.ActorFilter{Search: "liver hope"}, []string{"hope"}},
		{"SearchCaseInsensitive", graph.ActorFilter{Search: "MARY"}, []string{"st-marys"}},
		{"SearchEveryWord", graph.ActorFilter{Search: "hope school"}, nil},
		{"SearchPunctuationOnly", graph.ActorFilter{Search: `"*)`}, nil},
		{"SearchAlias", graph.ActorFilter{Search: "lhu"}, []string{"hope"}},
	} {
		run(t, tc.name, func(t *testing.T) {
			p := must(s.FindActors(ctx, tc.filter, graph.PageArgs{}))
			if diff := cmp.Diff(tc.want, keys(p)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if p.TotalCount != len(tc.want) {
				t.Errorf("TotalCount = %d, want %d", p.TotalCount, len(tc.want))
			}
		})
	}
	run(t, "Pagination", func(t *testing.T) {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 2, After: after}))
			if p.TotalCount != 5 {
				t.Fatalf("TotalCount = %d, want 5", p.TotalCount)
			}
			got = append(got, keys(p)...)
			if !p.PageInfo.HasNextPage {
				break
			}
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			after = p.PageInfo.EndCursor
		}
		// Ordered by name: Alice Adams, Bob Brown, Centre…, Liverpool Hope…, St Mary's…
		if diff := cmp.Diff([]string{"alice", "bob", "cepa", "hope", "st-marys"}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	run(t, "ErrCursor", func(t *testing.T) {
		_, err := s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{After: "not-a-cursor"})
		wantCode(t, err, graph.EINVALID, "after")
	})
	run(t, "ErrPageSize", func(t *testing.T) {
		_, err := s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: graph.MaxPageSize + 1})
		wantCode(t, err, graph.EINVALID, "first")
	})
}

func testUpdateActor(t *testing.T, s graph.Store) {
	f := seed(t, s)
	name, email := "Alice A. Adams", "alice@example.org"
	got := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.alice.ID, Name: &name, Email: &email}))
	want := *f.alice
	want.Name, want.Email = name, email
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("updated (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&want, must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{Search: "A. Adams"}, graph.PageArgs{})); p.TotalCount != 1 {
		t.Errorf("search after rename found %d, want 1", p.TotalCount)
	}
	run(t, "Aliases", func(t *testing.T) {
		aliases := []string{" ROC ", "Owen Centre", "ROC"} // trimmed, repeats dropped
		got := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.centre.ID, Aliases: &aliases}))
		if diff := cmp.Diff([]string{"ROC", "Owen Centre"}, got.Aliases); diff != "" {
			t.Errorf("aliases (-want +got):\n%s", diff)
		}
		for search, want := range map[string]int{"roc": 1, "owen": 1, "lhu": 1} {
			if p := must(s.FindActors(ctx, graph.ActorFilter{Search: search}, graph.PageArgs{})); p.TotalCount != want {
				t.Errorf("search %q found %d, want %d", search, p.TotalCount, want)
			}
		}
		none := []string{}
		must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.centre.ID, Aliases: &none}))
		if p := must(s.FindActors(ctx, graph.ActorFilter{Search: "roc"}, graph.PageArgs{})); p.TotalCount != 0 {
			t.Errorf("search for a removed alias found %d", p.TotalCount)
		}
	})
	run(t, "ErrNotFound", func(t *testing.T) {
		_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: graph.NewID(graph.KindPerson, "nobody"), Name: &name})
		wantCode(t, err, graph.ENOTFOUND, "")
	})
	run(t, "ErrInvalidChangesNothing", func(t *testing.T) {
		blank, bad := "", "not-an-email"
		_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: f.alice.ID, Name: &blank})
		wantCode(t, err, graph.EINVALID, "name")
		_, err = s.UpdateActor(ctx, graph.ActorUpdate{ID: f.alice.ID, Email: &bad})
		wantCode(t, err, graph.EINVALID, "email")
		if diff := cmp.Diff(&want, must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]); diff != "" {
			t.Errorf("after failed update (-want +got):\n%s", diff)
		}
	})
	run(t, "ErrParentCycle", func(t *testing.T) {
		_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: f.uni.ID, ParentID: &f.centre.ID})
		wantCode(t, err, graph.EINVALID, "parentId")
	})
	run(t, "ClearParent", func(t *testing.T) {
		none := ""
		got := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.centre.ID, ParentID: &none}))
		if got.ParentID != "" {
			t.Errorf("ParentID = %q, want cleared", got.ParentID)
		}
	})
}

func testDeleteActor(t *testing.T, s graph.Store) {
	f := seed(t, s)
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.alice.ID, ProgrammeID: f.prog.ID, Role: graph.RoleLead}))
	noErr(t, s.DeleteActor(ctx, f.alice.ID, ""))
	if got := must(s.LinksByID(ctx, []string{f.aff.ID})); got[0] != nil {
		t.Errorf("link of deleted actor still there: %+v", got[0])
	}
	if got := must(s.ParticipationsOf(ctx, []string{f.prog.ID})); len(got[0]) != 0 {
		t.Errorf("participation of deleted actor still there: %+v", got[0])
	}
	// Deleting the broker keeps the link but clears its broker; deleting a
	// parent keeps the child without a parent.
	noErr(t, s.DeleteActor(ctx, f.bob.ID, ""))
	l := must(s.LinksByID(ctx, []string{f.partner.ID}))[0]
	if l == nil || l.BrokeredByID != "" {
		t.Errorf("brokered link after broker deleted = %+v, want kept with no broker", l)
	}
	noErr(t, s.DeleteActor(ctx, f.uni.ID, ""))
	c := must(s.ActorsByID(ctx, []string{f.centre.ID}))[0]
	if c == nil || c.ParentID != "" {
		t.Errorf("child after parent deleted = %+v, want kept with no parent", c)
	}
	if l := must(s.LinksByID(ctx, []string{f.partner.ID}))[0]; l != nil {
		t.Errorf("link of deleted university still there")
	}
	wantCode(t, s.DeleteActor(ctx, f.alice.ID, ""), graph.ENOTFOUND, "")
}

func testProgrammes(t *testing.T, s graph.Store) {
	f := seed(t, s)
	if diff := cmp.Diff([]*graph.Programme{nil, f.prog}, must(s.ProgrammesByID(ctx, []string{"x", f.prog.ID}))); diff != "" {
		t.Errorf("ProgrammesByID (-want +got):\n%s", diff)
	}
	_, err := s.CreateProgramme(ctx, &graph.Programme{Key: "hope-challenge", Name: "Again"})
	wantCode(t, err, graph.ECONFLICT, "key")
	_, err = s.CreateProgramme(ctx, &graph.Programme{Key: "bad-dates", Name: "Bad", Start: graph.MustDate("2020-01-01"), End: graph.MustDate("2019-01-01")})
	wantCode(t, err, graph.EINVALID, "end")
	must(s.CreateProgramme(ctx, &graph.Programme{Key: "sipp", Name: "School Improvement Partnership Programme", Tags: []string{"collaborative action research"}}))
	p := must(s.FindProgrammes(ctx, graph.ProgrammeFilter{Tag: "collaboration"}, graph.PageArgs{}))
	if p.TotalCount != 1 || p.Items[0].Key != "hope-challenge" {
		t.Errorf("tag filter = %d programmes, want hope-challenge only", p.TotalCount)
	}
	p = must(s.FindProgrammes(ctx, graph.ProgrammeFilter{Search: "improvement"}, graph.PageArgs{}))
	if p.TotalCount != 1 || p.Items[0].Key != "sipp" {
		t.Errorf("search = %d programmes, want sipp only", p.TotalCount)
	}
	end := graph.MustDate("2021-07-31")
	got := must(s.UpdateProgramme(ctx, graph.ProgrammeUpdate{ID: f.prog.ID, End: &end}))
	if got.End != end || got.Start != f.prog.Start {
		t.Errorf("updated dates = %v–%v", got.Start, got.End)
	}
	noErr(t, s.DeleteProgramme(ctx, f.prog.ID, ""))
	l := must(s.LinksByID(ctx, []string{f.partner.ID}))[0]
	if l == nil || l.ProgrammeID != "" {
		t.Errorf("link after programme deleted = %+v, want kept without programme", l)
	}
	wantCode(t, s.DeleteProgramme(ctx, f.prog.ID, ""), graph.ENOTFOUND, "")
}

func testLinks(t *testing.T, s graph.Store) {
	f := seed(t, s)
	if diff := cmp.Diff([]*graph.Link{f.partner, nil}, must(s.LinksByID(ctx, []string{f.partner.ID, "x"}))); diff != "" {
		t.Errorf("LinksByID (-want +got):\n%s", diff)
	}
	if f.aff.Weight != 1 || f.aff.Key == "" {
		t.Errorf("defaults: weight %v key %q, want 1 and a derived key", f.aff.Weight, f.aff.Key)
	}
	missing := graph.NewID(graph.KindPerson, "nobody")
	for _, tc := range []struct {
		name  string
		link  graph.Link
		code  string
		field string
	}{
		{"ErrTargetMissing", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: missing}, graph.ENOTFOUND, "targetId"},
		{"ErrSourceMissing", graph.Link{Type: graph.LinkCollaboration, SourceID: missing, TargetID: f.alice.ID}, graph.ENOTFOUND, "sourceId"},
		{"ErrBrokerMissing", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID, BrokeredByID: missing}, graph.ENOTFOUND, "brokeredById"},
		{"ErrProgrammeMissing", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID, ProgrammeID: "nope"}, graph.ENOTFOUND, "programmeId"},
		{"ErrSelf", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.alice.ID}, graph.EINVALID, "targetId"},
		{"ErrType", graph.Link{Type: "FRIENDSHIP", SourceID: f.alice.ID, TargetID: f.bob.ID}, graph.EINVALID, "type"},
		{"ErrWeight", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID, Weight: -1}, graph.EINVALID, "weight"},
		{"ErrDates", graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID,
			Interval: graph.Interval{From: graph.MustDate("2020-01-02"), To: graph.MustDate("2020-01-01")}}, graph.EINVALID, "to"},
		{"ErrKeyTaken", graph.Link{Key: "p1", Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID}, graph.ECONFLICT, "key"},
		{"ErrSameLinkTwice", graph.Link{Type: graph.LinkAffiliation, SourceID: f.alice.ID, TargetID: f.centre.ID, Directed: true}, graph.ECONFLICT, "key"},
	} {
		run(t, tc.name, func(t *testing.T) {
			_, err := s.CreateLink(ctx, &tc.link)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	if p := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{})); p.TotalCount != 2 {
		t.Errorf("after failed creates TotalCount = %d, want 2", p.TotalCount)
	}
	w, typ := 3.0, graph.LinkKnowledgeExchange
	got := must(s.UpdateLink(ctx, graph.LinkUpdate{ID: f.partner.ID, Weight: &w, Type: &typ}))
	if got.Weight != 3 || got.Type != typ || got.SourceID != f.uni.ID || got.BrokeredByID != f.bob.ID {
		t.Errorf("updated link = %+v", got)
	}
	bad := 0.0 - 1
	_, err := s.UpdateLink(ctx, graph.LinkUpdate{ID: f.partner.ID, Weight: &bad})
	wantCode(t, err, graph.EINVALID, "weight")
	_, err = s.UpdateLink(ctx, graph.LinkUpdate{ID: "nope", Weight: &w})
	wantCode(t, err, graph.ENOTFOUND, "")
	noErr(t, s.DeleteLink(ctx, f.aff.ID, ""))
	wantCode(t, s.DeleteLink(ctx, f.aff.ID, ""), graph.ENOTFOUND, "")
}

func testLinkFilters(t *testing.T, s graph.Store) {
	f := seed(t, s)
	late := must(s.CreateLink(ctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: f.alice.ID, TargetID: f.bob.ID,
		Interval: graph.Interval{From: graph.MustDate("2022-01-01")}}))
	ids := func(ls []*graph.Link) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter graph.LinkFilter
		want   []*graph.Link
	}{
		{"Types", graph.LinkFilter{Types: []graph.LinkType{graph.LinkAffiliation, graph.LinkCollaboration}}, []*graph.Link{f.aff, late}},
		{"Programme", graph.LinkFilter{ProgrammeID: f.prog.ID}, []*graph.Link{f.partner}},
		{"Broker", graph.LinkFilter{BrokeredByID: f.bob.ID}, []*graph.Link{f.partner}},
		// Open-ended links are active in every window they could reach.
		{"Window2020", graph.LinkFilter{Active: graph.Interval{From: graph.MustDate("2020-06-01"), To: graph.MustDate("2020-06-30")}}, []*graph.Link{f.aff, f.partner}},
		{"WindowFrom2021", graph.LinkFilter{Active: graph.Interval{From: graph.MustDate("2021-01-01")}}, []*graph.Link{f.aff, late}},
		{"WindowEdge", graph.LinkFilter{Active: graph.Interval{From: graph.MustDate("2020-12-31"), To: graph.MustDate("2020-12-31")}}, []*graph.Link{f.aff, f.partner}},
	} {
		run(t, tc.name, func(t *testing.T) {
			p := must(s.FindLinks(ctx, tc.filter, graph.PageArgs{}))
			if diff := cmp.Diff(sortedIDs(ids(tc.want)), sortedIDs(ids(p.Items))); diff != "" {
				t.Errorf("links (-want +got):\n%s", diff)
			}
		})
	}
	run(t, "LinksOfActors", func(t *testing.T) {
		got := must(s.LinksOfActors(ctx, []string{f.alice.ID, f.school.ID, "nobody", f.alice.ID}, graph.LinkFilter{}))
		want := [][]string{sortedIDs([]string{f.aff.ID, late.ID}), {f.partner.ID}, nil, sortedIDs([]string{f.aff.ID, late.ID})}
		for i := range want {
			if diff := cmp.Diff(want[i], sortedIDs(ids(got[i]))); diff != "" {
				t.Errorf("actor %d links (-want +got):\n%s", i, diff)
			}
		}
	})
	run(t, "Pagination", func(t *testing.T) {
		p1 := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 2}))
		p2 := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 2, After: p1.PageInfo.EndCursor}))
		if !p1.PageInfo.HasNextPage || p2.PageInfo.HasNextPage || len(p1.Items) != 2 || len(p2.Items) != 1 || p1.TotalCount != 3 {
			t.Errorf("pages of %d and %d links (next %v, %v), want 2 then 1", len(p1.Items), len(p2.Items), p1.PageInfo.HasNextPage, p2.PageInfo.HasNextPage)
		}
		all := append(ids(p1.Items), ids(p2.Items)...)
		if diff := cmp.Diff(sortedIDs(all), sortedIDs([]string{f.aff.ID, f.partner.ID, late.ID})); diff != "" {
			t.Errorf("paged links (-want +got):\n%s", diff)
		}
	})
}

func sortedIDs(ids []string) []string {
	out := append([]string(nil), ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testParticipations(t *testing.T, s graph.Store) {
	f := seed(t, s)
	p1 := must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.uni.ID, ProgrammeID: f.prog.ID, Role: graph.RoleLead}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.bob.ID, ProgrammeID: f.prog.ID}))
	p3 := must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.bob.ID, ProgrammeID: f.prog.ID, Role: graph.RoleBroker,
		Evidence: graph.Evidence{Quote: "Bob brokered it"}}))
	got := must(s.ParticipationsOf(ctx, []string{f.prog.ID, f.bob.ID, f.alice.ID}))
	if len(got[0]) != 2 || len(got[1]) != 1 || len(got[2]) != 0 {
		t.Fatalf("participations = %d, %d, %d; want 2, 1, 0", len(got[0]), len(got[1]), len(got[2]))
	}
	if diff := cmp.Diff(p3, got[1][0]); diff != "" {
		t.Errorf("updated role (-want +got):\n%s", diff)
	}
	_ = p1
	_, err := s.SetParticipation(ctx, &graph.Participation{ActorID: f.bob.ID, ProgrammeID: f.prog.ID, Role: "SPONSOR"})
	wantCode(t, err, graph.EINVALID, "role")
	_, err = s.SetParticipation(ctx, &graph.Participation{ActorID: "nobody", ProgrammeID: f.prog.ID})
	wantCode(t, err, graph.ENOTFOUND, "actorId")
	_, err = s.SetParticipation(ctx, &graph.Participation{ActorID: f.bob.ID, ProgrammeID: "nothing"})
	wantCode(t, err, graph.ENOTFOUND, "programmeId")
	noErr(t, s.RemoveParticipation(ctx, f.bob.ID, f.prog.ID))
	wantCode(t, s.RemoveParticipation(ctx, f.bob.ID, f.prog.ID), graph.ENOTFOUND, "")
}

// demoBatch is a batch whose references point within itself and whose
// parent comes after its child.
func demoBatch() *graph.Batch {
	centre := org("roc", "Robert Owen Centre", graph.OrgResearchCentre, "Higher education")
	centre.ParentID = graph.NewID(graph.KindOrganisation, "glasgow")
	prog := &graph.Programme{Key: "sipp", Name: "School Improvement Partnership Programme", Aims: []string{"tackle inequity"}}
	prog.ID = graph.NewID(graph.KindProgramme, "sipp")
	kevin := person("kevin", "Kevin Lowden")
	return &graph.Batch{
		Actors: []*graph.Actor{centre, org("glasgow", "University of Glasgow", graph.OrgUniversity, "Higher education"), kevin,
			org("es", "Education Scotland", graph.OrgGovernmentAgency, "Central government")},
		Programmes:     []*graph.Programme{prog},
		Participations: []*graph.Participation{{ActorID: graph.NewID(graph.KindOrganisation, "roc"), ProgrammeID: prog.ID, Role: graph.RoleLead}},
		Links: []*graph.Link{
			{Type: graph.LinkAffiliation, SourceID: graph.NewID(graph.KindPerson, "kevin"), TargetID: graph.NewID(graph.KindOrganisation, "roc"), Directed: true},
			{Type: graph.LinkPartnership, SourceID: graph.NewID(graph.KindOrganisation, "roc"), TargetID: graph.NewID(graph.KindOrganisation, "es"),
				ProgrammeID: prog.ID, BrokeredByID: graph.NewID(graph.KindPerson, "kevin")},
		},
	}
}

func testApply(t *testing.T, s graph.Store) {
	v0 := must(s.Version(ctx))
	dry := demoBatch()
	dry.DryRun = true
	if diff := cmp.Diff(&graph.ApplyResult{Created: 8}, must(graph.Apply(ctx, s, dry))); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 0 {
		t.Errorf("dry run wrote %d actors", p.TotalCount)
	}
	if v := must(s.Version(ctx)); v != v0 {
		t.Errorf("dry run moved the version from %d to %d", v0, v)
	}
	res := must(graph.Apply(ctx, s, demoBatch()))
	if diff := cmp.Diff(&graph.ApplyResult{Created: 8}, res); diff != "" {
		t.Errorf("first apply (-want +got):\n%s", diff)
	}
	v := must(s.Version(ctx))
	res = must(graph.Apply(ctx, s, demoBatch()))
	if diff := cmp.Diff(&graph.ApplyResult{Unchanged: 8}, res); diff != "" {
		t.Errorf("re-apply (-want +got):\n%s", diff)
	}
	b := demoBatch()
	b.Actors[2].Name = "Dr Kevin Lowden"
	b.Links[1].Weight = 2
	res = must(graph.Apply(ctx, s, b))
	if diff := cmp.Diff(&graph.ApplyResult{Updated: 2, Unchanged: 6}, res); diff != "" {
		t.Errorf("changed apply (-want +got):\n%s", diff)
	}
	if v2 := must(s.Version(ctx)); v2 <= v {
		t.Errorf("version after changing apply = %d, want > %d", v2, v)
	}
	roc := must(s.ActorsByID(ctx, []string{graph.NewID(graph.KindOrganisation, "roc")}))[0]
	if roc == nil || roc.ParentID != graph.NewID(graph.KindOrganisation, "glasgow") {
		t.Errorf("child applied before its parent = %+v", roc)
	}
}

func testApplyAllOrNothing(t *testing.T, s graph.Store) {
	f := seed(t, s)
	v := must(s.Version(ctx))
	for _, tc := range []struct {
		name  string
		mod   func(b *graph.Batch)
		code  string
		field string
	}{
		{"ErrLinkTarget", func(b *graph.Batch) { b.Links[1].TargetID = graph.NewID(graph.KindOrganisation, "missing") }, graph.ENOTFOUND, "targetId"},
		{"ErrActorName", func(b *graph.Batch) { b.Actors[3].Name = "" }, graph.EINVALID, "name"},
		{"ErrParent", func(b *graph.Batch) { b.Actors[0].ParentID = graph.NewID(graph.KindOrganisation, "nowhere") }, graph.ENOTFOUND, "parentId"},
		{"ErrKindClash", func(b *graph.Batch) {
			b.Actors = append(b.Actors, person("hope", "A person keyed like the university"))
		}, graph.ECONFLICT, "key"},
		{"ErrLinkEndsChanged", func(b *graph.Batch) {
			b.Links = append(b.Links, &graph.Link{Key: "p1", Type: graph.LinkPartnership, SourceID: f.alice.ID, TargetID: f.bob.ID})
		}, graph.ECONFLICT, "key"},
		{"ErrParticipationRole", func(b *graph.Batch) { b.Participations[0].Role = "KING" }, graph.EINVALID, "role"},
	} {
		run(t, tc.name, func(t *testing.T) {
			b := demoBatch()
			tc.mod(b)
			_, err := graph.Apply(ctx, s, b)
			wantCode(t, err, tc.code, tc.field)
			if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 5 {
				t.Errorf("actors after failed apply = %d, want 5", p.TotalCount)
			}
			if p := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{})); p.TotalCount != 2 {
				t.Errorf("links after failed apply = %d, want 2", p.TotalCount)
			}
			if v2 := must(s.Version(ctx)); v2 != v {
				t.Errorf("version after failed apply = %d, want %d", v2, v)
			}
		})
	}
}

func testVersion(t *testing.T, s graph.Store) {
	v0 := must(s.Version(ctx))
	a := must(s.CreateActor(ctx, person("p", "P")))
	v1 := must(s.Version(ctx))
	if v1 <= v0 {
		t.Errorf("version after create = %d, want > %d", v1, v0)
	}
	_, err := s.CreateActor(ctx, person("p", "P again"))
	wantCode(t, err, graph.ECONFLICT, "")
	if v := must(s.Version(ctx)); v != v1 {
		t.Errorf("version after failed create = %d, want %d", v, v1)
	}
	noErr(t, s.DeleteActor(ctx, a.ID, ""))
	if v := must(s.Version(ctx)); v <= v1 {
		t.Errorf("version after delete = %d, want > %d", v, v1)
	}
}

func testScan(t *testing.T, s graph.Store) {
	f := seed(t, s)
	part := must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.uni.ID, ProgrammeID: f.prog.ID, Role: graph.RoleLead}))
	var got graph.Batch
	order := ""
	version, err := s.Scan(ctx, func(it graph.Item) error {
		switch {
		case it.Actor != nil:
			got.Actors = append(got.Actors, it.Actor)
			order += "a"
		case it.Programme != nil:
			got.Programmes = append(got.Programmes, it.Programme)
			order += "p"
		case it.Participation != nil:
			got.Participations = append(got.Participations, it.Participation)
			order += "r"
		case it.Link != nil:
			got.Links = append(got.Links, it.Link)
			order += "l"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := must(s.Version(ctx)); version != want {
		t.Errorf("scan version = %d, want %d", version, want)
	}
	if order != "aaaaaprll" {
		t.Errorf("scan order = %q, want actors, programmes, participations, links", order)
	}
	want := graph.Batch{
		Actors:         []*graph.Actor{f.alice, f.bob, f.centre, f.uni, f.school},
		Programmes:     []*graph.Programme{f.prog},
		Participations: []*graph.Participation{part},
		Links:          []*graph.Link{f.aff, f.partner},
	}
	byKey := cmp.Transformer("byKey", func(as []*graph.Actor) map[string]*graph.Actor {
		m := map[string]*graph.Actor{}
		for _, a := range as {
			m[a.Key] = a
		}
		return m
	})
	byLinkKey := cmp.Transformer("byLinkKey", func(ls []*graph.Link) map[string]*graph.Link {
		m := map[string]*graph.Link{}
		for _, l := range ls {
			m[l.Key] = l
		}
		return m
	})
	if diff := cmp.Diff(want, got, byKey, byLinkKey); diff != "" {
		t.Errorf("scan (-want +got):\n%s", diff)
	}
	stop := fmt.Errorf("stop")
	if _, err := s.Scan(ctx, func(graph.Item) error { return stop }); err != stop {
		t.Errorf("scan with failing callback = %v, want its error", err)
	}
}

func testHostileStrings(t *testing.T, s graph.Store) {
	hostile := []string{
		`'; DROP TABLE actors; --`, "`backtick`", `}) DETACH DELETE n //`, `"quoted" \ back\slash`,
		"MATCH (n) DETACH DELETE n", "ünïcødé — “smart” 😀", "$param {name}", "line\nbreak\ttab",
	}
	var created []*graph.Actor
	for i, h := range hostile {
		a := &graph.Actor{Key: fmt.Sprintf("k%d", i), Kind: graph.KindOrganisation, Name: h, Sector: h, Region: h,
			Description: h, Evidence: graph.Evidence{Source: h, Quote: h, Note: h}}
		if i == 0 {
			a.Key = `k'"` + "`})//"
		}
		created = append(created, must(s.CreateActor(ctx, a)))
	}
	l := must(s.CreateLink(ctx, &graph.Link{Key: hostile[2], Type: graph.LinkCollaboration, SourceID: created[0].ID,
		TargetID: created[1].ID, Evidence: graph.Evidence{Quote: hostile[4], Note: hostile[0]}}))
	p := must(s.CreateProgramme(ctx, &graph.Programme{Key: hostile[1], Name: hostile[2], Tags: hostile, Aims: hostile}))
	ids := make([]string, len(created))
	for i, a := range created {
		ids[i] = a.ID
	}
	if diff := cmp.Diff(created, must(s.ActorsByID(ctx, ids))); diff != "" {
		t.Errorf("hostile actors read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(l, must(s.LinksByID(ctx, []string{l.ID}))[0]); diff != "" {
		t.Errorf("hostile link read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(p, must(s.ProgrammesByID(ctx, []string{p.ID}))[0]); diff != "" {
		t.Errorf("hostile programme read back (-want +got):\n%s", diff)
	}
	for _, h := range hostile {
		if _, err := s.FindActors(ctx, graph.ActorFilter{Search: h, Sector: h}, graph.PageArgs{}); err != nil {
			t.Errorf("search %q: %v", h, err)
		}
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != len(hostile) {
		t.Errorf("actors after hostile writes = %d, want %d", p.TotalCount, len(hostile))
	}
}

func testConcurrentWrites(t *testing.T, s graph.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateActor(ctx, person(fmt.Sprintf("p%02d", i), fmt.Sprintf("Person %02d", i)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent create: %v", err)
		}
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 40 {
		t.Errorf("actors after 40 concurrent creates = %d, want 40", p.TotalCount)
	}
}
