package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
)

// The centReference tests (centrality_ref_test.go) compare with networkx on the
// shared centDatasets; these compare with a brute-force definition on small
// random graphs built to stress ties, twins, leaves and disconnection, and
// check the edge cases.

// centRandomGraph returns a graph on n nodes with about m random links, a few
// isolated nodes, pendant leaves and cliques (twins), and weights 1, 2 or 4
// (lengths 1, 1/2, 1/4: sums are exact in float64, so many paths tie).
func centRandomGraph(seed uint64, n, m int, directed bool) *Graph {
	r := rand.New(rand.NewPCG(seed, 7))
	b := NewBuilder(directed)
	for i := range n {
		b.Node(fmt.Sprintf("n%02d", i))
	}
	w := func() float64 { return []float64{1, 2, 4}[r.IntN(3)] }
	core := n * 2 / 3
	for range m {
		u, v := int32(r.IntN(core)), int32(r.IntN(core))
		b.Edge(u, v, w(), -1)
	}
	// A clique of 4 among the rest (closed twins), leaves hanging off core
	// nodes (open twins when they share one), and a self-loop.
	c := int32(core)
	for i := c; i < c+4 && int(i) < n; i++ {
		for j := c; j < i; j++ {
			b.Edge(i, j, 1, -1)
			b.Edge(j, i, 1, -1)
		}
	}
	if int(c)+4 < n {
		b.Edge(c, 0, 2, -1)
	}
	for i := c + 5; int(i) < n-2; i++ {
		b.Edge(int32(r.IntN(3)), i, w(), -1)
	}
	b.Edge(1, 1, 1, -1)
	return b.Build()
}

// centBruteBetweenness computes raw node and edge betweenness summed over
// ordered pairs (s, t) with s in sources, from all-pairs distances and path
// counts (Floyd–Warshall), straight from the definition.
func centBruteBetweenness(g *Graph, weighted bool, sources []int32) (bc, eb []float64) {
	n := g.N()
	inf := math.Inf(1)
	d := make([][]float64, n)
	for i := range d {
		d[i] = make([]float64, n)
		for j := range d[i] {
			d[i][j] = inf
		}
		d[i][i] = 0
	}
	length := func(e int32) float64 {
		if weighted {
			return 1 / g.Edges[e].Weight
		}
		return 1
	}
	for v := range int32(n) {
		adj, edg := g.Out(v)
		for i, u := range adj {
			d[v][u] = min(d[v][u], length(edg[i]))
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				d[i][j] = min(d[i][j], d[i][k]+d[k][j])
			}
		}
	}
	// σ_st by dynamic programming over t in order of distance from s.
	sigma := make([][]float64, n)
	for s := range n {
		sigma[s] = make([]float64, n)
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return centCmpFloat(d[s][a], d[s][b]) })
		sigma[s][s] = 1
		for _, t := range order {
			if t == int32(s) || math.IsInf(d[s][t], 1) {
				continue
			}
			adj, edg := g.In(t)
			for i, u := range adj {
				if d[s][u]+length(edg[i]) == d[s][t] {
					sigma[s][t] += sigma[s][u]
				}
			}
		}
	}
	bc, eb = make([]float64, n), make([]float64, len(g.Edges))
	for _, s := range sources {
		for t := range n {
			if t == int(s) || math.IsInf(d[s][t], 1) {
				continue
			}
			for v := range n {
				if v != int(s) && v != t && d[s][v]+d[v][t] == d[s][t] {
					bc[v] += sigma[s][v] * sigma[v][t] / sigma[s][t]
				}
			}
			for e, ed := range g.Edges {
				ends := [][2]int32{{ed.U, ed.V}}
				if !g.Directed {
					ends = append(ends, [2]int32{ed.V, ed.U})
				}
				for _, uv := range ends {
					u, v := uv[0], uv[1]
					if d[s][u]+length(int32(e))+d[v][t] == d[s][t] {
						eb[e] += sigma[s][u] * sigma[v][t] / sigma[s][t]
					}
				}
			}
		}
	}
	return bc, eb
}

func centCmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func centAllNodes(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

func centCompareSlices(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !refClose(got[i], want[i]) {
			t.Errorf("%s[%d]: got %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

// centScaled applies the documented normalisation to brute-force raw sums.
func centScaled(g *Graph, bc, eb []float64, normalized bool, sources []int32) ([]float64, []float64) {
	n, k := float64(g.N()), float64(len(sources))
	isSrc := make([]bool, g.N())
	for _, s := range sources {
		isSrc[s] = true
	}
	corr := 2.0
	if g.Directed {
		corr = 1
	}
	exact := len(sources) == g.N()
	b2, e2 := slices.Clone(bc), slices.Clone(eb)
	for v := range b2 {
		switch {
		case n <= 2:
		case normalized && exact:
			b2[v] /= (n - 1) * (n - 2)
		case exact:
			b2[v] /= corr
		case normalized && isSrc[v]:
			b2[v] /= (k - 1) * (n - 2)
		case normalized:
			b2[v] /= k * (n - 2)
		case isSrc[v]:
			b2[v] *= (n - 1) / ((k - 1) * corr)
		default:
			b2[v] *= (n - 1) / (k * corr)
		}
	}
	for e := range e2 {
		switch {
		case n < 2:
		case normalized:
			e2[e] /= k * (n - 1)
		default:
			e2[e] *= n / (k * corr)
		}
	}
	return b2, e2
}

func TestBetweennessBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(6) {
		for _, directed := range []bool{false, true} {
			g := centRandomGraph(seed, 24, 30, directed)
			for _, weighted := range []bool{false, true} {
				for _, normalized := range []bool{false, true} {
					name := fmt.Sprintf("seed=%d/directed=%v/weighted=%v/normalized=%v", seed, directed, weighted, normalized)
					t.Run(name, func(t *testing.T) {
						for _, src := range [][]int32{centAllNodes(g.N()), {0, 3, 5, 17, 20}} {
							rawB, rawE := centBruteBetweenness(g, weighted, src)
							wantB, wantE := centScaled(g, rawB, rawE, normalized, src)
							opt := BetweennessOptions{Weighted: weighted, Normalized: normalized, Workers: 3}
							if len(src) < g.N() {
								opt.Sources = src
							}
							gotB, err := Betweenness(ctx, g, opt)
							if err != nil {
								t.Fatal(err)
							}
							centCompareSlices(t, fmt.Sprintf("betweenness (%d sources)", len(src)), gotB, wantB)
							gotE, err := EdgeBetweenness(ctx, g, opt)
							if err != nil {
								t.Fatal(err)
							}
							centCompareSlices(t, fmt.Sprintf("edge betweenness (%d sources)", len(src)), gotE, wantE)
						}
					})
				}
			}
		}
	}
}

// TestBetweennessFolding checks that skipping twins' and leaves' searches
// (exact, undirected, unweighted) changes nothing: giving every node as a
// source takes the unfolded path.
func TestBetweennessFolding(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(20) {
		g := centRandomGraph(seed, 40, 35+int(seed), false)
		fold := newBCFold(g)
		skipped := 0
		for _, m := range fold.mult {
			if m == 0 {
				skipped++
			}
		}
		folded, err := Betweenness(ctx, g, BetweennessOptions{Normalized: true})
		if err != nil {
			t.Fatal(err)
		}
		plain, err := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Sources: centAllNodes(g.N())})
		if err != nil {
			t.Fatal(err)
		}
		centCompareSlices(t, fmt.Sprintf("seed %d (%d searches skipped)", seed, skipped), folded, plain)
	}
}

func TestFoldTwins(t *testing.T) {
	// A 4-clique {0,1,2,3} with 3 also tied to 4; 5 and 6 hang off 4
	// (leaves); 7 and 8 are open twins (both tied to 4 and 9); 10 is alone.
	b := NewBuilder(false)
	for i := range 11 {
		b.Node(fmt.Sprint(i))
	}
	for _, e := range [][2]int32{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 5}, {4, 6}, {7, 4}, {7, 9}, {8, 4}, {8, 9}} {
		b.Edge(e[0], e[1], 1, -1)
	}
	f := newBCFold(b.Build())
	want := []float64{3, 0, 0, 1, 3, 0, 0, 2, 0, 1, 0}
	if !slices.Equal(f.mult, want) {
		t.Errorf("mult: got %v, want %v", f.mult, want)
	}
	if f.leaves[4] != 2 {
		t.Errorf("leaves of 4: got %d, want 2", f.leaves[4])
	}
}

