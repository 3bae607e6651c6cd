package neo4j_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/graph/storetest"
)

// The tests run against a real Neo4j: see neo4jtest.

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return neo4jtest.Open(t) })
}

// TestAggregatesMatchCypher: the aggregate groups equal counts by
// hand-written Cypher.
func TestAggregatesMatchCypher(t *testing.T) {
	s := neo4jtest.Open(t)
	storetest.AggregatesMatchDirect(t, s, func(typ graph.LinkType, year, sector string) (int, float64, error) {
		return neo4j.CountAndSum(ctx, s, `MATCH (a:Actor)-[l:LINK]->(:Actor) WHERE l.type = $type
			AND coalesce(substring(l.validFrom, 0, 4), '') = $year AND coalesce(a.sector, '') = $sector
			RETURN count(l), toFloat(sum(l.weight))`, map[string]any{"type": string(typ), "year": year, "sector": sector})
	})
}

func TestChangeRetention(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4j.SetKeepChanges(s, 3)
	storetest.ChangeRetention(t, s, 3)
}

var ctx = context.Background()

// failure is a failed must, turned into t.Fatal by catch.
type failure struct{ err error }

// must returns v, failing the running test (through catch) if err is not nil.
// (A panic, because Go cannot pass t beside a multi-value call.)
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

// must2 is must for two values.
func must2[A, B any](a A, b B, err error) (A, B) {
	must(0, err)
	return a, b
}

// catch turns a failed must into t.Fatal; defer it first in tests using must.
func catch(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		t.Fatalf("unexpected error: %v", f.err)
	}
}

