package analysis

import (
	"context"
	"errors"
	"math"
	"math/bits"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// connectedWithout reports whether t is reachable from s when the nodes in
// mask (a bit set) and, if cut, the edge between s and t are removed.
func connectedWithout(g *Graph, s, t int32, mask uint64, cut bool) bool {
	seen := map[int32]bool{s: true}
	q := []int32{s}
	for len(q) > 0 {
		v := q[0]
		q = q[1:]
		adj, _ := g.Out(v)
		for _, w := range adj {
			if seen[w] || mask>>uint(w)&1 == 1 || cut && v == s && w == t {
				continue
			}
			if w == t {
				return true
			}
			seen[w] = true
			q = append(q, w)
		}
	}
	return false
}

// bruteConnectivity is networkx's local node connectivity by Menger's
// theorem: the smallest node set separating s from t, plus one for an s–t
// edge.
func bruteConnectivity(g *Graph, s, t int32) int {
	adjacent := slices.Contains(func() []int32 { a, _ := g.Out(s); return a }(), t)
	extra := 0
	if adjacent {
		extra = 1
	}
	if !connectedWithout(g, s, t, 0, adjacent) {
		return extra
	}
	best := g.N()
	for mask := uint64(0); mask < 1<<uint(g.N()); mask++ {
		if mask>>uint(s)&1 == 1 || mask>>uint(t)&1 == 1 || bits.OnesCount64(mask) >= best {
			continue
		}
		if !connectedWithout(g, s, t, mask, adjacent) {
			best = bits.OnesCount64(mask)
		}
	}
	return best + extra
}

func TestResilienceBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(60) {
		g := randomGraph(seed, 9, 0.25+float64(seed%4)*0.1, seed%2 == 1)
		for s := int32(0); s < 3; s++ {
			for d := int32(5); d < 9; d++ {
				c, err := Resilience(ctx, g, s, d)
				if err != nil {
					t.Fatal(err)
				}
				if want := bruteConnectivity(g, s, d); c.Independent != want {
					t.Fatalf("seed %d %d→%d: connectivity %d, want %d", seed, s, d, c.Independent, want)
				}
				plCheckDisjoint(t, g, s, d, c)
				var want []int32
				if connectedWithout(g, s, d, 0, false) && c.Independent == 1 && c.Paths[0].Hops() > 1 {
					for _, v := range c.Paths[0].Nodes[1 : len(c.Paths[0].Nodes)-1] {
						if !connectedWithout(g, s, d, 1<<uint(v), false) {
							want = append(want, v)
						}
					}
				}
				if diff := cmp.Diff(want, c.Critical); diff != "" {
					t.Fatalf("seed %d %d→%d: critical (-want +got):\n%s", seed, s, d, diff)
				}
			}
		}
	}
}

func TestAllShortestPathsBruteForce(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(60) {
		g := randomGraph(seed, 9, 0.4, seed%2 == 1)
		rank := keyRanks(g)
		for _, opt := range []PathOptions{{}, {Weighted: true}, {Avoid: []int32{3}}, {MaxHops: 2}} {
			for s := int32(0); s < 3; s++ {
				for d := int32(5); d < 9; d++ {
					all := allSimplePaths(g, s, d, PathOptions{Weighted: opt.Weighted, Avoid: opt.Avoid})
					var short []Path
					for _, p := range all {
						if p.Cost == all[0].Cost {
							short = append(short, p)
						}
					}
					if opt.MaxHops > 0 && len(short) > 0 && short[0].Hops() > opt.MaxHops {
						short = nil
					}
					slices.SortFunc(short, func(a, b Path) int { return compareSeq(a.Nodes, b.Nodes, rank) })
					got, err := AllShortestPaths(ctx, g, s, d, opt, 3)
					if err != nil {
						t.Fatal(err)
					}
					if got.Count != float64(len(short)) {
						t.Fatalf("seed %d %+v %d→%d: count %v, want %d", seed, opt, s, d, got.Count, len(short))
					}
					if diff := cmp.Diff(pathKeys(g, short[:min(3, len(short))]), pathKeys(g, got.Paths)); diff != "" {
						t.Fatalf("seed %d %+v %d→%d: paths (-want +got):\n%s", seed, opt, s, d, diff)
					}
					through := map[int32]float64{}
					for _, p := range short {
						for _, v := range p.Nodes[1 : len(p.Nodes)-1] {
							through[v] += 1 / float64(len(short))
						}
					}
					in, err := Introducers(ctx, g, s, d, opt)
					if err != nil {
						t.Fatal(err)
					}
					gotIn := map[int32]float64{}
					for i, x := range in {
						gotIn[x.Node] = x.Share
						if i > 0 && x.Share > in[i-1].Share {
							t.Fatalf("introducers not ranked: %v", in)
						}
					}
					if diff := cmp.Diff(through, gotIn, cmp.Comparer(refClose)); diff != "" {
						t.Fatalf("seed %d %+v %d→%d: introducers (-want +got):\n%s", seed, opt, s, d, diff)
					}
				}
			}
		}
	}
}

