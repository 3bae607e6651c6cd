package analysis

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// randomGraph builds a G(n, p) graph whose weights come from {0.5, 1, 2},
// so that sums of 1/Weight are exact and ties are real ties. Keys are
// shuffled so that key order differs from index order.
func randomGraph(seed uint64, n int, p float64, directed bool) *Graph {
	r := rand.New(rand.NewPCG(seed, 7))
	b := NewBuilder(directed)
	for _, i := range r.Perm(n) {
		b.Node(fmt.Sprintf("k%02d", i))
	}
	link := int32(0)
	for u := range n {
		for v := range n {
			if u == v || (!directed && v < u) || r.Float64() >= p {
				continue
			}
			b.Edge(int32(u), int32(v), []float64{0.5, 1, 2}[r.IntN(3)], link)
			link++
		}
	}
	return b.Build()
}

// allSimplePaths enumerates every simple s–t path by depth-first search,
// skipping avoided nodes and untraversable edges.
func allSimplePaths(g *Graph, s, t int32, opt PathOptions) []Path {
	var out []Path
	on := make([]bool, g.N())
	for _, v := range opt.Avoid {
		on[v] = true
	}
	if on[s] || on[t] {
		return nil
	}
	var nodes, edges []int32
	var dfs func(v int32)
	dfs = func(v int32) {
		nodes = append(nodes, v)
		on[v] = true
		if v == t {
			if opt.MaxHops <= 0 || len(edges) <= opt.MaxHops {
				out = append(out, Path{Nodes: slices.Clone(nodes), Edges: slices.Clone(edges), Cost: pathCost(g, edges, opt.Weighted)})
			}
		} else {
			adj, edg := g.Out(v)
			for i, w := range adj {
				if !on[w] && edgeCost(g, edg[i], opt.Weighted) < 1e300 {
					edges = append(edges, edg[i])
					dfs(w)
					edges = edges[:len(edges)-1]
				}
			}
		}
		on[v] = false
		nodes = nodes[:len(nodes)-1]
	}
	dfs(s)
	rank := keyRanks(g)
	slices.SortFunc(out, func(a, b Path) int { return comparePaths(a, b, rank) })
	return out
}

func pathKeys(g *Graph, ps []Path) [][]string {
	out := [][]string{}
	for _, p := range ps {
		ks := []string{}
		for _, v := range p.Nodes {
			ks = append(ks, g.Keys[v])
		}
		out = append(out, ks)
	}
	return out
}

// checkPath verifies that p is a simple path from s to t along real edges
// with the stated cost.
func checkPath(t *testing.T, g *Graph, p Path, s, d int32, weighted bool) {
	t.Helper()
	if len(p.Nodes) != len(p.Edges)+1 || p.Nodes[0] != s || p.Nodes[len(p.Nodes)-1] != d {
		t.Fatalf("malformed path %v", p)
	}
	seen := map[int32]bool{}
	for i, v := range p.Nodes {
		if seen[v] {
			t.Fatalf("path %v repeats node %d", p.Nodes, v)
		}
		seen[v] = true
		if i == 0 {
			continue
		}
		e := g.Edges[p.Edges[i-1]]
		u := p.Nodes[i-1]
		if !(e.U == u && e.V == v) && (g.Directed || !(e.U == v && e.V == u)) {
			t.Fatalf("edge %d does not join %d and %d", p.Edges[i-1], u, v)
		}
	}
	if got, want := p.Cost, pathCost(g, p.Edges, weighted); got != want {
		t.Fatalf("cost %v, want %v", got, want)
	}
}

