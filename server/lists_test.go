package server_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/partnergraph/partnergraph/graph"
)

func TestActorsByMetric(t *testing.T) { onStores(t, testActorsByMetric) }

// testActorsByMetric pages the actors ordered by betweenness forwards,
// and the people backwards, and checks both against brokers' scores
// sorted in the test (score descending, then ID).
func testActorsByMetric(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	var ranked struct {
		Brokers []struct {
			Score float64
			Actor struct {
				ID, Key, Sector string
				Typename        string `json:"__typename"`
			}
		}
	}
	ok(t, do(t, ts.URL, `{ brokers(metric: BETWEENNESS, first: 1000) { score actor { id key __typename ... on Organisation { sector } } } }`, nil, &ranked))
	type scored struct {
		id, key, kind, sector string
		score                 float64
	}
	var want []scored
	for _, b := range ranked.Brokers {
		want = append(want, scored{b.Actor.ID, b.Actor.Key, b.Actor.Typename, b.Actor.Sector, b.Score})
	}
	slices.SortFunc(want, func(a, b scored) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id)) })
	var wantAll, wantPeople, wantSchools []string
	for _, w := range want {
		wantAll = append(wantAll, w.key)
		if strings.Contains(strings.ToLower(w.sector), "school") {
			wantSchools = append(wantSchools, w.key)
		}
		if w.kind == "Person" {
			wantPeople = append(wantPeople, w.key)
		}
	}
	if len(wantPeople) < 10 || len(wantPeople) == len(wantAll) {
		t.Fatalf("the demo's ranking has %d actors, %d people: too few to test", len(wantAll), len(wantPeople))
	}
	type page struct {
		TotalCount int
		Nodes      []struct{ Key string }
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       string
		}
	}
	var fwd []string
	after := any(nil)
	for range len(wantAll) {
		var r struct{ Actors page }
		ok(t, do(t, ts.URL, `query($after: String) { actors(orderByMetric: {metric: BETWEENNESS}, first: 7, after: $after) {
			totalCount nodes { key } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &r))
		for _, n := range r.Actors.Nodes {
			fwd = append(fwd, n.Key)
		}
		if r.Actors.TotalCount != len(wantAll) {
			t.Fatalf("totalCount %d, want %d", r.Actors.TotalCount, len(wantAll))
		}
		if !r.Actors.PageInfo.HasNextPage {
			break
		}
		after = r.Actors.PageInfo.EndCursor
	}
	if diff := gocmp.Diff(wantAll, fwd, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("actors by betweenness (-want +got):\n%s", diff)
	}
	var back []string
	before := any(nil)
	for range len(wantPeople) {
		var r struct{ People page }
		ok(t, do(t, ts.URL, `query($before: String) { people(orderByMetric: {metric: BETWEENNESS}, last: 4, before: $before) {
			nodes { key } pageInfo { hasPreviousPage startCursor } } }`, map[string]any{"before": before}, &r))
		keys := []string{}
		for _, n := range r.People.Nodes {
			keys = append(keys, n.Key)
		}
		back = append(keys, back...)
		if !r.People.PageInfo.HasPreviousPage {
			break
		}
		before = r.People.PageInfo.StartCursor
	}
	if diff := gocmp.Diff(wantPeople, back); diff != "" {
		t.Errorf("people by betweenness, backwards (-want +got):\n%s", diff)
	}
	// A where read from the store, then the order made in Go.
	var schools struct{ Organisations page }
	ok(t, do(t, ts.URL, `{ organisations(where: {sector: {contains: "SCHOOL"}}, orderByMetric: {metric: BETWEENNESS}, first: 1000) { nodes { key } } }`, nil, &schools))
	got := []string{}
	for _, n := range schools.Organisations.Nodes {
		got = append(got, n.Key)
	}
	if diff := gocmp.Diff(wantSchools, got, cmpopts.EquateEmpty()); diff != "" || len(got) == 0 {
		t.Errorf("schools by betweenness (-want +got):\n%s", diff)
	}
	for name, q := range map[string]string{
		"ErrBothOrders":    `{ actors(orderBy: [{field: NAME}], orderByMetric: {metric: DEGREE}) { totalCount } }`,
		"ErrOtherScope":    `query($c: String) { actors(orderByMetric: {metric: BETWEENNESS, scope: {directed: true}}, after: $c) { totalCount } }`,
		"ErrCursorOfStore": `query($c: String) { actors(orderBy: [{field: DEGREE}], after: $c) { totalCount } }`,
	} {
		t.Run(name, func(t *testing.T) {
			r := do(t, ts.URL, q, map[string]any{"c": after}, nil)
			if r.code() != graph.EINVALID {
				t.Errorf("code %q (%+v), want %s", r.code(), r.Errors, graph.EINVALID)
			}
		})
	}
}

func TestTotalCountWhenSelected(t *testing.T) { onStores(t, testTotalCountWhenSelected) }

// testTotalCountWhenSelected: a list counts its matches only when
// totalCount is selected (the store may skip the count otherwise), directly
// or through a fragment, and its page is the same either way.
func testTotalCountWhenSelected(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	type conn struct {
		TotalCount *int
		Nodes      []struct{ ID string }
		PageInfo   struct{ HasNextPage bool }
	}
	for _, list := range []struct{ field, typ string }{
		{"links", "LinkConnection"}, {"actors", "ActorConnection"}, {"programmes", "ProgrammeConnection"},
	} {
		var r struct{ All, Direct, Fragment, Without conn }
		ok(t, do(t, ts.URL, `{ all: `+list.field+`(first: 1000) { nodes { id } }
			direct: `+list.field+`(first: 2) { totalCount nodes { id } pageInfo { hasNextPage } }
			fragment: `+list.field+`(first: 2) { ...total nodes { id } pageInfo { hasNextPage } }
			without: `+list.field+`(first: 2) { nodes { id } pageInfo { hasNextPage } } }
			fragment total on `+list.typ+` { totalCount }`, nil, &r))
		n := len(r.All.Nodes)
		if n < 3 || r.Direct.TotalCount == nil || *r.Direct.TotalCount != n || r.Fragment.TotalCount == nil || *r.Fragment.TotalCount != n {
			t.Errorf("%s: %d in all, totalCount %v directly and %v through a fragment; want %d and at least 3", list.field, n, r.Direct.TotalCount, r.Fragment.TotalCount, n)
		}
		r.Direct.TotalCount, r.Fragment.TotalCount = nil, nil
		for _, c := range []conn{r.Fragment, r.Without} {
			if diff := gocmp.Diff(r.Direct, c); diff != "" {
				t.Errorf("%s: page without totalCount differs (-with +without):\n%s", list.field, diff)
			}
		}
	}
}