// snapshot is everything Scan returns.
func snapshot(t *testing.T, s graph.Store) []graph.Item {
	t.Helper()
	var items []graph.Item
	if _, err := s.Scan(ctx, func(it graph.Item) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	return items
}

// hostile strings: Cypher and Lucene syntax, quotes, backticks, unicode.
var hostile = []string{
	`'; MATCH (n) DETACH DELETE n; //`,
	"`backtick` `})-[:X]->() //",
	`}) DETACH DELETE n //`,
	`"double" 'single' \ back\\slash \u0000`,
	"ünïcødé — “smart” 😀 日本語 עברית",
	"$param {name: $x} ${x}",
	`title:foo~2 AND "x OR NOT * ? + - && || ! ( ) { } [ ] ^ ~ : /`,
	"line\nbreak\ttab\r",
}

func TestHostileStrings(t *testing.T) {
	defer catch(t)
	s := neo4jtest.Open(t)
	bystander := must(s.CreateActor(ctx, &graph.Actor{Key: "bystander", Kind: graph.KindPerson, Name: "Bystander"}))
	before := snapshot(t, s)
	var actors []*graph.Actor
	for i, h := range hostile {
		key := fmt.Sprintf("k%d %s", i, strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return '_'
			}
			return r
		}, strings.TrimSpace(h)))
		a := &graph.Actor{Key: key, Kind: graph.KindOrganisation, Name: h, Description: h, Sector: h, Region: h,
			Evidence: graph.Evidence{Source: h, Quote: h, Note: h}}
		actors = append(actors, must(s.CreateActor(ctx, a)))
	}
	p := must(s.CreateProgramme(ctx, &graph.Programme{Key: "p " + hostile[1], Name: hostile[2], Description: hostile[0],
		Aims: hostile, Tags: hostile, Evidence: graph.Evidence{Quote: hostile[4]}}))
	l := must(s.CreateLink(ctx, &graph.Link{Key: hostile[2], Type: graph.LinkCollaboration, SourceID: actors[0].ID,
		TargetID: actors[1].ID, ProgrammeID: p.ID, BrokeredByID: actors[2].ID,
		Evidence: graph.Evidence{Source: hostile[6], Quote: hostile[3], Note: hostile[5]}}))
	part := must(s.SetParticipation(ctx, &graph.Participation{ActorID: actors[4].ID, ProgrammeID: p.ID,
		Evidence: graph.Evidence{Quote: hostile[1]}}))

	ids := make([]string, len(actors))
	for i, a := range actors {
		ids[i] = a.ID
	}
	if diff := cmp.Diff(actors, must(s.ActorsByID(ctx, ids))); diff != "" {
		t.Errorf("actors read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*graph.Programme{p}, must(s.ProgrammesByID(ctx, []string{p.ID}))); diff != "" {
		t.Errorf("programme read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]*graph.Link{l}, must(s.LinksByID(ctx, []string{l.ID}))); diff != "" {
		t.Errorf("link read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]*graph.Participation{{part}}, must(s.ParticipationsOf(ctx, []string{p.ID}))); diff != "" {
		t.Errorf("participation read back (-want +got):\n%s", diff)
	}

	// Hostile values as filters, searches and cursors: no error but
	// EINVALID, nothing changed.
	for _, h := range hostile {
		for _, f := range []graph.ActorFilter{{Search: h}, {Sector: h}, {Region: h}, {ParentID: h}, {Keys: []string{h}},
			{Kinds: []graph.Kind{graph.Kind(h)}}, {OrgTypes: []graph.OrgType{graph.OrgType(h)}}} {
			if _, err := s.FindActors(ctx, f, graph.PageArgs{}); err != nil {
				t.Errorf("FindActors(%+v): %v", f, err)
			}
		}
		if _, err := s.FindProgrammes(ctx, graph.ProgrammeFilter{Search: h, Tag: h, Keys: []string{h}}, graph.PageArgs{}); err != nil {
			t.Errorf("FindProgrammes(%q): %v", h, err)
		}
		if _, err := s.FindLinks(ctx, graph.LinkFilter{ProgrammeID: h, BrokeredByID: h, Types: []graph.LinkType{graph.LinkType(h)}}, graph.PageArgs{}); err != nil {
			t.Errorf("FindLinks(%q): %v", h, err)
		}
		if _, err := s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{After: h}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("FindActors(after %q) = %v, want EINVALID", h, err)
		}
		if got := must(s.ActorsByID(ctx, []string{h})); got[0] != nil {
			t.Errorf("ActorsByID(%q) = %+v, want nil", h, got[0])
		}
		if err := s.DeleteActor(ctx, h, ""); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("DeleteActor(%q) = %v, want ENOTFOUND", h, err)
		}
	}
	// A hostile name is found by its own words, and only by them.
	for i, a := range actors {
		got := must(s.FindActors(ctx, graph.ActorFilter{Search: a.Name, Kinds: []graph.Kind{graph.KindOrganisation}}, graph.PageArgs{}))
		found := false
		for _, g := range got.Items {
			found = found || g.ID == a.ID
		}
		if !found {
			t.Errorf("search by hostile name %d %q did not find it (got %d)", i, a.Name, got.TotalCount)
		}
	}
	if got := must(s.FindActors(ctx, graph.ActorFilter{Search: "UNIC smart 日本語"}, graph.PageArgs{})); got.TotalCount != 1 || got.Items[0].ID != actors[4].ID {
		t.Errorf("accent-folded search found %d actors, want the unicode one", got.TotalCount)
	}

	// Delete everything hostile: what was there before is back, untouched.
	for _, a := range actors {
		if err := s.DeleteActor(ctx, a.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteProgramme(ctx, p.ID, ""); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, snapshot(t, s)); diff != "" {
		t.Errorf("store after hostile writes and deletes (-before +after):\n%s", diff)
	}
	if got := must(s.ActorsByID(ctx, []string{bystander.ID})); got[0] == nil {
		t.Error("bystander gone")
	}
	nodes, rels, err := neo4jtest.Count(ctx, neo4jtest.Config())
	if err != nil {
		t.Fatal(err)
	}
	changes, _ := must2(s.Changes(ctx, 0, graph.MaxChangesLimit))
	if want := 2 + int64(len(changes)); nodes != want || rels != 0 { // the bystander, the version node and the change log
		t.Errorf("database holds %d nodes and %d relationships, want %d (2 and the change log's) and 0", nodes, rels, want)
	}
}

// TestRoutingReadYourWrites opens a second store with a neo4j:// (routing)
// URI and reads each write of the first through it at once.
func TestRoutingReadYourWrites(t *testing.T) {
	defer catch(t)
	cfg := neo4jtest.Config()
	s := neo4jtest.Open(t)
	rcfg := cfg
	rcfg.URI = strings.Replace(strings.Replace(cfg.URI, "bolt://", "neo4j://", 1), "bolt+s://", "neo4j+s://", 1)
	r, err := neo4j.Open(ctx, rcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 20 {
		a := must(r.CreateActor(ctx, &graph.Actor{Key: fmt.Sprintf("r%d", i), Kind: graph.KindPerson, Name: "R"}))
		if got := must(r.ActorsByID(ctx, []string{a.ID})); got[0] == nil {
			t.Fatalf("write %d not visible to the next read", i)
		}
	}
	if got := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); got.TotalCount != 20 {
		t.Errorf("bolt store sees %d actors, want 20", got.TotalCount)
	}
}

func TestDeadline(t *testing.T) {
	s := neo4jtest.Open(t)
	c, cancel := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel()
	<-c.Done()
	if _, err := s.FindActors(c, graph.ActorFilter{}, graph.PageArgs{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("FindActors after deadline = %v, want context.DeadlineExceeded", err)
	}
}

func TestSearchWords(t *testing.T) {
	defer catch(t)
	s := neo4jtest.Open(t)
	for _, n := range []string{"O'Brien Consulting", "St Mary's C.E. Primary", "Université Côte d'Azur", "Hope-Challenge Trust"} {
		must(s.CreateActor(ctx, &graph.Actor{Key: n, Kind: graph.KindOrganisation, Name: n}))
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"brien", []string{"O'Brien Consulting"}},
		{"o bri", []string{"O'Brien Consulting"}},
		{"mary s", []string{"St Mary's C.E. Primary"}},
		{"c e prim", []string{"St Mary's C.E. Primary"}},
		{"universite cote", []string{"Université Côte d'Azur"}},
		{"CÔTE AZ", []string{"Université Côte d'Azur"}},
		{"challenge hope", []string{"Hope-Challenge Trust"}},
		{"hope hop ho", []string{"Hope-Challenge Trust"}},
		{"trust consulting", nil},
		{"rien", nil},
	} {
		p := must(s.FindActors(ctx, graph.ActorFilter{Search: tc.search}, graph.PageArgs{}))
		var got []string
		for _, a := range p.Items {
			got = append(got, a.Name)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", tc.search, diff)
		}
	}
	// Searches are bounded for every store (graph.MaxSearchWords): a long one
	// is refused naming the field, not sent to Lucene.
	_, err := s.FindActors(ctx, graph.ActorFilter{Search: strings.Repeat("x ", 1000) + strings.Repeat("ab", 100)}, graph.PageArgs{})
	if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorField(err) != "search" {
		t.Errorf("long search of repeated words: %v, want EINVALID on search", err)
	}
}

// Apply takes link ends to exist until the write shows otherwise; the error
// must still name the first bad link, whatever its fault.
func TestApplyNamesFirstBadLink(t *testing.T) {
	defer catch(t)
	s := neo4jtest.Open(t)
	a := graph.NewID(graph.KindActor, "a")
	b := graph.NewID(graph.KindActor, "b")
	c := graph.NewID(graph.KindActor, "c")
	ghost := graph.NewID(graph.KindActor, "ghost")
	must(graph.Apply(ctx, s, &graph.Batch{Actors: []*graph.Actor{
		{Key: "a", Kind: graph.KindPerson, Name: "A"}, {Key: "b", Kind: graph.KindPerson, Name: "B"}}}))
	v := must(s.Version(ctx))
	ok := func() *graph.Link { return &graph.Link{Type: graph.LinkCollaboration, SourceID: a, TargetID: b} }
	for _, tc := range []struct {
		name  string
		links []*graph.Link
		field string
		item  string
	}{
		{"EndBeforeBroker", []*graph.Link{ok(), {Key: "x", Type: graph.LinkCollaboration, SourceID: a, TargetID: ghost},
			{Key: "y", Type: graph.LinkCollaboration, SourceID: a, TargetID: b, BrokeredByID: ghost}}, "targetId", "links[1]"},
		{"BrokerBeforeEnd", []*graph.Link{{Key: "y", Type: graph.LinkCollaboration, SourceID: a, TargetID: b, BrokeredByID: ghost},
			{Key: "x", Type: graph.LinkCollaboration, SourceID: ghost, TargetID: a}}, "brokeredById", "links[0]"},
		{"SourceMissing", []*graph.Link{ok(), {Key: "z", Type: graph.LinkCollaboration, SourceID: c, TargetID: a}},
			"sourceId", "links[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, dry := range []bool{false, true} {
				_, err := graph.Apply(ctx, s, &graph.Batch{Links: tc.links, DryRun: dry})
				if graph.ErrorCode(err) != graph.ENOTFOUND || graph.ErrorField(err) != tc.field || !strings.HasPrefix(graph.ErrorMessage(err), tc.item+" ") {
					t.Errorf("dry run %v: error %v (field %q), want ENOTFOUND on %s %s", dry, err, graph.ErrorField(err), tc.item, tc.field)
				}
			}
			if p := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{})); p.TotalCount != 0 {
				t.Errorf("failed apply left %d links", p.TotalCount)
			}
			if got := must(s.Version(ctx)); got != v {
				t.Errorf("version after failed apply = %d, want %d", got, v)
			}
		})
	}
}