func TestBetweennessSampling(t *testing.T) {
	ctx := context.Background()
	g := centRandomGraph(3, 30, 50, false)
	exact, _ := Betweenness(ctx, g, BetweennessOptions{Normalized: true})
	t.Run("AllSamplesIsExact", func(t *testing.T) {
		got, err := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Samples: g.N(), Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		centCompareSlices(t, "k=n", got, exact)
	})
	t.Run("SameSeedSameResult", func(t *testing.T) {
		a, _ := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Samples: 7, Seed: 5})
		b, _ := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Samples: 7, Seed: 5, Workers: 1})
		c, _ := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Samples: 7, Seed: 6})
		centCompareSlices(t, "seed 5", a, b)
		if slices.Equal(a, c) {
			t.Error("seeds 5 and 6 gave the same estimate")
		}
	})
	t.Run("Unbiased", func(t *testing.T) {
		// The mean of many estimates approaches the exact values.
		const runs = 400
		mean := make([]float64, g.N())
		for seed := range uint64(runs) {
			est, err := Betweenness(ctx, g, BetweennessOptions{Normalized: true, Samples: 10, Seed: seed, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			for v, x := range est {
				mean[v] += x / runs
			}
		}
		for v := range mean {
			if math.Abs(mean[v]-exact[v]) > 0.02+0.15*exact[v] {
				t.Errorf("node %d: mean of estimates %.4f, exact %.4f", v, mean[v], exact[v])
			}
		}
	})
	t.Run("ErrBadOption", func(t *testing.T) {
		for _, opt := range []BetweennessOptions{{Samples: 1}, {Samples: -2}, {Sources: []int32{1, 1}}, {Sources: []int32{0, 99}}, {Sources: []int32{2}}} {
			if _, err := Betweenness(ctx, g, opt); !errors.Is(err, ErrBadOption) {
				t.Errorf("%+v: got %v, want ErrBadOption", opt, err)
			}
		}
	})
}

// centBruteHarmonic is Σ_{u≠v} 1/d(u,v) from Floyd–Warshall distances.
func centBruteHarmonic(g *Graph, weighted bool) []float64 {
	n := g.N()
	d := make([][]float64, n)
	for i := range d {
		d[i] = make([]float64, n)
		for j := range d[i] {
			d[i][j] = math.Inf(1)
		}
		d[i][i] = 0
	}
	for v := range int32(n) {
		adj, edg := g.Out(v)
		for i, u := range adj {
			l := 1.0
			if weighted {
				l = 1 / g.Edges[edg[i]].Weight
			}
			d[v][u] = min(d[v][u], l)
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				d[i][j] = min(d[i][j], d[i][k]+d[k][j])
			}
		}
	}
	h := make([]float64, n)
	for u := range n {
		for v := range n {
			if u != v {
				h[v] += 1 / d[u][v]
			}
		}
	}
	return h
}

func TestClosenessBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(5) {
		for _, directed := range []bool{false, true} {
			g := centRandomGraph(seed, 30, 45, directed)
			for _, weighted := range []bool{false, true} {
				got, err := Closeness(ctx, g, ClosenessOptions{Weighted: weighted, Workers: 2})
				if err != nil {
					t.Fatal(err)
				}
				centCompareSlices(t, fmt.Sprintf("seed=%d directed=%v weighted=%v", seed, directed, weighted), got, centBruteHarmonic(g, weighted))
			}
		}
	}
}

func TestDegree(t *testing.T) {
	b := NewBuilder(true)
	for _, k := range []string{"a", "b", "c"} {
		b.Node(k)
	}
	b.Edge(0, 1, 1, -1)
	b.Edge(0, 1, 3, -1) // merged
	b.Edge(1, 0, 1, -1)
	b.Edge(2, 2, 1, -1) // self-loop: 2, as networkx
	b.Edge(2, 2, 1, -1) // a second loop merges like a parallel edge
	got := Degree(b.Build())
	want := []float64{1, 1, 1} // (in+out)/(n-1): a 2/2, b 2/2, c 2/2
	centCompareSlices(t, "degree", got, want)
}

