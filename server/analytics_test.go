package server_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

func actorID(key string) string { return graph.NewID(graph.KindActor, key) }

// demo serves the demo network.
func demo(t *testing.T, openStore func(*testing.T) graph.Store) (*httptest.Server, graph.Store) {
	t.Helper()
	s := openStore(t)
	if _, err := seed.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return newServer(t, s), s
}

type brokerScore struct {
	Rank  int
	Score float64
	Actor struct{ Key string }
}

func TestBrokersOnDemo(t *testing.T) { onStores(t, testBrokersOnDemo) }

func testBrokersOnDemo(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, st := demo(t, openStore)
	var got struct {
		Betweenness, Brokerage, Declared []brokerScore
	}
	ok(t, do(t, ts.URL, `{ betweenness: brokers(metric: BETWEENNESS, first: 5) { rank score actor { key } }
		brokerage: brokers(metric: BROKERAGE, first: 5) { rank score actor { key } }
		declared: brokers(metric: DECLARED_BROKERAGE, first: 1) { rank score actor { key } } }`, nil, &got))
	// The scores are the analysis package's, on the same projection.
	snap, err := snapshot.Build(context.Background(), st, graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := analysis.Betweenness(context.Background(), snap.G, analysis.BetweennessOptions{Normalized: true})
	if err != nil {
		t.Fatal(err)
	}
	// Exact equality: analytics are bit-for-bit deterministic whatever the
	// worker count (analysis.TestParallelDeterminism), and JSON carries a
	// float64 exactly.
	for i, b := range got.Betweenness {
		if want := bc[snap.G.Index(b.Actor.Key)]; b.Score != want {
			t.Errorf("%s betweenness = %v, want %v", b.Actor.Key, b.Score, want)
		}
		if i > 0 && b.Score > got.Betweenness[i-1].Score {
			t.Errorf("ranking not descending at %d", i)
		}
	}
	// The seeds describe Liverpool Hope, the Robert Owen Centre and Education
	// Scotland as the intermediaries of their partnerships.
	if got.Betweenness[0].Actor.Key != "liverpool-hope-university" {
		t.Errorf("top broker by betweenness = %s", got.Betweenness[0].Actor.Key)
	}
	keys := func(bs []brokerScore) []string {
		var out []string
		for _, b := range bs {
			out = append(out, b.Actor.Key)
		}
		return out
	}
	for _, k := range []string{"liverpool-hope-university", "robert-owen-centre", "education-scotland"} {
		if !slices.Contains(keys(got.Brokerage), k) {
			t.Errorf("%s not among the top 5 Gould–Fernandez brokers %v", k, keys(got.Brokerage))
		}
	}
	if got.Declared[0].Actor.Key != "education-scotland" {
		t.Errorf("top declared broker = %v", got.Declared)
	}
}

func TestAnalyticsEmptyScopes(t *testing.T) { onStores(t, testAnalyticsEmptyScopes) }

func testAnalyticsEmptyScopes(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	for _, scope := range []string{
		`{linkTypes: [FUNDING], actorKinds: [PERSON]}`, // matches no link
		`{from: "1800-01-01", to: "1800-12-31", actorKinds: [PERSON], linkTypes: [GOVERNANCE]}`,
	} {
		var got struct {
			Brokers        []brokerScore
			Roles          []any `json:"brokerageRoles"`
			Holes          []any `json:"structuralHoles"`
			Cutpoints      []any
			Bridges        []any
			NetworkSummary struct {
				Links   int
				Density float64
			}
		}
		ok(t, do(t, ts.URL, `{ brokers(scope: `+scope+`, metric: BETWEENNESS) { score } brokerageRoles(scope: `+scope+`) { total }
			structuralHoles(scope: `+scope+`) { constraint } cutpoints(scope: `+scope+`) { key } bridges(scope: `+scope+`) { source { key } }
			networkSummary(scope: `+scope+`) { links density topBrokers { score } } }`, nil, &got))
		if got.NetworkSummary.Links != 0 || len(got.Roles)+len(got.Holes)+len(got.Cutpoints)+len(got.Bridges) != 0 {
			t.Errorf("scope %s: %+v, want nothing", scope, got)
		}
		for _, b := range got.Brokers {
			if b.Score != 0 {
				t.Errorf("scope %s: broker with score %v", scope, b.Score)
			}
		}
	}
	// A scope with no actors at all.
	st := openStore(t)
	empty := newServer(t, st)
	var got struct {
		Brokers        []any
		NetworkSummary struct{ Actors int }
	}
	ok(t, do(t, empty.URL, `{ brokers(metric: EIGENVECTOR) { score } networkSummary { actors } }`, nil, &got))
	if len(got.Brokers) != 0 || got.NetworkSummary.Actors != 0 {
		t.Errorf("empty network: %+v", got)
	}
}

func TestAnalyticsBadInput(t *testing.T) { onStores(t, testAnalyticsBadInput) }

func testAnalyticsBadInput(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	for _, tc := range []struct{ name, query, code, field string }{
		{"ErrScopeProgramme", `{ brokers(scope: {programmeId: "not-a-programme"}) { score } }`, graph.ENOTFOUND, "scope.programmeId"},
		{"ErrScopeDates", `{ networkSummary(scope: {from: "2021-01-01", to: "2020-01-01"}) { links } }`, graph.EINVALID, "scope.to"},
		{"ErrScopeEnum", `{ brokers(scope: {linkTypes: [FRIENDSHIP]}) { score } }`, "GRAPHQL_VALIDATION_FAILED", ""},
		{"ErrFirst", `{ brokers(first: 0) { score } }`, graph.EINVALID, "first"},
		{"ErrRemoveUnknown", `{ removalImpact(actors: ["QWN0b3I6bm9ib2R5"]) { disconnectedPairs } }`, graph.ENOTFOUND, "actors"},
		{"ErrProfileUnknown", `{ brokerProfile(actor: "nope") { degree } }`, graph.ENOTFOUND, "actor"},
		{"ErrHistoryBackwards", `{ brokerHistory(actor: "` + actorID("liverpool-hope-university") + `", from: "2022-01-01", to: "2020-01-01") { score } }`, graph.EINVALID, "to"},
		{"ErrCommunityHistoryThreshold", `{ communityHistory(from: "2019-01-01", to: "2020-12-31", threshold: 0) { from } }`, graph.EINVALID, "threshold"},
		{"ErrCommunityHistoryThresholdHigh", `{ communityHistory(from: "2019-01-01", to: "2020-12-31", threshold: 1.5) { from } }`, graph.EINVALID, "threshold"},
		{"ErrAtOneDate", `{ brokerTrends(at: ["2020-01-01"]) { emerging { rise } } }`, graph.EINVALID, "at"},
		{"ErrAtDecreasing", `{ networkSeries(at: ["2020-01-01", "2019-01-01"]) { from } }`, graph.EINVALID, "at"},
		{"ErrNoFrom", `{ communityHistory(to: "2020-01-01") { from } }`, graph.EINVALID, "from"},
		{"ErrCommunityHistoryResolution", `{ communityHistory(from: "2019-01-01", to: "2020-12-31", resolution: -1) { from } }`, graph.EINVALID, "resolution"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts.URL, tc.query, nil, nil)
			if r.code() != tc.code {
				t.Fatalf("code = %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); tc.field != "" && f != tc.field {
				t.Errorf("field = %q, want %q", f, tc.field)
			}
		})
	}
}

