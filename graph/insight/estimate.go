package insight

import (
	"context"
	"math"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
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

// Scores returns m's value for every node of scope (groups by for
// Brokerage), as consistency asks: betweenness exactly when n·m is within
// the engine's ExactLimit, estimated with its guarantee beyond.
func (b *Background) Scores(ctx context.Context, scope graph.Scope, m Metric, by Group, c Consistency) (*Result[*Scores], error) {
	if m < Betweenness || m > DeclaredBrokerage {
		return nil, graph.Errorf(graph.EINVALID, "metric", "unknown metric %d", m)
	}
	key := metricKey{m: m}
	if m == Brokerage {
		key.by = by
	}
	return result(ctx, b, backgroundKey{scope.Key(), key}, scope, c, func(ctx context.Context, s *snapshot.Snapshot) (*Scores, Estimate, error) {
		if m == Betweenness && cost(s.G) > b.opt.ExactLimit {
			v, est, err := estimateBetweenness(ctx, s.G, b.opt, s.Scope.Weighted)
			if err != nil {
				return nil, est, userError(err)
			}
			return defined(v), est, nil
		}
		sc, err := Compute(ctx, s, m, by)
		return sc, Estimate{}, err
	})
}

// backgroundKey keys a Background job by scope and result.
type backgroundKey struct {
	scope  string
	result any
}

// Top ranks every actor of scope by m (groups by for Brokerage) and
// returns the first n, with the result they come from.
func (b *Background) Top(ctx context.Context, scope graph.Scope, m Metric, by Group, n int, c Consistency) ([]Ranked, *Result[*Scores], error) {
	res, err := b.Scores(ctx, scope, m, by, c)
	if err != nil {
		return nil, nil, err
	}
	rs := Rank(res.Snapshot, res.Value, m.Ascending(), allNodes(res.Snapshot))
	return rs[:min(n, len(rs))], res, nil
}

// Partition returns scope's communities as q asks, as consistency asks,
// with Info set.
func (b *Background) Partition(ctx context.Context, scope graph.Scope, q CommunityQuery, c Consistency) (*Partition, error) {
	res, err := result(ctx, b, backgroundKey{scope.Key(), communitiesKey{q}}, scope, c, func(ctx context.Context, s *snapshot.Snapshot) (*Partition, Estimate, error) {
		p, err := NewPartition(ctx, s, q)
		return p, Estimate{}, err
	})
	if err != nil {
		return nil, err
	}
	p := *res.Value // the kept partition is shared: Info is this answer's
	p.Info = &res.Info
	return &p, nil
}

// estimateBetweenness estimates normalised betweenness with a guarantee:
// every value within ±ε of the exact one with probability at least 1 − δ.
// It samples source nodes (Brandes & Pich 2007, analysis.Betweenness with
// Samples) as many as Hoeffding's inequality with a union bound over the n
// nodes asks: a source adds at most n/(n−1) to a node's normalised value
// scaled by the sample, so k ≥ (n/(n−1))²·ln(2n/δ)/(2ε²) sources suffice
// (Hoeffding 1963 §6: the bound holds when sampling without replacement).
// KADABRA (Borassi & Natale 2016, analysis.BetweennessKadabra) gives the
// same guarantee from far fewer samples and takes this function's place.
func estimateBetweenness(ctx context.Context, g *analysis.Graph, opt BackgroundOptions, weighted bool) ([]float64, Estimate, error) {
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
