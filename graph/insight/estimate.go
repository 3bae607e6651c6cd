package insight

import (
	"context"
	"math"

	"github.com/partnergraph/partnergraph/graph/analysis"
)

// Method is how a whole-network result was computed.
type Method uint8

const (
	Exact          Method = iota // computed exactly
	SourceSampling               // betweenness from sampled sources (Brandes & Pich 2007), with a guarantee
	Kadabra                      // betweenness by KADABRA (Borassi & Natale 2016), with a guarantee
)

var methodNames = [...]string{Exact: "exact", SourceSampling: "source-sampling", Kadabra: "kadabra"}

// String returns the method's name, e.g. "source-sampling".
func (m Method) String() string { return methodNames[m] }

// Estimate says how a result was computed and, for an estimate, its
// guarantee: every normalised value within ±Epsilon of the exact one with
// probability at least 1 − Delta.
type Estimate struct {
	Method         Method
	Epsilon, Delta float64 // 0 when Exact
	Samples        int     // sources or paths sampled; 0 when Exact
}

// cost is the n·m that predicts the time of the whole-network measures
// (Brandes' betweenness is O(n·m)).
func cost(g *analysis.Graph) int64 { return int64(g.N()) * int64(len(g.Edges)) }

// estimateBetweenness estimates normalised betweenness with a guarantee:
// every value within ±ε of the exact one with probability at least 1 − δ.
// On an unweighted scope it runs KADABRA (Borassi & Natale 2016,
// analysis.BetweennessKadabra), which samples shortest paths and stops as
// soon as its bounds allow: on ca-HepTh at ε 0.01 about 21,000 paths, a
// fraction of a second. KADABRA counts hops, so a weighted scope samples
// source nodes instead (Brandes & Pich 2007, analysis.Betweenness with
// Samples), as many as Hoeffding's inequality with a union bound over the n
// nodes asks: a source adds at most n/(n−1) to a node's normalised value
// scaled by the sample, so k ≥ (n/(n−1))²·ln(2n/δ)/(2ε²) sources suffice
// (Hoeffding 1963 §6: the bound holds when sampling without replacement).
func estimateBetweenness(ctx context.Context, g *analysis.Graph, opt BackgroundOptions, weighted bool) ([]float64, Estimate, error) {
	if !weighted {
		v, e, err := analysis.BetweennessKadabra(ctx, g, analysis.KadabraOptions{
			Epsilon: opt.Epsilon, Delta: opt.Delta, Seed: opt.Seed, Normalized: true})
		return v, Estimate{Method: Kadabra, Epsilon: e.Epsilon, Delta: e.Delta, Samples: e.Samples}, err
	}
	n := g.N()
	k := sourcesFor(n, opt.Epsilon, opt.Delta)
	est := Estimate{Method: SourceSampling, Epsilon: opt.Epsilon, Delta: opt.Delta, Samples: k}
	if k >= n {
		est = Estimate{} // as many sources as nodes: exact
	}
	v, err := analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Weighted: weighted, Normalized: true, Samples: k, Seed: opt.Seed})
	return v, est, err
}

// sourcesFor returns the sources Hoeffding's bound asks for (see
// estimateBetweenness), at least 2 and at most n.
func sourcesFor(n int, epsilon, delta float64) int {
	if n < 3 {
		return n
	}
	r := float64(n) / float64(n-1)
	k := math.Ceil(r * r * math.Log(2*float64(n)/delta) / (2 * epsilon * epsilon))
	return int(min(max(k, 2), float64(n)))
}