// TestFuzzyScan runs the fuzzy scan's contract with pages of three, so a
// small network has many.
func TestFuzzyScan(t *testing.T) {
	s := neo4jtest.Open(t)
	neo4j.SetScanPageSize(s, 3)
	storetest.FuzzyScan(t, s)
}

// TestFuzzyScanDoesNotBlockWrites: a write issued between two pages of a
// fuzzy scan commits before the scan ends, so the scan's until covers it.
// A scan that held the write lock, as Scan does, would leave the write
// waiting for a scan that waits for it: the write's deadline turns that
// into a failure rather than a hang.
func TestFuzzyScanDoesNotBlockWrites(t *testing.T) {
	defer catch(t)
	s := neo4jtest.Open(t)
	neo4j.SetScanPageSize(s, 2)
	for i := range 5 {
		must(s.CreateActor(ctx, &graph.Actor{Key: fmt.Sprintf("p%d", i), Kind: graph.KindPerson, Name: "P"}))
	}
	var wrote int64
	items := 0
	since, until, err := s.FuzzyScan(ctx, func(graph.Item) error {
		if items++; items == 3 { // after the first page, before the last
			wctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			if _, err := s.CreateActor(wctx, &graph.Actor{Key: "late", Kind: graph.KindPerson, Name: "Late"}); err != nil {
				return fmt.Errorf("write between pages: %w", err)
			}
			wrote = must(s.Version(ctx))
		}
		return nil
	})
	must(0, err)
	if wrote == 0 || !(since < wrote && wrote <= until) {
		t.Errorf("fuzzy scan from %d to %d, write between its pages committed at %d: want it inside", since, until, wrote)
	}
}

// TestLinkPageInKeyOrder: the first page of a link list (a type, a date) is
// read in the order of the link_key index and stops when full, instead of
// reading and sorting every match: on a million links that is
// milliseconds instead of seconds.
func TestLinkPageInKeyOrder(t *testing.T) {
	s := neo4jtest.Open(t)
	f := graph.LinkFilter{Types: []graph.LinkType{graph.LinkCollaboration}, Active: graph.Interval{From: graph.MustDate("2015-01-01")}}
	ops, err := neo4j.LinkPagePlan(ctx, s, f, graph.PageArgs{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(ops, " ")
	if !strings.Contains(plan, "RelationshipIndexScan") || strings.Contains(plan, "Sort") || strings.Contains(plan, "Top") {
		t.Errorf("plan of a first page of links: %s; want an index scan in key order and no sort", plan)
	}
}