func TestAnalyticsFollowWrites(t *testing.T) { onStores(t, testAnalyticsFollowWrites) }

func testAnalyticsFollowWrites(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	q := `{ networkSummary { links components } }`
	var before, after struct {
		NetworkSummary struct{ Links, Components int }
	}
	ok(t, do(t, ts.URL, q, nil, &before))
	ok(t, do(t, ts.URL, `mutation($a: ID!, $b: ID!) { createLink(input: {type: COLLABORATION, sourceId: $a, targetId: $b}) { id } }`,
		map[string]any{"a": actorID("liverpool-hope-university"), "b": actorID("robert-owen-centre")}, nil))
	ok(t, do(t, ts.URL, q, nil, &after))
	if after.NetworkSummary.Links != before.NetworkSummary.Links+1 || after.NetworkSummary.Components != before.NetworkSummary.Components-1 {
		t.Errorf("after joining two clusters: %+v, before %+v", after.NetworkSummary, before.NetworkSummary)
	}
}

func TestRemovalImpactAndProfile(t *testing.T) { onStores(t, testRemovalImpactAndProfile) }

func testRemovalImpactAndProfile(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	hope := actorID("liverpool-hope-university")
	var got struct {
		RemovalImpact struct {
			Before, After     struct{ Components, LargestComponent int }
			DisconnectedPairs float64
		}
		BrokerProfile struct {
			IsCutpoint       bool
			Sectors          []string
			BridgedPairCount int
			BridgedPairs     []struct {
				CrossesSectors bool
				Links          []struct{ Evidence struct{ Quote string } }
			}
			Brokerage struct {
				Total int
				Z     struct{ Total *float64 }
			}
		}
	}
	ok(t, do(t, ts.URL, `query($a: ID!) { removalImpact(actors: [$a]) { before { components largestComponent } after { components largestComponent } disconnectedPairs }
		brokerProfile(actor: $a) { isCutpoint sectors bridgedPairCount bridgedPairs(first: 3) { crossesSectors links { evidence { quote } } } brokerage { total z { total } } } }`,
		map[string]any{"a": hope}, &got))
	im := got.RemovalImpact
	if im.After.Components <= im.Before.Components || im.After.LargestComponent >= im.Before.LargestComponent || im.DisconnectedPairs == 0 {
		t.Errorf("removing Liverpool Hope: %+v, want the network to split", im)
	}
	p := got.BrokerProfile
	if !p.IsCutpoint || len(p.Sectors) < 2 || p.BridgedPairCount == 0 || !p.BridgedPairs[0].CrossesSectors {
		t.Errorf("profile = %+v", p)
	}
	for _, pair := range p.BridgedPairs {
		for _, l := range pair.Links {
			if l.Evidence.Quote == "" {
				t.Errorf("bridged pair link without evidence")
			}
		}
	}
	if p.Brokerage.Z.Total == nil || *p.Brokerage.Z.Total < 2 {
		t.Errorf("Liverpool Hope's brokerage z-score = %v, want a clear broker (> 2)", p.Brokerage.Z.Total)
	}
}