// TestKShortestPathsBruteForce checks that Yen returns exactly the first k
// simple paths in the path order, on random graphs with many ties.
func TestKShortestPathsBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(60) {
		directed := seed%2 == 1
		g := randomGraph(seed, 9, 0.35, directed)
		for _, opt := range []PathOptions{{}, {Weighted: true}, {MaxHops: 3}, {Weighted: true, MaxHops: 3}, {Avoid: []int32{4}}, {Weighted: true, Avoid: []int32{2, 5}, MaxHops: 4},
			{Via: []int32{4}}, {Weighted: true, Via: []int32{5, 3}}, {Via: []int32{3, 3}, MaxHops: 4}} {
			for s := int32(0); s < 3; s++ {
				for d := int32(6); d < 9; d++ {
					var all []Path
					for _, p := range allSimplePaths(g, s, d, PathOptions{Weighted: opt.Weighted, Avoid: opt.Avoid, MaxHops: opt.MaxHops}) {
						if stops, _ := viaStops(opt.Via); visits(p.Nodes, stops) {
							all = append(all, p)
						}
					}
					k := 15
					got, err := KShortestPaths(ctx, g, s, d, k, opt)
					if err != nil {
						t.Fatal(err)
					}
					want := all[:min(k, len(all))]
					if diff := cmp.Diff(pathKeys(g, want), pathKeys(g, got)); diff != "" {
						t.Fatalf("seed %d %+v %d→%d: paths differ (-want +got):\n%s", seed, opt, s, d, diff)
					}
					for i, p := range got {
						checkPath(t, g, p, s, d, opt.Weighted)
						if compareCost(p.Cost, want[i].Cost) != 0 {
							t.Fatalf("cost %v, want %v", p.Cost, want[i].Cost)
						}
					}
					if len(opt.Via) > 0 {
						continue // ShortestPath's via is checked by TestShortestPathVia
					}
					sp, err := ShortestPath(ctx, g, s, d, opt)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(pathKeys(g, want[:min(1, len(want))]), pathKeys(g, nonEmpty(sp))); diff != "" {
						t.Fatalf("seed %d %+v %d→%d: ShortestPath differs (-want +got):\n%s", seed, opt, s, d, diff)
					}
				}
			}
		}
	}
}

func nonEmpty(p Path) []Path {
	if p.Nodes == nil {
		return nil
	}
	return []Path{p}
}

// TestShortestPathVia checks via-paths against brute force: on these small
// graphs the branch and bound always finishes, so the answer must be a
// cheapest simple path through via.
func TestShortestPathVia(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(200) {
		g := randomGraph(seed, 9, 0.3, seed%2 == 1)
		for _, weighted := range []bool{false, true} {
			for s := int32(0); s < 3; s++ {
				for d := int32(6); d < 9; d++ {
					via := int32(4)
					opt := PathOptions{Weighted: weighted, Via: []int32{via}}
					got, err := ShortestPath(ctx, g, s, d, opt)
					if err != nil {
						t.Fatal(err)
					}
					var through []Path
					for _, p := range allSimplePaths(g, s, d, PathOptions{Weighted: weighted}) {
						if slices.Contains(p.Nodes, via) {
							through = append(through, p)
						}
					}
					if (got.Nodes == nil) != (len(through) == 0) || got.Nodes != nil && compareCost(got.Cost, through[0].Cost) != 0 {
						t.Fatalf("seed %d weighted %v %d→%d via %d: got %v cost %v, want %v", seed, weighted, s, d, via, got.Nodes, got.Cost, pathKeys(g, through[:min(1, len(through))]))
					}
					if got.Nodes == nil {
						continue
					}
					checkPath(t, g, got, s, d, weighted)
					if !slices.Contains(got.Nodes, via) {
						t.Fatalf("path %v misses via %d", got.Nodes, via)
					}
					if len(through) == 0 {
						t.Fatalf("found %v but brute force has none", got.Nodes)
					}
				}
			}
		}
	}
}

