package analysis

import (
	"context"
	"fmt"
	"math"
)

// ClosenessOptions configures Closeness.
type ClosenessOptions struct {
	// Weighted measures paths by length 1/Weight instead of hops.
	Weighted bool
	// Workers bounds parallelism; 0 means runtime.GOMAXPROCS(0). The
	// result is the same, bit for bit, for any number of workers.
	Workers int
}

// Closeness returns the harmonic closeness centrality of every node, as
// networkx's harmonic_centrality computes it (raw, not normalised):
//
//	H(v) = Σ_{u≠v} 1/d(u, v)
//
// with 1/∞ = 0, so it is defined on disconnected graphs (M. Marchiori &
// V. Latora, "Harmony in the small-world", Physica A 285, 2000; P. Boldi &
// S. Vigna, "Axioms for centrality", Internet Mathematics 10, 2014). On a
// directed graph d(u, v) is the distance from u to v, so H(v) measures how
// easily v is reached (networkx sums 1/d over paths *to* v). Divide by n-1
// for values in [0, 1]. Weighted distances use the length 1/Weight.
//
// Each node is one search, over in-edges from v; work is split by node
// across Workers goroutines and ctx is checked before every node.
// Each node's sum is computed by one search in a fixed order, so the result
// does not depend on the number of workers or their scheduling.
func Closeness(ctx context.Context, g *Graph, opt ClosenessOptions) ([]float64, error) {
	n := g.N()
	var lens []float64
	if opt.Weighted {
		var err error
		if lens, err = centralityLengths(g, g.InEdg); err != nil {
			return nil, fmt.Errorf("closeness: %w", err)
		}
	}
	h := make([]float64, n)
	workers := centralityWorkers(opt.Workers, n)
	ws := make([]*harmonicWorker, workers)
	for w := range ws {
		ws[w] = newHarmonicWorker(g, lens)
	}
	err := centralityRun(ctx, n, workers, func(w, v int) {
		h[v] = ws[w].harmonic(int32(v))
	})
	if err != nil {
		return nil, fmt.Errorf("closeness: %w", err)
	}
	return h, nil
}

// harmonicWorker holds one goroutine's search buffers.
type harmonicWorker struct {
	g     *Graph
	lens  []float64 // length of each in-adjacency entry; nil for hops
	inv   []float64 // inv[d] = 1/d for hop counts
	order []int32
	level []int32   // BFS: hops; Dijkstra: 1 once settled; -1 = not reached
	dist  []float64 // Dijkstra distances, +Inf = not reached
	heap  centralityHeap
}

func newHarmonicWorker(g *Graph, lens []float64) *harmonicWorker {
	n := g.N()
	w := &harmonicWorker{g: g, lens: lens, order: make([]int32, n), level: make([]int32, n)}
	for i := range w.level {
		w.level[i] = -1
	}
	if lens == nil {
		w.inv = make([]float64, n)
		for d := 1; d < n; d++ {
			w.inv[d] = 1 / float64(d)
		}
		return w
	}
	w.dist = make([]float64, n)
	for i := range w.dist {
		w.dist[i] = math.Inf(1)
	}
	return w
}

// harmonic returns Σ 1/d(u, v) over the nodes u that reach v.
func (w *harmonicWorker) harmonic(v int32) float64 {
	var sum float64
	var reached int
	if w.lens == nil {
		sum, reached = w.bfs(v)
	} else {
		sum, reached = w.dijkstra(v)
	}
	for _, u := range w.order[:reached] {
		w.level[u] = -1
	}
	if w.dist != nil {
		for _, u := range w.order[:reached] {
			w.dist[u] = math.Inf(1)
		}
	}
	return sum
}

func (w *harmonicWorker) bfs(v int32) (float64, int) {
	off, adj := w.g.InOff, w.g.InAdj
	level, order, inv := w.level, w.order, w.inv
	level[v], order[0] = 0, v
	tail := 1
	sum := 0.0
	for head := 0; head < tail; head++ {
		x := order[head]
		next := level[x] + 1
		for _, u := range adj[off[x]:off[x+1]] {
			if level[u] < 0 {
				level[u] = next
				order[tail] = u
				tail++
				sum += inv[next]
			}
		}
	}
	return sum, tail
}

func (w *harmonicWorker) dijkstra(v int32) (float64, int) {
	off, adj, lens := w.g.InOff, w.g.InAdj, w.lens
	dist, settled, order := w.dist, w.level, w.order
	h := &w.heap
	dist[v] = 0
	h.push(v, 0)
	n := 0
	sum := 0.0
	for h.len() > 0 {
		x, dx := h.pop()
		if settled[x] >= 0 {
			continue // a stale entry
		}
		settled[x], order[n] = 1, x
		n++
		if x != v {
			sum += 1 / dx
		}
		for j := off[x]; j < off[x+1]; j++ {
			u := adj[j]
			if settled[u] >= 0 {
				continue
			}
			if nd := dx + lens[j]; nd < dist[u] {
				dist[u] = nd
				h.push(u, nd)
			}
		}
	}
	return sum, n
}