type kpath struct {
	Hops   int
	Cost   float64
	Actors []struct{ Key string }
	Steps  []struct {
		Day  *string
		Link struct {
			Type     string
			From, To *string
			Evidence struct{ Source, Quote string }
		}
	}
}

func TestKnowledgePathsOnDemo(t *testing.T) { onStores(t, testKnowledgePathsOnDemo) }

func testKnowledgePathsOnDemo(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	school, researcher := actorID("croxteth-community-primary-school"), actorID("tina-cook")
	var got struct{ Paths, Timed []kpath }
	ok(t, do(t, ts.URL, `query($s: ID!, $t: ID!) { paths: knowledgePaths(from: $s, to: $t, k: 5) { hops cost actors { key } steps { link { type evidence { source quote } } } }
		timed: knowledgePaths(from: $t, to: $s, timeRespecting: true) { hops actors { key } steps { day link { from to } } } }`,
		map[string]any{"s": school, "t": researcher}, &got))
	if len(got.Paths) == 0 {
		t.Fatal("no path from Croxteth Community Primary School to Tina Cook")
	}
	for i, p := range got.Paths {
		if p.Actors[0].Key != "croxteth-community-primary-school" || p.Actors[len(p.Actors)-1].Key != "tina-cook" || len(p.Steps) != p.Hops {
			t.Errorf("path %d = %+v", i, p)
		}
		if i > 0 && p.Cost < got.Paths[i-1].Cost {
			t.Errorf("paths not cheapest first")
		}
		for _, s := range p.Steps {
			if s.Link.Evidence.Source == "" || s.Link.Evidence.Quote == "" {
				t.Errorf("step %+v cites no evidence", s)
			}
		}
	}
	if len(got.Timed) != 1 {
		t.Fatalf("time-respecting paths = %d, want 1", len(got.Timed))
	}
	var last string
	for _, s := range got.Timed[0].Steps {
		if s.Day != nil {
			if *s.Day < last {
				t.Errorf("time-respecting path goes back in time: %+v", got.Timed[0])
			}
			last = *s.Day
		}
	}
}

