package server_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
)

type networkGraph struct {
	Version                    int64
	IDs                        []string `json:"ids"`
	Keys, Names, Kinds         []string
	OrganisationTypes, Sectors []*string
	X, Y                       []float64
	LayoutComplete             bool
	LinkIDs                    []string `json:"linkIds"`
	LinkKeys, LinkTypes        []string
	Sources, Targets           []int
	Directed                   []bool
	Weights                    []float64
	From, To, Programmes       []*string
	Scores                     []struct {
		Metric string
		Values []*float64
		Ranks  []*int
	}
}

const networkGraphQuery = `query ($scope: Scope, $scores: [Metric!]) { networkGraph(scope: $scope, scores: $scores) {
	version ids keys names kinds organisationTypes sectors x y layoutComplete
	linkIds linkKeys sources targets linkTypes directed weights from to programmes
	scores { metric values ranks } } }`

func TestNetworkGraph(t *testing.T) { onStores(t, testNetworkGraph) }

// testNetworkGraph: the demo's whole network in columns of one length per
// kind, links joining the actors the store says, the positions the
// layout gives, and scores and ranks equal to the analytics'.
func testNetworkGraph(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, st := demo(t, openStore)
	var got struct{ NetworkGraph networkGraph }
	ok(t, do(t, ts.URL, networkGraphQuery, map[string]any{"scores": []string{"BETWEENNESS", "CONSTRAINT"}}, &got))
	ng := got.NetworkGraph
	ctx := context.Background()
	snap, err := snapshot.Build(ctx, st, graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	n, m := len(snap.Actors), len(snap.Links)
	if n == 0 || m == 0 {
		t.Fatal("the demo network is empty")
	}
	for name, l := range map[string]int{"ids": len(ng.IDs), "keys": len(ng.Keys), "names": len(ng.Names), "kinds": len(ng.Kinds),
		"organisationTypes": len(ng.OrganisationTypes), "sectors": len(ng.Sectors), "x": len(ng.X), "y": len(ng.Y)} {
		if l != n {
			t.Errorf("%s has %d entries, want %d actors", name, l, n)
		}
	}
	for name, l := range map[string]int{"linkIds": len(ng.LinkIDs), "linkKeys": len(ng.LinkKeys), "sources": len(ng.Sources),
		"targets": len(ng.Targets), "linkTypes": len(ng.LinkTypes), "directed": len(ng.Directed), "weights": len(ng.Weights),
		"from": len(ng.From), "to": len(ng.To), "programmes": len(ng.Programmes)} {
		if l != m {
			t.Errorf("%s has %d entries, want %d links", name, l, m)
		}
	}
	if ng.Version != snap.Version {
		t.Errorf("version %d, want %d", ng.Version, snap.Version)
	}
	for i, a := range snap.Actors {
		if ng.IDs[i] != a.ID || ng.Keys[i] != a.Key || ng.Names[i] != a.Name {
			t.Fatalf("actor %d is %s %s %q, want %s %s %q", i, ng.IDs[i], ng.Keys[i], ng.Names[i], a.ID, a.Key, a.Name)
		}
		if person := a.Kind == graph.KindPerson; person != (ng.Kinds[i] == "PERSON") || person != (ng.OrganisationTypes[i] == nil) {
			t.Errorf("%s: kind %s, organisation type %v", a.Key, ng.Kinds[i], ng.OrganisationTypes[i])
		}
	}
	// Each link joins the actors the store has it join.
	links, err := st.LinksByID(ctx, ng.LinkIDs)
	if err != nil {
		t.Fatal(err)
	}
	for j, l := range links {
		if ng.IDs[ng.Sources[j]] != l.SourceID || ng.IDs[ng.Targets[j]] != l.TargetID || ng.LinkKeys[j] != l.Key || ng.LinkTypes[j] != string(l.Type) {
			t.Fatalf("link %d: %s %s→%s, want %s %s→%s", j, ng.LinkKeys[j], ng.IDs[ng.Sources[j]], ng.IDs[ng.Targets[j]], l.Key, l.SourceID, l.TargetID)
		}
	}
	// The positions are ForceAtlas2's on the same snapshot: the layout
	// is deterministic, and JSON carries a float64 exactly.
	want, err := analysis.ForceAtlas2(ctx, snap.G, analysis.LayoutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ng.X, want.X) || !slices.Equal(ng.Y, want.Y) || !ng.LayoutComplete {
		t.Error("positions differ from analysis.ForceAtlas2's")
	}
	// Scores and ranks are the analytics', ranks as brokers ranks them.
	if len(ng.Scores) != 2 || ng.Scores[0].Metric != "BETWEENNESS" || ng.Scores[1].Metric != "CONSTRAINT" {
		t.Fatalf("scores %+v, want BETWEENNESS then CONSTRAINT", ng.Scores)
	}
	for i, metric := range []insight.Metric{insight.Betweenness, insight.Constraint} {
		sc, err := insight.Compute(ctx, snap, metric, insight.BySector)
		if err != nil {
			t.Fatal(err)
		}
		col := ng.Scores[i]
		for _, r := range insight.Rank(snap, sc, metric.Ascending(), allNodes(n)) {
			if v := col.Values[r.Node]; v == nil || *v != r.Score || col.Ranks[r.Node] == nil || *col.Ranks[r.Node] != r.Rank {
				t.Fatalf("%s of %s: got %v rank %v, want %v rank %d", metric, r.Actor.Key, col.Values[r.Node], col.Ranks[r.Node], r.Score, r.Rank)
			}
		}
		for v := range n {
			if !sc.Has(int32(v)) && (col.Values[v] != nil || col.Ranks[v] != nil) {
				t.Errorf("%s of %s: a score where there is none", metric, snap.Actors[v].Key)
			}
		}
	}
	for v := range n {
		if math.IsNaN(ng.X[v]) || math.Abs(ng.X[v]) > 1000 || math.Abs(ng.Y[v]) > 1000 {
			t.Fatalf("%s at (%v, %v)", ng.Keys[v], ng.X[v], ng.Y[v])
		}
	}
}

func allNodes(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// TestNetworkGraphScope: a scope narrows the network as the analytics do,
// and a bad metric is refused naming scores.
func TestNetworkGraphScope(t *testing.T) {
	ts, st := demo(t, openStore)
	var got struct{ NetworkGraph networkGraph }
	ok(t, do(t, ts.URL, `query ($scope: Scope) { networkGraph(scope: $scope) { keys linkTypes sources } }`,
		map[string]any{"scope": map[string]any{"linkTypes": []string{"PARTNERSHIP"}}}, &got))
	snap, err := snapshot.Build(context.Background(), st, graph.Scope{LinkTypes: []graph.LinkType{graph.LinkPartnership}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.NetworkGraph.Keys) != len(snap.Actors) || len(got.NetworkGraph.Sources) != len(snap.Links) {
		t.Errorf("got %d actors and %d links, want %d and %d", len(got.NetworkGraph.Keys), len(got.NetworkGraph.Sources), len(snap.Actors), len(snap.Links))
	}
	for _, lt := range got.NetworkGraph.LinkTypes {
		if lt != "PARTNERSHIP" {
			t.Fatalf("a %s link in a partnership scope", lt)
		}
	}
	r := do(t, ts.URL, `{ networkGraph(scores: [NOPE]) { ids } }`, nil, nil)
	if len(r.Errors) == 0 {
		t.Error("an unknown metric was accepted")
	}
}

// TestNetworkGraphLimit: a network larger than the bound is refused with
// BAD_USER_INPUT on scope, before any layout is computed.
func TestNetworkGraphLimit(t *testing.T) {
	st := openStore(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	ts := limitedServer(t, st, server.Config{Limits: server.Limits{MaxGraphActors: 10}})
	r := do(t, ts.URL, `{ networkGraph { ids x } }`, nil, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.EINVALID || r.Errors[0].Extensions["field"] != "scope" {
		t.Fatalf("errors %+v, want one BAD_USER_INPUT on scope", r.Errors)
	}
	t.Logf("refusal: %s", r.Errors[0].Message)
	// A scope within the bound is answered.
	var got struct{ NetworkGraph networkGraph }
	ok(t, do(t, ts.URL, `{ networkGraph(scope: {linkTypes: [FUNDING]}) { ids } }`, nil, &got))
}

// TestNetworkGraphViewer: a viewer may draw the network (it holds no
// contact data); a caller without a key may not.
func TestNetworkGraphViewer(t *testing.T) {
	st := openStore(t)
	f := newRoleFixture(t, st, &server.Auth{})
	var got struct{ NetworkGraph networkGraph }
	status, _, r := doAs(t, f.ts.URL, f.viewer, `{ networkGraph { names sources targets x } }`, nil, &got)
	if status != 200 || len(r.Errors) > 0 || len(got.NetworkGraph.Names) != 2 || len(got.NetworkGraph.Sources) != 1 {
		t.Fatalf("viewer: status %d, errors %+v, %d actors", status, r.Errors, len(got.NetworkGraph.Names))
	}
	status, _, r = doAs(t, f.ts.URL, "", `{ networkGraph { names } }`, nil, nil)
	if status == 200 && len(r.Errors) == 0 {
		t.Error("a caller without a key drew the network")
	}
}
