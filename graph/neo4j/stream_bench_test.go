package neo4j_test

import (
	"context"
	"iter"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// BenchmarkApplyStream loads BenchmarkApply's synthetic network as one
// stream, in one transaction (what an import does), and reports links per
// second; run both to compare:
//
//	go test -run '^$' -bench 'Apply' -benchtime 1x ./graph/neo4j
func BenchmarkApplyStream(b *testing.B) {
	s := neo4jtest.Open(b)
	nLinks := envInt("NEO4J_BENCH_LINKS", 100_000)
	batches := synthetic(nLinks, 5_000)
	stream := func(yield func(graph.Item, error) bool) {
		for _, bt := range batches {
			for it := range bt.Items() {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		if err := neo4jtest.Wipe(ctx, neo4jtest.Config()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.ApplyStream(ctx, iter.Seq2[graph.Item, error](stream), false)
		if err != nil {
			b.Fatal(err)
		}
		if res.Updated != 0 || res.Unchanged != 0 {
			b.Fatalf("stream result %+v", res)
		}
	}
	b.ReportMetric(float64(nLinks*b.N)/b.Elapsed().Seconds(), "links/s")
}
