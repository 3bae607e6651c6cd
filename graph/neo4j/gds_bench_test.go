package neo4j_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/graph/netfile"
	graphsnapshot "github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// BenchmarkGDSBetweenness puts exact betweenness on ca-HepTh, stored in
// Neo4j, beside Neo4j Graph Data Science's, each iteration timing both:
//
//	ours  snapshot.Build (one consistent scan of the store over Bolt into the
//	      analysis graph) + analysis.Betweenness (unnormalised, all cores)
//	gds   gds.graph.project (Actor nodes, LINK relationships undirected,
//	      parallel links aggregated into one, as our snapshot merges them)
//	      + gds.betweenness.stream (every node's score back over Bolt)
//
// and comparing every node's value (GDS's undirected scores are on our
// unnormalised scale: each unordered pair once). It reports seconds per
// iteration of each (and of their first steps, snapshot and projection),
// the ratio ours/gds and the largest difference.
// scripts/bench-gds starts a Neo4j with GDS (NEO4J_GDS=1 scripts/neo4j
// start) and runs it; the store is wiped and ca-HepTh imported first.
func BenchmarkGDSBetweenness(b *testing.B) {
	ctx := context.Background()
	s := neo4jtest.Open(b)
	cfg := neo4jtest.Config()
	d, err := driver.NewDriverWithContext(cfg.URI, driver.NoAuth())
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(ctx)
	version, err := gdsQuery(ctx, d, cfg.Database, `RETURN gds.version() AS v`, nil)
	if err != nil {
		b.Fatalf("Graph Data Science is not loaded in %s (start it with NEO4J_GDS=1 scripts/neo4j start): %v", cfg.URI, err)
	}
	b.Logf("GDS %v on %s", version[0].Values[0], cfg.URI)
	src := netfile.FileSource(testnet.Path(b, "ca-hepth.txt"))
	if _, err := netfile.Import(ctx, s, []netfile.Source{src}, netfile.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	var build, ours, project, gds time.Duration
	worst, n := 0.0, 0
	for b.Loop() {
		t0 := time.Now()
		snap, err := graphsnapshot.Build(ctx, s, graph.Scope{})
		if err != nil {
			b.Fatal(err)
		}
		build += time.Since(t0)
		bc, err := analysis.Betweenness(ctx, snap.G, analysis.BetweennessOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t0)
		t0 = time.Now()
		scores, projected, err := gdsBetweenness(ctx, d, cfg.Database)
		if err != nil {
			b.Fatal(err)
		}
		project += projected
		gds += time.Since(t0)
		if len(scores) != snap.G.N() {
			b.Fatalf("GDS scored %d nodes, our snapshot has %d", len(scores), snap.G.N())
		}
		for v, key := range snap.G.Keys {
			score, ok := scores[key]
			if !ok {
				b.Fatalf("GDS has no score for actor %s", key)
			}
			worst = max(worst, math.Abs(score-bc[v]))
		}
		n = snap.G.N()
	}
	iters := float64(b.N)
	b.ReportMetric(ours.Seconds()/iters, "ours-s/op")
	b.ReportMetric(build.Seconds()/iters, "snapshot-s/op")
	b.ReportMetric(gds.Seconds()/iters, "gds-s/op")
	b.ReportMetric(project.Seconds()/iters, "project-s/op")
	b.ReportMetric(ours.Seconds()/gds.Seconds(), "ours/gds")
	b.Logf("%d nodes; largest |ours - gds| %.3g", n, worst)
}

// gdsBetweenness projects the actors and links, streams GDS's betweenness
// by actor key and drops the projection; it also returns how long the
// projection took.
func gdsBetweenness(ctx context.Context, d driver.DriverWithContext, db string) (map[string]float64, time.Duration, error) {
	const name = "partnergraph-bench"
	if _, err := gdsQuery(ctx, d, db, `CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName`, map[string]any{"name": name}); err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	if _, err := gdsQuery(ctx, d, db, `CALL gds.graph.project($name, 'Actor',
		{LINK: {orientation: 'UNDIRECTED', aggregation: 'SINGLE'}}) YIELD nodeCount RETURN nodeCount`,
		map[string]any{"name": name}); err != nil {
		return nil, 0, err
	}
	projected := time.Since(t0)
	recs, err := gdsQuery(ctx, d, db, `CALL gds.betweenness.stream($name) YIELD nodeId, score
		RETURN gds.util.asNode(nodeId).key AS key, score`, map[string]any{"name": name})
	if err != nil {
		return nil, 0, err
	}
	out := make(map[string]float64, len(recs))
	for _, r := range recs {
		key, _ := r.Values[0].(string)
		score, _ := r.Values[1].(float64)
		out[key] = score
	}
	_, err = gdsQuery(ctx, d, db, `CALL gds.graph.drop($name) YIELD graphName RETURN graphName`, map[string]any{"name": name})
	return out, projected, err
}

func gdsQuery(ctx context.Context, d driver.DriverWithContext, db, q string, params map[string]any) ([]*driver.Record, error) {
	res, err := driver.ExecuteQuery(ctx, d, q, params, driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase(db))
	if err != nil {
		return nil, fmt.Errorf("gds: %w", err)
	}
	return res.Records, nil
}
