package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// BenchmarkGraphQLShortestPaths answers 1,000 random shortest-path queries
// on the largest dataset (ca-hepth) through GraphQL over HTTP, one after
// another, and reports the latency percentiles. Run:
//
//	go test -run '^$' -bench GraphQLShortestPaths -benchtime 1x ./server
func BenchmarkGraphQLShortestPaths(b *testing.B) {
	st, g := hepth(b)
	ts := newServer(b, st).URL
	rng := rand.New(rand.NewPCG(1, 2))
	pairs := make([][2]string, 1000)
	for i := range pairs {
		s, t := rng.IntN(g.N()), rng.IntN(g.N())
		for t == s {
			t = rng.IntN(g.N())
		}
		pairs[i] = [2]string{graph.NewID(graph.KindActor, g.Keys[s]), graph.NewID(graph.KindActor, g.Keys[t])}
	}
	query := `query($s: ID!, $t: ID!) { knowledgePaths(from: $s, to: $t) { hops actors { key } } }`
	postPath(b, ts, query, pairs[0]) // builds the snapshot
	var lat []time.Duration
	found := 0
	for b.Loop() {
		lat = lat[:0]
		for _, p := range pairs {
			start := time.Now()
			if postPath(b, ts, query, p) {
				found++
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.Logf("%d queries, %d with a path: p50 %.2f ms, p99 %.2f ms, max %.2f ms", len(lat), found, ms(0.5), ms(0.99), ms(1))
}

// hepth returns ca-hepth in an embedded store, and as a graph.
func hepth(b *testing.B) (*sqlite.Store, *analysis.Graph) {
	path := testnet.Path(b, "ca-hepth.txt")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := netfile.Import(ctx, st, []netfile.Source{netfile.FileSource(path)}, netfile.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	g, err := netfile.LoadGraph(path, false, false)
	if err != nil {
		b.Fatal(err)
	}
	return st, g
}

// postPath sends one path query and reports whether it found a path.
func postPath(b *testing.B, url, query string, p [2]string) bool {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]string{"s": p[0], "t": p[1]}})
	res, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Data   struct{ KnowledgePaths []any }
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		b.Fatalf("query failed: %v %v", err, r.Errors)
	}
	return len(r.Data.KnowledgePaths) > 0
}

// BenchmarkBrokersAfterWrite asks for the top brokers of ca-hepth right
// after each of 3 writes, as a dashboard does while the network is edited:
// LATEST answers from the newest finished result, FRESH waits for the
// recomputation (a scan of the store and exact betweenness: what every
// query after a write cost before the background engine). Run:
//
//	go test -run '^$' -bench BrokersAfterWrite -benchtime 1x ./server
func BenchmarkBrokersAfterWrite(b *testing.B) {
	st, g := hepth(b)
	ts := newServer(b, st).URL
	ask := func(consistency string) time.Duration {
		start := time.Now()
		body, _ := json.Marshal(map[string]any{"query": `query($c: Consistency) { brokerRanking(first: 5, consistency: $c) { result { version stale } brokers { score } } }`,
			"variables": map[string]any{"c": consistency}})
		res, err := http.Post(ts+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var r struct{ Errors []any }
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
			b.Fatalf("brokerRanking: %v %v", err, r.Errors)
		}
		return time.Since(start)
	}
	b.Logf("first answer (scan and exact betweenness): %v", ask("FRESH"))
	rng := rand.New(rand.NewPCG(3, 4))
	for b.Loop() {
		var cached, latest, fresh []time.Duration
		for range 3 {
			cached = append(cached, ask("LATEST"))
			s, t := rng.IntN(g.N()), rng.IntN(g.N())
			if _, err := st.CreateLink(context.Background(), &graph.Link{Type: graph.LinkCollaboration, Key: "bench-" + g.Keys[s] + "-" + g.Keys[t],
				SourceID: graph.NewID(graph.KindActor, g.Keys[s]), TargetID: graph.NewID(graph.KindActor, g.Keys[t])}); err != nil {
				b.Fatal(err)
			}
			latest = append(latest, ask("LATEST"))
			fresh = append(fresh, ask("FRESH"))
		}
		med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
		b.ReportMetric(float64(med(latest).Microseconds())/1000, "latest-ms")
		b.ReportMetric(float64(med(fresh).Microseconds())/1000, "fresh-ms")
		b.Logf("median of 3 writes: before the write %v, LATEST right after %v (%.0f× faster than FRESH), FRESH %v",
			med(cached), med(latest), float64(med(fresh))/float64(med(latest)), med(fresh))
	}
}