func TestReachAndNeighbourhood(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(30) {
		g := randomGraph(seed, 12, 0.2, seed%2 == 1)
		for s := int32(0); s < 4; s++ {
			full, err := Reach(ctx, g, s, -1)
			if err != nil {
				t.Fatal(err)
			}
			for _, hops := range []int{0, 1, 2} {
				ego, err := Neighbourhood(ctx, g, s, hops)
				if err != nil {
					t.Fatal(err)
				}
				var want []int32
				for i, v := range full.Nodes {
					if int(full.Dist[i]) <= hops {
						want = append(want, v)
					}
				}
				if diff := cmp.Diff(want, ego.Nodes); diff != "" {
					t.Fatalf("seed %d: nodes (-want +got):\n%s", seed, diff)
				}
				var edges []int32
				for i, e := range g.Edges {
					if slices.Contains(want, e.U) && slices.Contains(want, e.V) {
						edges = append(edges, int32(i))
					}
				}
				if diff := cmp.Diff(edges, ego.Edges); diff != "" {
					t.Fatalf("seed %d: edges (-want +got):\n%s", seed, diff)
				}
			}
			for i, v := range full.Nodes {
				if v == s {
					continue
				}
				p, _ := ShortestPath(ctx, g, s, v, PathOptions{})
				if p.Hops() != int(full.Dist[i]) {
					t.Fatalf("seed %d: distance %d, shortest path %d", seed, full.Dist[i], p.Hops())
				}
			}
		}
	}
}

// TestPathsOddInputs runs every search on degenerate graphs and options:
// nothing may panic, and errors are the documented ones.
func TestPathsOddInputs(t *testing.T) {
	ctx := context.Background()
	b := NewBuilder(false)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		b.Node(k)
	}
	for i, w := range []float64{math.NaN(), 0, -1, math.Inf(1), 1e-300, 1e300} {
		b.Edge(int32(i%5), int32((i+1)%5), w, int32(i))
	}
	b.Edge(2, 2, 1, 9)
	odd := b.Build()
	single := NewBuilder(true)
	single.Node("x")
	graphs := []*Graph{odd, single.Build(), NewBuilder(false).Build(), randomGraph(3, 9, 0.5, true)}
	opts := []PathOptions{{}, {Weighted: true}, {MaxHops: -3}, {MaxHops: 1, Weighted: true}, {Avoid: []int32{-1, 99, 2}},
		{Via: []int32{1, 1, 3}}, {Via: []int32{0}}, {Via: []int32{2}, Avoid: []int32{2}}}
	for gi, g := range graphs {
		for s := int32(-1); s <= int32(g.N()); s++ {
			for d := int32(-1); d <= int32(g.N()); d++ {
				for _, opt := range opts {
					_, err1 := ShortestPath(ctx, g, s, d, opt)
					_, err2 := KShortestPaths(ctx, g, s, d, 100, opt)
					_, err3 := AllShortestPaths(ctx, g, s, d, opt, 10)
					_, err4 := Introducers(ctx, g, s, d, opt)
					_, err5 := TimeRespectingPath(ctx, g, s, d, IntervalSlice([]Interval{{5, 1}}), TimeOptions{Avoid: opt.Avoid, MaxHops: opt.MaxHops})
					_, err6 := Resilience(ctx, g, s, d)
					for _, err := range []error{err1, err2, err3, err4, err5, err6} {
						if err != nil && !errors.Is(err, ErrNoNode) && !errors.Is(err, ErrSameEndpoints) && !errors.Is(err, ErrOption) {
							t.Fatalf("graph %d %d→%d %+v: unexpected error %v", gi, s, d, opt, err)
						}
					}
				}
			}
			_, _ = Reach(ctx, g, s, 2)
			_, _ = Neighbourhood(ctx, g, s, -1)
		}
	}
	// Weighted searches cross only edges with a finite positive weight.
	p, _ := ShortestPath(ctx, odd, 1, 2, PathOptions{Weighted: true})
	if p.Nodes != nil {
		t.Errorf("crossed an edge of weight 0, -1 or +Inf: %v", p.Nodes)
	}
	p, _ = ShortestPath(ctx, odd, 4, 0, PathOptions{Weighted: true})
	if w := 1e-300; p.Hops() != 1 || p.Cost != 1/w {
		t.Errorf("path %v cost %v, want the edge of weight 1e-300", p.Nodes, p.Cost)
	}
}
