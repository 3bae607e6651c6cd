package analysis

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortEdges checks the counting sort Build uses against one comparison
// sort on the same total order, on random edges with many parallel edges
// and equal weights, so every tie-break is exercised.
func TestSortEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 100} {
		edges := make([]rawEdge, 5000)
		for i := range edges {
			edges[i] = rawEdge{u: rng.Int32N(int32(n)), v: rng.Int32N(int32(n)), w: float64(rng.IntN(3)), link: int32(i), seq: int32(i)}
		}
		want := slices.Clone(edges)
		slices.SortStableFunc(want, func(x, y rawEdge) int {
			return cmp.Or(cmp.Compare(x.u, y.u), cmp.Compare(x.v, y.v), cmp.Compare(y.w, x.w))
		})
		if got := sortEdges(n, edges); !slices.Equal(got, want) {
			t.Fatalf("n=%d: sortEdges differs from a stable sort by (u, v, weight descending)", n)
		}
	}
}
