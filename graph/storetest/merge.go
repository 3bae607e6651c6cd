package storetest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// mergeFixture adds to seed's network "org-lhu", a second record of the
// university as another partner's spreadsheet names it, with links of
// every sort a merge must handle.
type mergeFixture struct {
	*fixture
	dup, lab                           *graph.Actor
	prog2                              *graph.Programme
	dupSchool, aliceDup, self, via, b2 *graph.Link
}

func seedMerge(t *testing.T, s graph.Store) *mergeFixture {
	t.Helper()
	f := &mergeFixture{fixture: seed(t, s)}
	dup := org("org-lhu", "LHU", graph.OrgOther, "")
	dup.Aliases = []string{"Liverpool Hope"}
	dup.Description = "Named so in the schools' spreadsheet"
	dup.Evidence = graph.Evidence{Source: "schools.csv"}
	f.dup = must(s.CreateActor(ctx, dup))
	lab := org("lhu-lab", "LHU Lab", graph.OrgResearchCentre, "")
	lab.ParentID = f.dup.ID
	f.lab = must(s.CreateActor(ctx, lab))
	f.prog2 = must(s.CreateProgramme(ctx, &graph.Programme{Key: "hope-zeta", Name: "Zeta"}))
	link := func(key string, typ graph.LinkType, from, to, broker *graph.Actor) *graph.Link {
		l := &graph.Link{Key: key, Type: typ, SourceID: from.ID, TargetID: to.ID, Evidence: graph.Evidence{Source: "schools.csv", Quote: key}}
		if broker != nil {
			l.BrokeredByID = broker.ID
		}
		return must(s.CreateLink(ctx, l))
	}
	f.dupSchool = link("p2", graph.LinkPartnership, f.dup, f.school, nil) // beside p1: uni—school
	f.aliceDup = link("a2", graph.LinkAffiliation, f.alice, f.dup, nil)
	f.self = link("self", graph.LinkCollaboration, f.uni, f.dup, nil)
	f.via = link("b1", graph.LinkCollaboration, f.school, f.alice, f.dup)
	f.b2 = link("b2", graph.LinkCollaboration, f.dup, f.centre, f.uni)
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.dup.ID, ProgrammeID: f.prog.ID, Role: graph.RoleFunder}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.dup.ID, ProgrammeID: f.prog2.ID, Role: graph.RolePartner}))
	must(s.SetParticipation(ctx, &graph.Participation{ActorID: f.uni.ID, ProgrammeID: f.prog2.ID, Role: graph.RoleLead}))
	return f
}