func centGraphOf(directed bool, n int, edges ...[2]int32) *Graph {
	b := NewBuilder(directed)
	for i := range n {
		b.Node(fmt.Sprint(i))
	}
	for _, e := range edges {
		b.Edge(e[0], e[1], 1, -1)
	}
	return b.Build()
}

func TestEigenvectorClosedForms(t *testing.T) {
	ctx := context.Background()
	tight := EigenvectorOptions{Tol: 1e-15, MaxIter: 100000}
	r3, r6 := 1/math.Sqrt(3), 1/math.Sqrt(6)
	for _, c := range []struct {
		name string
		g    *Graph
		want []float64
	}{
		{"Triangle", centGraphOf(false, 3, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{0, 2}), []float64{r3, r3, r3}},
		{"DirectedCycle", centGraphOf(true, 3, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{2, 0}), []float64{r3, r3, r3}},
		// Two triangles share the largest eigenvalue: the uniform start's projection.
		{"TwoTriangles", centGraphOf(false, 6, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{0, 2}, [2]int32{3, 4}, [2]int32{4, 5}, [2]int32{3, 5}), []float64{r6, r6, r6, r6, r6, r6}},
		// A triangle's λ=2 beats an edge's λ=1: the edge's nodes get 0.
		{"TriangleAndEdge", centGraphOf(false, 5, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{0, 2}, [2]int32{3, 4}), []float64{r3, r3, r3, 0, 0}},
		// Star K1,3: centre 1/√2, leaves 1/√6 (λ = √3).
		{"Star", centGraphOf(false, 4, [2]int32{0, 1}, [2]int32{0, 2}, [2]int32{0, 3}), []float64{1 / math.Sqrt2, r6, r6, r6}},
		{"NoEdges", centGraphOf(false, 4), []float64{0.5, 0.5, 0.5, 0.5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Eigenvector(ctx, c.g, tight)
			if err != nil {
				t.Fatal(err)
			}
			centCompareSlices(t, "eigenvector", got, c.want)
		})
	}
	t.Run("ErrNotConverged", func(t *testing.T) {
		path := centGraphOf(true, 4, [2]int32{0, 1}, [2]int32{1, 2}, [2]int32{2, 3})
		got, err := Eigenvector(ctx, path, EigenvectorOptions{MaxIter: 5})
		if !errors.Is(err, ErrNotConverged) || len(got) != 4 {
			t.Errorf("got %v, %v; want the last iterate and ErrNotConverged", got, err)
		}
	})
}