func TestPathQueriesAnswerDistinctly(t *testing.T) { onStores(t, testPathQueriesAnswerDistinctly) }

func testPathQueriesAnswerDistinctly(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	school := actorID("croxteth-community-primary-school")
	scotland := actorID("education-scotland") // in another cluster: unreachable
	for _, tc := range []struct{ name, query, code, field string }{
		{"ErrSame", `{ knowledgePaths(from: "` + school + `", to: "` + school + `") { hops } }`, graph.EINVALID, "to"},
		{"ErrUnknownFrom", `{ knowledgePaths(from: "QWN0b3I6bm9ib2R5", to: "` + school + `") { hops } }`, graph.ENOTFOUND, "from"},
		{"ErrK", `{ knowledgePaths(from: "` + school + `", to: "` + scotland + `", k: 51) { hops } }`, graph.EINVALID, "k"},
		{"ErrMaxHops", `{ knowledgePaths(from: "` + school + `", to: "` + scotland + `", maxHops: 11) { hops } }`, graph.EINVALID, "maxHops"},
		{"ErrViaWithK", `{ knowledgePaths(from: "` + school + `", to: "` + scotland + `", k: 2, via: ["` + school + `"]) { hops } }`, graph.EINVALID, "via"},
		{"ErrAvoidUnknown", `{ knowledgePaths(from: "` + school + `", to: "` + scotland + `", avoid: ["x"]) { hops } }`, graph.ENOTFOUND, "avoid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts.URL, tc.query, nil, nil)
			if r.code() != tc.code {
				t.Fatalf("code = %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); f != tc.field {
				t.Errorf("field = %q, want %q", f, tc.field)
			}
		})
	}
	var got struct {
		KnowledgePaths   []any
		AllShortestPaths struct {
			Count float64
			Cost  *float64
		}
		ConnectionResilience struct{ IndependentPaths int }
	}
	ok(t, do(t, ts.URL, `query($s: ID!, $t: ID!) { knowledgePaths(from: $s, to: $t) { hops } allShortestPaths(from: $s, to: $t) { count cost }
		connectionResilience(from: $s, to: $t) { independentPaths } }`, map[string]any{"s": school, "t": scotland}, &got))
	if got.KnowledgePaths == nil || len(got.KnowledgePaths) != 0 || got.AllShortestPaths.Count != 0 || got.AllShortestPaths.Cost != nil || got.ConnectionResilience.IndependentPaths != 0 {
		t.Errorf("unreachable pair: %+v, want empty answers", got)
	}
}

func TestPathTimeBudget(t *testing.T) {
	s := openStore(t)
	if _, err := seed.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Config{Store: s, Logger: zerolog.Nop(), PathBudget: time.Nanosecond}).Handler())
	defer ts.Close()
	r := do(t, ts.URL, `query($s: ID!, $t: ID!) { knowledgePaths(from: $s, to: $t, k: 20) { hops } }`,
		map[string]any{"s": actorID("croxteth-community-primary-school"), "t": actorID("tina-cook")}, nil)
	if r.code() != graph.ETIMEOUT {
		t.Errorf("search with a spent budget: code %q (%+v), want %s", r.code(), r.Errors, graph.ETIMEOUT)
	}
}

func TestExplicitWindows(t *testing.T) { onStores(t, testExplicitWindows) }