func TestPathErrors(t *testing.T) {
	ctx := context.Background()
	g := randomGraph(1, 6, 0.5, false)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"ErrSameEndpoints", func() error { _, err := ShortestPath(ctx, g, 2, 2, PathOptions{}); return err }, ErrSameEndpoints},
		{"ErrNoNode", func() error { _, err := ShortestPath(ctx, g, 2, 99, PathOptions{}); return err }, ErrNoNode},
		{"NilGraph", func() error { _, err := KShortestPaths(ctx, nil, 0, 1, 3, PathOptions{}); return err }, ErrNoNode},
		{"NegativeNode", func() error { _, err := KShortestPaths(ctx, g, -1, 1, 3, PathOptions{}); return err }, ErrNoNode},
		{"ViaOutOfRange", func() error { _, err := ShortestPath(ctx, g, 0, 1, PathOptions{Via: []int32{77}}); return err }, ErrNoNode},
		{"AllViaRejected", func() error { _, err := AllShortestPaths(ctx, g, 0, 1, PathOptions{Via: []int32{2}}, 3); return err }, ErrOption},
		{"KViaOutOfRange", func() error { _, err := KShortestPaths(ctx, g, 0, 1, 3, PathOptions{Via: []int32{-2}}); return err }, ErrNoNode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.run(); !errors.Is(got, tt.want) {
				t.Errorf("error %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPathsDeadline checks that a search on a big graph stops with the
// context's error once the deadline has passed.
func TestPathsDeadline(t *testing.T) {
	n := 200000
	b := NewBuilder(false)
	for i := range n {
		b.Node(fmt.Sprint(i))
	}
	for i := range n - 1 {
		b.Edge(int32(i), int32(i+1), 1, -1)
	}
	g := b.Build()
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done() // the deadline has passed: wait for it rather than sleep
	if _, err := ShortestPath(ctx, g, 0, int32(n-1), PathOptions{Weighted: true}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("weighted: error %v, want deadline exceeded", err)
	}
	s, d := int32(0), int32(n-1)
	searches := map[string]func() error{
		"KShortestPaths":   func() error { _, err := KShortestPaths(ctx, g, s, d, 5, PathOptions{}); return err },
		"AllShortestPaths": func() error { _, err := AllShortestPaths(ctx, g, s, d, PathOptions{}, 5); return err },
		"AllWeighted":      func() error { _, err := AllShortestPaths(ctx, g, s, d, PathOptions{Weighted: true}, 5); return err },
		"Introducers":      func() error { _, err := Introducers(ctx, g, s, d, PathOptions{}); return err },
		"TimeRespecting":   func() error { _, err := TimeRespectingPath(ctx, g, s, d, nil, TimeOptions{}); return err },
		"Resilience":       func() error { _, err := Resilience(ctx, g, s, d); return err },
		"Reach":            func() error { _, err := Reach(ctx, g, s, -1); return err },
		"Neighbourhood":    func() error { _, err := Neighbourhood(ctx, g, s, n); return err },
		"Via":              func() error { _, err := ShortestPath(ctx, g, s, d, PathOptions{Via: []int32{5000}}); return err },
	}
	for name, run := range searches {
		if err := run(); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: error %v, want deadline exceeded", name, err)
		}
	}
}

// TestAllShortestPathsCountsWithoutListing uses a chain of 40 diamonds:
// 2⁴⁰ shortest paths, counted exactly; listing them all is stopped by the
// deadline.
func TestAllShortestPathsCountsWithoutListing(t *testing.T) {
	b := NewBuilder(false)
	prev := b.Node("n0")
	for i := range 40 {
		l, r, next := b.Node(fmt.Sprint("l", i)), b.Node(fmt.Sprint("r", i)), b.Node(fmt.Sprint("n", i+1))
		for _, e := range [][2]int32{{prev, l}, {prev, r}, {l, next}, {r, next}} {
			b.Edge(e[0], e[1], 1, -1)
		}
		prev = next
	}
	g := b.Build()
	s, d := g.Index("n0"), g.Index("n40")
	all, err := AllShortestPaths(context.Background(), g, s, d, PathOptions{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if all.Count != 1<<40 || all.Cost != 80 || len(all.Paths) != 3 {
		t.Errorf("count %v cost %v paths %d, want 2^40, 80, 3", all.Count, all.Cost, len(all.Paths))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := AllShortestPaths(ctx, g, s, d, PathOptions{}, 1<<40); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("listing 2^40 paths: error %v, want deadline exceeded", err)
	}
	in, err := Introducers(context.Background(), g, s, d, PathOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 119 || in[0].Share != 1 || in[len(in)-1].Share != 0.5 {
		t.Errorf("introducers %d, first %+v, last %+v", len(in), in[0], in[len(in)-1])
	}
}

// TestPathsConcurrent runs searches on one snapshot from many goroutines,
// as the service does, and expects the sequential answers.
func TestPathsConcurrent(t *testing.T) {
	ctx := context.Background()
	graphs := []*Graph{randomGraph(5, 30, 0.15, false), randomGraph(6, 12, 0.3, true)}
	want := map[[3]int][][]string{}
	for gi, g := range graphs {
		for s := range 4 {
			ps, err := KShortestPaths(ctx, g, int32(s), int32(g.N()-1), 8, PathOptions{Weighted: s%2 == 0})
			if err != nil {
				t.Fatal(err)
			}
			want[[3]int{gi, s}] = pathKeys(g, ps)
		}
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				gi, s := (w+i)%2, i%4
				g := graphs[gi]
				ps, err := KShortestPaths(ctx, g, int32(s), int32(g.N()-1), 8, PathOptions{Weighted: s%2 == 0})
				if err != nil {
					t.Error(err)
					return
				}
				if diff := cmp.Diff(want[[3]int{gi, s}], pathKeys(g, ps)); diff != "" {
					t.Errorf("graph %d from %d: (-want +got):\n%s", gi, s, diff)
					return
				}
			}
		})
	}
	wg.Wait()
}