// TestSmallGraphs checks empty, one-, two- and three-node graphs: empty or
// zero results (networkx's degree 1 for a lone node), no NaN, no panic.
func TestSmallGraphs(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		g    *Graph
	}{
		{"Empty", centGraphOf(false, 0)},
		{"OneNode", centGraphOf(false, 1)},
		{"OneNodeLoop", centGraphOf(true, 1, [2]int32{0, 0})},
		{"TwoNodes", centGraphOf(false, 2)},
		{"OneEdge", centGraphOf(false, 2, [2]int32{0, 1})},
		{"OneArc", centGraphOf(true, 2, [2]int32{0, 1})},
		{"Path3", centGraphOf(false, 3, [2]int32{0, 1}, [2]int32{1, 2})},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := c.g
			results := map[string][]float64{"degree": Degree(g)}
			for _, opt := range []BetweennessOptions{{}, {Normalized: true}, {Weighted: true, Normalized: true}, {Samples: 2, Normalized: true}} {
				bc, err := Betweenness(ctx, g, opt)
				if err != nil {
					t.Fatalf("betweenness %+v: %v", opt, err)
				}
				eb, err := EdgeBetweenness(ctx, g, opt)
				if err != nil {
					t.Fatalf("edge betweenness %+v: %v", opt, err)
				}
				results[fmt.Sprintf("betweenness %+v", opt)] = bc
				results[fmt.Sprintf("edge betweenness %+v", opt)] = eb
			}
			for _, weighted := range []bool{false, true} {
				h, err := Closeness(ctx, g, ClosenessOptions{Weighted: weighted})
				if err != nil {
					t.Fatal(err)
				}
				results[fmt.Sprint("closeness weighted=", weighted)] = h
				// A DAG has no Perron vector: like networkx, power iteration
				// does not converge, but the iterate is still finite.
				x, err := Eigenvector(ctx, g, EigenvectorOptions{Weighted: weighted})
				if err != nil && !(errors.Is(err, ErrNotConverged) && c.name == "OneArc") {
					t.Fatal(err)
				}
				results[fmt.Sprint("eigenvector weighted=", weighted)] = x
			}
			for what, vals := range results {
				wantLen := g.N()
				if len(what) > 4 && what[:4] == "edge" {
					wantLen = len(g.Edges)
				}
				if len(vals) != wantLen {
					t.Errorf("%s: %d values, want %d", what, len(vals), wantLen)
				}
				for _, x := range vals {
					if math.IsNaN(x) || math.IsInf(x, 0) {
						t.Errorf("%s: %v", what, vals)
					}
				}
			}
		})
	}
	t.Run("Path3Values", func(t *testing.T) {
		g := centGraphOf(false, 3, [2]int32{0, 1}, [2]int32{1, 2})
		bc, _ := Betweenness(ctx, g, BetweennessOptions{Normalized: true})
		centCompareSlices(t, "betweenness", bc, []float64{0, 1, 0})
		raw, _ := Betweenness(ctx, g, BetweennessOptions{})
		centCompareSlices(t, "raw betweenness", raw, []float64{0, 1, 0})
		eb, _ := EdgeBetweenness(ctx, g, BetweennessOptions{Normalized: true})
		centCompareSlices(t, "edge betweenness", eb, []float64{2.0 / 3, 2.0 / 3})
		if d := Degree(centGraphOf(false, 1)); !slices.Equal(d, []float64{1}) {
			t.Errorf("degree of a lone node: got %v, want [1] (networkx)", d)
		}
	})
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := centRandomGraph(1, 30, 40, false)
	if _, err := Betweenness(ctx, g, BetweennessOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("betweenness: got %v, want context.Canceled", err)
	}
	if _, err := EdgeBetweenness(ctx, g, BetweennessOptions{Weighted: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("edge betweenness: got %v, want context.Canceled", err)
	}
	if _, err := Closeness(ctx, g, ClosenessOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("closeness: got %v, want context.Canceled", err)
	}
	if _, err := Eigenvector(ctx, g, EigenvectorOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("eigenvector: got %v, want context.Canceled", err)
	}
}

func TestErrBadWeight(t *testing.T) {
	ctx := context.Background()
	for _, w := range []float64{0, -1, math.Inf(1), math.NaN()} {
		b := NewBuilder(false)
		b.Edge(b.Node("a"), b.Node("b"), w, -1)
		g := b.Build()
		_, err1 := Betweenness(ctx, g, BetweennessOptions{Weighted: true})
		_, err2 := Closeness(ctx, g, ClosenessOptions{Weighted: true})
		_, err3 := Eigenvector(ctx, g, EigenvectorOptions{Weighted: true})
		for i, err := range []error{err1, err2, err3} {
			if !errors.Is(err, ErrBadWeight) {
				t.Errorf("weight %v, function %d: got %v, want ErrBadWeight", w, i, err)
			}
		}
		if _, err := Betweenness(ctx, g, BetweennessOptions{}); err != nil {
			t.Errorf("unweighted betweenness ignores weights: %v", err)
		}
	}
}

// TestWithWorkers: under WithWorkers(ctx, 1) a parallel computation runs
// on one goroutine whatever its options ask, with the same result.
func TestWithWorkers(t *testing.T) {
	var seen [8]atomic.Int64
	sum, err := centralitySum(WithWorkers(context.Background(), 1), 10_000, 8, 1, func(w, i int, acc []float64) {
		seen[w].Add(1)
		acc[0] += float64(i)
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen[0].Load() != 10_000 || sum[0] != 10_000*9_999/2 {
		t.Errorf("worker 0 ran %d of 10000 tasks, sum %v", seen[0].Load(), sum[0])
	}
}
