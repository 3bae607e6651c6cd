package analysis_test

import (
	"context"
	"flag"
	"testing"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

var communitiesFile = flag.String("communities.file", "", "the network BenchmarkCommunities partitions (an edge list; default testdata's ca-hepth)")

// BenchmarkCommunities times Leiden (until stable, and 2 iterations as
// igraph's and leidenalg's default) and Louvain on ca-hepth, or on the
// network -communities.file names (unweighted, a new seed each run, compute
// only), reporting CPU time per run (cpu-ns/op) beside wall time.
// scripts/bench-communities runs it next to networkx's louvain_communities
// and igraph's community_leiden and prints the ratios.
func BenchmarkCommunities(b *testing.B) {
	path := *communitiesFile
	if path == "" {
		path = testnet.Path(b, "ca-hepth.txt")
	}
	g, err := netfile.LoadGraph(path, false, false)
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
			cpu0, cpuOK := cpuTime()
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
			if cpu1, ok := cpuTime(); cpuOK && ok {
				b.ReportMetric(float64(cpu1-cpu0)/float64(seed), "cpu-ns/op")
			}
		})
	}
}