// testMergeActors: a merge re-points links, brokerage, units and
// participations to the survivor, keeps evidence, makes the merged key
// resolve to the survivor and logs it all as one write.
func testMergeActors(t *testing.T, s graph.Store) {
	f := seedMerge(t, s)
	v := must(s.Version(ctx))
	ann := graph.WithCaller(ctx, editorAnn)
	got := must(s.MergeActors(ann, graph.Merge{SurvivorID: f.uni.ID, MergedID: f.dup.ID,
		SurvivorRevision: f.uni.Revision(), MergedRevision: f.dup.Revision()}))

	want := *f.uni
	want.Aliases = []string{"LHU", "Hope", "org-lhu", "Liverpool Hope"} // "LHU" was there already
	want.Description = f.dup.Description
	want.Evidence = f.dup.Evidence
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("survivor (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*graph.Actor{&want, nil}, must(s.ActorsByID(ctx, []string{f.uni.ID, f.dup.ID}))); diff != "" {
		t.Errorf("stored survivor and merged (-want +got):\n%s", diff)
	}
	if a := must(graph.ActorByKey(ctx, s, "org-lhu")); a == nil || a.ID != f.uni.ID {
		t.Errorf("ActorByKey(org-lhu) = %v, want the survivor", a)
	}
	if a := must(graph.ActorByKey(ctx, s, "hope")); a == nil || a.ID != f.uni.ID {
		t.Errorf("ActorByKey(hope) = %v, want the survivor by its own key", a)
	}
	for _, key := range []string{"nobody", "--", strings.Repeat("long ", 60)} {
		if a := must(graph.ActorByKey(ctx, s, key)); a != nil {
			t.Errorf("ActorByKey(%.20q) = %v, want nil", key, a)
		}
	}

	moved := func(l *graph.Link, edit func(*graph.Link)) *graph.Link {
		c := *l
		edit(&c)
		return &c
	}
	wantLinks := []*graph.Link{
		moved(f.dupSchool, func(l *graph.Link) { l.SourceID = f.uni.ID }),
		moved(f.aliceDup, func(l *graph.Link) { l.TargetID = f.uni.ID }),
		nil, // uni—dup became a self-loop
		moved(f.via, func(l *graph.Link) { l.BrokeredByID = f.uni.ID }),
		moved(f.b2, func(l *graph.Link) { l.SourceID, l.BrokeredByID = f.uni.ID, "" }), // its broker became an end
		f.partner,
	}
	gotLinks := must(s.LinksByID(ctx, []string{f.dupSchool.ID, f.aliceDup.ID, f.self.ID, f.via.ID, f.b2.ID, f.partner.ID}))
	if diff := cmp.Diff(wantLinks, gotLinks); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if lab := must(s.ActorsByID(ctx, []string{f.lab.ID}))[0]; lab.ParentID != f.uni.ID {
		t.Errorf("unit's parent = %q, want the survivor", lab.ParentID)
	}
	wantParts := [][]*graph.Participation{{
		{ActorID: f.uni.ID, ProgrammeID: f.prog.ID, Role: graph.RoleFunder},
		{ActorID: f.uni.ID, ProgrammeID: f.prog2.ID, Role: graph.RoleLead}, // the survivor's role stays
	}, nil}
	if diff := cmp.Diff(wantParts, must(s.ParticipationsOf(ctx, []string{f.uni.ID, f.dup.ID}))); diff != "" {
		t.Errorf("participations (-want +got):\n%s", diff)
	}

	v1 := v + 1
	wantLog := []change{
		{v1, graph.ChangeUpdated, graph.KindLink, f.aliceDup.ID, "key-ann"},
		{v1, graph.ChangeUpdated, graph.KindLink, f.via.ID, "key-ann"},
		{v1, graph.ChangeUpdated, graph.KindLink, f.b2.ID, "key-ann"},
		{v1, graph.ChangeUpdated, graph.KindLink, f.dupSchool.ID, "key-ann"},
		{v1, graph.ChangeDeleted, graph.KindLink, f.self.ID, "key-ann"},
		{v1, graph.ChangeUpdated, graph.KindActor, f.lab.ID, "key-ann"},
		{v1, graph.ChangeDeleted, graph.KindParticipation, graph.ParticipationID(f.dup.ID, f.prog.ID), "key-ann"},
		{v1, graph.ChangeCreated, graph.KindParticipation, graph.ParticipationID(f.uni.ID, f.prog.ID), "key-ann"},
		{v1, graph.ChangeDeleted, graph.KindParticipation, graph.ParticipationID(f.dup.ID, f.prog2.ID), "key-ann"},
		{v1, graph.ChangeDeleted, graph.KindActor, f.dup.ID, "key-ann"},
		{v1, graph.ChangeUpdated, graph.KindActor, f.uni.ID, "key-ann"},
	}
	log := allChanges(t, s, v, 100)
	if diff := cmp.Diff(wantLog, changesOf(log)); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(got, item(t, log[len(log)-1]).Actor); diff != "" {
		t.Errorf("survivor logged (-want +got):\n%s", diff)
	}
	// Restoring before values cannot move links back: undo refuses.
	_, err := graph.Undo(ann, s)
	wantCode(t, err, graph.EINVALID, "")
	if now := must(s.Version(ctx)); now != v1 {
		t.Errorf("a refused undo moved the version from %d to %d", v1, now)
	}
}

// testMergeActorsErrors: a refused merge names what was wrong and changes nothing.
func testMergeActorsErrors(t *testing.T, s graph.Store) {
	f := seedMerge(t, s)
	v := must(s.Version(ctx))
	missing := graph.NewID(graph.KindOrganisation, "nobody")
	for _, tc := range []struct {
		name        string
		m           graph.Merge
		code, field string
	}{
		{"ErrSame", graph.Merge{SurvivorID: f.uni.ID, MergedID: f.uni.ID}, graph.EINVALID, "merged"},
		{"ErrKinds", graph.Merge{SurvivorID: f.uni.ID, MergedID: f.alice.ID}, graph.EINVALID, "merged"},
		{"ErrNoSurvivor", graph.Merge{SurvivorID: missing, MergedID: f.dup.ID}, graph.ENOTFOUND, "survivor"},
		{"ErrNoMerged", graph.Merge{SurvivorID: f.uni.ID, MergedID: missing}, graph.ENOTFOUND, "merged"},
		{"ErrStaleMerged", graph.Merge{SurvivorID: f.uni.ID, MergedID: f.dup.ID, MergedRevision: f.uni.Revision()}, graph.ECONFLICT, "expectedRevision"},
	} {
		run(t, tc.name, func(t *testing.T) {
			_, err := s.MergeActors(ctx, tc.m)
			wantCode(t, err, tc.code, tc.field)
		})
	}
	run(t, "StaleSurvivor", func(t *testing.T) {
		wantStale(t, s, f.uni, func() error {
			_, err := s.MergeActors(ctx, graph.Merge{SurvivorID: f.uni.ID, MergedID: f.dup.ID, SurvivorRevision: f.dup.Revision()})
			return err
		})
	})
	if after := must(s.Version(ctx)); after != v {
		t.Errorf("refused merges moved the version from %d to %d", v, after)
	}
	if dup := must(s.ActorsByID(ctx, []string{f.dup.ID}))[0]; dup == nil {
		t.Errorf("a refused merge deleted the merged actor")
	}
}
