package analysis_test

import (
	"context"
	"testing"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// BenchmarkCommunities times Leiden (until stable, and 2 iterations as
// igraph's and leidenalg's default) and Louvain on ca-hepth (unweighted, a
// new seed each run, compute only). scripts/bench-communities runs it next to
// networkx's louvain_communities and igraph's community_leiden and prints
// the ratios.
func BenchmarkCommunities(b *testing.B) {
	g, err := netfile.LoadGraph(testnet.Path(b, "ca-hepth.txt"), false, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  analysis.CommunityOptions
	}{
		{"leiden", analysis.CommunityOptions{Algorithm: analysis.Leiden}},
		{"leiden2", analysis.CommunityOptions{Algorithm: analysis.Leiden, Iterations: 2}},
		{"louvain", analysis.CommunityOptions{Algorithm: analysis.Louvain}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var seed uint64
			var q float64
			for b.Loop() {
				opt := c.opt
				opt.Seed = seed
				res, err := analysis.Communities(context.Background(), g, opt)
				if err != nil {
					b.Fatal(err)
				}
				q += res.Modularity
				seed++
			}
			b.ReportMetric(q/float64(seed), "modularity")
		})
	}
}