// testExplicitWindows: at with academic years' boundaries gives the same
// answers as step ACADEMIC_YEAR over the same span.
func testExplicitWindows(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	const fields = `{ windows { from to activeActors brokers { rank actor { key } } } emerging { actor { key } rise } fading { actor { key } rise } }`
	const communities = `{ from to modularity died communities { id size event predecessors members { key } } }`
	const series = `{ from to summary { actors links density } }`
	byStep := do(t, ts.URL, `{ brokerTrends(from: "2018-09-01", to: "2021-08-31", step: ACADEMIC_YEAR) `+fields+`
		communityHistory(from: "2018-09-01", to: "2021-08-31", step: ACADEMIC_YEAR) `+communities+`
		networkSeries(from: "2018-09-01", to: "2021-08-31", interval: ACADEMIC_YEAR) `+series+` }`, nil, nil)
	ok(t, byStep)
	at := `at: ["2018-09-01", "2019-09-01", "2020-09-01", "2021-09-01"]`
	byAt := do(t, ts.URL, `{ brokerTrends(`+at+`) `+fields+`
		communityHistory(`+at+`, step: MONTH) `+communities+`
		networkSeries(`+at+`) `+series+` }`, nil, nil)
	ok(t, byAt)
	if string(byStep.Data) != string(byAt.Data) {
		t.Errorf("at differs from step:\nstep: %.600s\nat:   %.600s", byStep.Data, byAt.Data)
	}
	if !strings.Contains(string(byAt.Data), `"to":"2021-08-31"`) {
		t.Errorf("no window ending 2021-08-31: %.300s", byAt.Data)
	}
}

func TestCommunityHistoryOnDemo(t *testing.T) { onStores(t, testCommunityHistoryOnDemo) }

// testCommunityHistoryOnDemo checks the invariants of the matching on the
// demo: ids unique within a window, predecessors and died among the
// previous window's ids, events agreeing with the predecessors, and every
// previous community either continued by some community or died.
func testCommunityHistoryOnDemo(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	var got struct {
		CommunityHistory []struct {
			From        string
			Died        []int
			Communities []struct {
				ID, Size     int
				Event        string
				Predecessors []int
			}
		}
	}
	for _, threshold := range []string{"0.15", "0.3", "1"} {
		got.CommunityHistory = nil
		ok(t, do(t, ts.URL, `{ communityHistory(from: "2018-09-01", to: "2021-08-31", step: ACADEMIC_YEAR, threshold: `+threshold+`) {
			from died communities { id size event predecessors } } }`, nil, &got))
		ws := got.CommunityHistory
		if len(ws) != 3 || len(ws[0].Communities) == 0 {
			t.Fatalf("threshold %s: %+v", threshold, ws)
		}
		prev := map[int]bool{}
		for i, w := range ws {
			ids, successors := map[int]bool{}, map[int]int{}
			for _, c := range w.Communities {
				for _, p := range c.Predecessors {
					successors[p]++
				}
			}
			for _, c := range w.Communities {
				if ids[c.ID] || c.ID < 1 {
					t.Errorf("threshold %s, %s: id %d repeated or not positive", threshold, w.From, c.ID)
				}
				ids[c.ID] = true
				for _, p := range c.Predecessors {
					if !prev[p] {
						t.Errorf("threshold %s, %s: predecessor %d not in the previous window", threshold, w.From, p)
					}
				}
				want := "BORN"
				switch {
				case len(c.Predecessors) >= 2:
					want = "MERGED"
				case len(c.Predecessors) == 1 && successors[c.Predecessors[0]] >= 2:
					want = "SPLIT"
				case len(c.Predecessors) == 1:
					want = "CONTINUED"
				}
				if c.Event != want || (i == 0 && c.Event != "BORN") {
					t.Errorf("threshold %s, %s: community %d is %s with predecessors %v, want %s", threshold, w.From, c.ID, c.Event, c.Predecessors, want)
				}
			}
			for p := range prev {
				if (successors[p] > 0) == slices.Contains(w.Died, p) {
					t.Errorf("threshold %s, %s: previous community %d has %d successors, died %v", threshold, w.From, p, successors[p], w.Died)
				}
			}
			prev = ids
		}
	}
}
