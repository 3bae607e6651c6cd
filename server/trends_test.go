package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

func TestBrokerTrendsOnDemo(t *testing.T) { onStores(t, testBrokerTrendsOnDemo) }

// testBrokerTrendsOnDemo checks brokerTrends against brokerHistory, which
// ranks each actor in the same windows by a separate path through the code,
// and the rule for actors absent from a window.
func testBrokerTrendsOnDemo(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	type trend struct {
		Actor               struct{ ID, Key string }
		FirstRank, LastRank *int
		Rise                int
		NewLinks            []struct{ Key string }
	}
	var got struct {
		BrokerTrends struct {
			Windows []struct {
				From, To     string
				ActiveActors int
				Brokers      []struct{ Rank int }
			}
			Emerging, Fading []trend
		}
	}
	const q = `{ brokerTrends(metric: BETWEENNESS, from: "2019-07-01", to: "2021-03-31", step: QUARTER, first: 5) {
		windows { from to activeActors brokers { rank } }
		emerging { actor { id key } firstRank lastRank rise newLinks { key } }
		fading { actor { id key } firstRank lastRank rise newLinks { key } } } }`
	r := do(t, ts.URL, q, nil, &got)
	ok(t, r)
	again := do(t, ts.URL, q, nil, nil)
	if string(again.Data) != string(r.Data) {
		t.Errorf("two runs differ:\n%s\n%s", r.Data, again.Data)
	}
	tr := got.BrokerTrends
	if len(tr.Windows) != 7 || tr.Windows[0].From != "2019-07-01" || tr.Windows[0].To != "2019-09-30" || tr.Windows[6].To != "2021-03-31" {
		t.Fatalf("windows = %+v", tr.Windows)
	}
	if len(tr.Emerging) == 0 || len(tr.Fading) == 0 {
		t.Fatalf("no emerging or fading brokers on the demo: %s", r.Data)
	}
	first, last := tr.Windows[0], tr.Windows[len(tr.Windows)-1]
	effective := func(rank *int, active int) int {
		if rank == nil {
			return active + 1
		}
		return *rank
	}
	for _, list := range [][]trend{tr.Emerging, tr.Fading} {
		for _, e := range list {
			if want := effective(e.FirstRank, first.ActiveActors) - effective(e.LastRank, last.ActiveActors); e.Rise != want {
				t.Errorf("%s: rise %d, want %d", e.Actor.Key, e.Rise, want)
			}
			var hist struct {
				BrokerHistory []struct{ Rank *int }
			}
			ok(t, do(t, ts.URL, `query($a: ID!) { brokerHistory(actor: $a, from: "2019-07-01", to: "2021-03-31", step: QUARTER) { rank } }`,
				map[string]any{"a": e.Actor.ID}, &hist))
			h := hist.BrokerHistory
			if len(h) != 7 || !sameRank(h[0].Rank, e.FirstRank) || !sameRank(h[6].Rank, e.LastRank) {
				b, _ := json.Marshal(h)
				t.Errorf("%s: trend ranks %v→%v, history %s", e.Actor.Key, e.FirstRank, e.LastRank, b)
			}
		}
	}
	for i, e := range tr.Emerging {
		if e.Rise <= 0 || i > 0 && (e.Rise > tr.Emerging[i-1].Rise || e.Rise == tr.Emerging[i-1].Rise && e.Actor.Key < tr.Emerging[i-1].Actor.Key) {
			t.Errorf("emerging out of order at %d: %+v", i, tr.Emerging)
		}
	}
	for i, e := range tr.Fading {
		if e.Rise >= 0 || i > 0 && (e.Rise < tr.Fading[i-1].Rise || e.Rise == tr.Fading[i-1].Rise && e.Actor.Key < tr.Fading[i-1].Actor.Key) {
			t.Errorf("fading out of order at %d: %+v", i, tr.Fading)
		}
	}
	// Most demo links are undated (in every window); the dated ones are
	// short events in July 2019 and early 2021. Babs Anderson enters in
	// 2021 at rank 10; the Archdiocese falls from 5 to 23.
	if e := tr.Emerging[0]; e.Actor.Key != "babs-anderson" || e.FirstRank != nil || e.LastRank == nil || *e.LastRank != 10 || len(e.NewLinks) == 0 {
		t.Errorf("top emerging = %+v", e)
	}
	if !slices.ContainsFunc(tr.Fading, func(f trend) bool {
		return f.Actor.Key == "liverpool-catholic-archdiocese" && f.FirstRank != nil && *f.FirstRank == 5 && f.LastRank != nil && *f.LastRank == 23
	}) {
		t.Errorf("archdiocese not fading 5→23: %+v", tr.Fading)
	}
}

func sameRank(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func TestReachableByOnDemo(t *testing.T) { onStores(t, testReachableByOnDemo) }

// testReachableByOnDemo: what could have been heard by an earlier date is
// still heard, on the same earliest day, by a later one, and no earliest
// day is after its date.
func testReachableByOnDemo(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	type heard struct {
		TotalCount int
		Actors     []struct {
			Actor    struct{ Key string }
			Earliest *string
		}
	}
	at := func(by string) heard {
		var got struct{ ReachableBy heard }
		ok(t, do(t, ts.URL, `query($a: ID!, $by: Date!) { reachableBy(from: $a, by: $by, first: 500) { totalCount actors { actor { key } earliest } } }`,
			map[string]any{"a": actorID("liverpool-hope-university"), "by": by}, &got))
		return got.ReachableBy
	}
	early, late := at("2020-06-30"), at("2021-12-31")
	if early.TotalCount == 0 || late.TotalCount < early.TotalCount || len(late.Actors) != late.TotalCount {
		t.Fatalf("totals %d then %d (%d listed)", early.TotalCount, late.TotalCount, len(late.Actors))
	}
	when := map[string]*string{}
	for _, a := range late.Actors {
		when[a.Actor.Key] = a.Earliest
		if a.Earliest != nil && *a.Earliest > "2021-12-31" {
			t.Errorf("%s heard on %s, after the date", a.Actor.Key, *a.Earliest)
		}
	}
	// Babs Anderson has no tie before 2021 (brokerTrends sees her enter).
	if w := when["babs-anderson"]; w == nil || !strings.HasPrefix(*w, "2021-") || late.TotalCount <= early.TotalCount {
		t.Errorf("babs-anderson heard on %v; totals %d then %d", w, early.TotalCount, late.TotalCount)
	}
	for _, a := range early.Actors {
		if a.Actor.Key == "babs-anderson" {
			t.Errorf("babs-anderson heard by 2020-06-30")
		}
		w, found := when[a.Actor.Key]
		if !found || (w == nil) != (a.Earliest == nil) || w != nil && *w != *a.Earliest {
			t.Errorf("%s: heard by 2020-06-30 on %v, by 2021-12-31 on %v", a.Actor.Key, a.Earliest, w)
		}
	}
}
