package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// BetweennessOptions configures Betweenness and EdgeBetweenness. The zero
// value computes exact, unweighted, unnormalised values on all cores; set
// Normalized for networkx's default betweenness_centrality(G).
type BetweennessOptions struct {
	// Weighted measures paths by length 1/Weight (Dijkstra) instead of hops
	// (breadth-first search).
	Weighted bool
	// Normalized divides by the number of ordered pairs that could have v
	// between them, as networkx's normalized=True (see Betweenness).
	Normalized bool
	// Samples, when 2 ≤ Samples < N(), estimates betweenness from that many
	// source nodes drawn uniformly without replacement (Brandes & Pich 2007),
	// scaled as networkx's k parameter. 0, or Samples ≥ N(), is exact.
	Samples int
	// Seed seeds the PCG generator that draws the samples: the same seed
	// gives the same sources (not the ones networkx would draw).
	Seed uint64
	// Sources, when set, are the source nodes to use instead of a random
	// sample (distinct node indices); scaled as Samples = len(Sources).
	Sources []int32
	// Workers bounds parallelism; 0 means runtime.GOMAXPROCS(0). The
	// result is the same, bit for bit, for any number of workers.
	Workers int
}

// Betweenness returns the shortest-path betweenness centrality of every node,
// computed with Brandes's algorithm (U. Brandes, "A faster algorithm for
// betweenness centrality", J. Math. Sociol. 25(2), 2001):
//
//	C_B(v) = Σ_{s≠v≠t} σ_st(v) / σ_st
//
// where σ_st is the number of shortest s–t paths and σ_st(v) the number of
// those passing through v. Each source s contributes its dependencies
// δ_s(v) = Σ_{w: v∈P_s(w)} σ_sv/σ_sw · (1 + δ_s(w)), accumulated in reverse
// order of distance from s.
//
// Normalisation follows networkx's betweenness_centrality exactly (endpoints
// excluded). Unnormalised, an undirected graph counts each unordered pair
// once (the sum over ordered pairs halved) and a directed graph each ordered
// pair. Normalised, both are divided by the number of pairs not involving v:
// undirected (raw/2)·2/((n-1)(n-2)), directed raw·1/((n-1)(n-2)). With n ≤ 2
// every value is 0. (gonum's undirected network.Betweenness is twice the
// unnormalised value returned here.)
//
// Weighted paths use the length 1/Weight. Lengths are summed along each path
// in float64 and compared exactly, as networkx does: paths whose sums are
// equal are all shortest, so values match networkx's weight="length" even
// where several paths tie.
//
// With k = Samples (or len(Sources)) sources, the sums over those sources
// are scaled as networkx ≥ 3.5 scales betweenness_centrality(G, k=k) so
// that each value estimates the exact one without bias (U. Brandes &
// C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation
// and Chaos 17(7), 2007): a sampled node, which never counts paths from
// itself, by (n-1)/(k-1), any other node by (n-1)/k; then they are
// normalised (or halved) as above. networkx before 3.5 scaled every node by
// n/k, also unbiased; both are exact when k = n.
//
// Exact node betweenness on an undirected, unweighted graph skips the
// searches that twins and leaves make redundant (see bcFold): the values
// are the same, a third to two fifths of the work is saved on collaboration
// networks.
//
// Work is split by source across Workers goroutines (all cores by
// default), each with its own buffers; ctx is checked before every
// source. The result does not depend on the number of workers or on how
// they are scheduled, bit for bit: the sources fall into fixed chunks whose
// partial sums are added in chunk order (see centralitySum).
func Betweenness(ctx context.Context, g *Graph, opt BetweennessOptions) ([]float64, error) {
	r, err := brandes(ctx, g, opt, false)
	if err != nil {
		return nil, fmt.Errorf("betweenness: %w", err)
	}
	scaleBetweenness(r.bc, g.N(), g.Directed, opt.Normalized, r.isSource, r.k)
	return r.bc, nil
}

// EdgeBetweenness returns the shortest-path betweenness of every edge,
// indexed like g.Edges: the number of shortest s–t paths through the edge
// divided by σ_st, summed over pairs s ≠ t (Brandes 2001, §5; Girvan &
// Newman 2002). Self-loops are not in g.Edges (networkx gives them 0).
//
// Normalisation follows networkx's edge_betweenness_centrality: normalised,
// the sum over ordered pairs is divided by n(n-1) (so undirected values are
// raw·2/(n(n-1)) with raw counting unordered pairs); unnormalised, undirected
// graphs count each unordered pair once. Sampling multiplies by n/k.
// Weights, sampling and parallelism are as for Betweenness.
func EdgeBetweenness(ctx context.Context, g *Graph, opt BetweennessOptions) ([]float64, error) {
	r, err := brandes(ctx, g, opt, true)
	if err != nil {
		return nil, fmt.Errorf("edge betweenness: %w", err)
	}
	scaleEdgeBetweenness(r.eb, g.N(), g.Directed, opt.Normalized, r.k)
	return r.eb, nil
}

// brandesResult holds the raw sums over ordered pairs (s, t) for the chosen
// sources, before scaling.
type brandesResult struct {
	bc, eb   []float64
	k        int    // number of sources
	isSource []bool // which nodes are sources; nil when all are
}

func brandes(ctx context.Context, g *Graph, opt BetweennessOptions, edges bool) (brandesResult, error) {
	n := g.N()
	r := brandesResult{k: n}
	src, err := opt.sources(n)
	if err != nil {
		return r, err
	}
	if src != nil {
		r.k = len(src)
		r.isSource = make([]bool, n)
		for _, s := range src {
			r.isSource[s] = true
		}
	}
	// Each setup step below takes tens of milliseconds on a graph of a
	// million links and cannot stop midway: check ctx between them, so a
	// request whose deadline passed meanwhile does not wait for the rest.
	if err := ctx.Err(); err != nil {
		return r, err
	}
	l := newBCLayout(g, edges || opt.Weighted, opt.Weighted, ctx.Done())
	if err := ctx.Err(); err != nil {
		return r, err
	}
	var lens, inLens []float64
	if opt.Weighted {
		if lens, err = centralityLengths(g, l.out.edg); err != nil {
			return r, err
		}
		inLens = lens
		if g.Directed {
			inLens, _ = centralityLengths(g, l.in.edg)
		}
	}
	// Exact node betweenness on an undirected, unweighted graph skips the
	// searches that twins and leaves make redundant (see bcFold).
	tasks, ntasks := src, r.k
	var fold *bcFold
	if src == nil && !g.Directed && !opt.Weighted && !edges {
		fold = newBCFold(g)
		tasks = make([]int32, 0, n)
		for _, v := range l.perm {
			if fold.mult[v] > 0 {
				tasks = append(tasks, v)
			}
		}
		ntasks = len(tasks)
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	workers := centralityWorkers(opt.Workers, ntasks)
	ws := make([]*brandesWorker, workers)
	for w := range ws {
		ws[w] = newBrandesWorker(l, lens, inLens, edges)
	}
	// The sums are node values (in layout order) followed by edge values.
	size := n
	if edges {
		size += len(g.Edges)
	}
	sum, err := centralitySum(ctx, ntasks, workers, size, func(w, i int, acc []float64) {
		bw := ws[w]
		bw.bc, bw.eb = acc[:n], acc[n:]
		switch {
		case fold != nil:
			s := tasks[i]
			bw.source(l.rank[s], fold.mult[s], fold.leaves[s])
		case tasks != nil:
			bw.source(l.rank[tasks[i]], 1, 0)
		default:
			bw.source(int32(i), 1, 0)
		}
	})
	if err != nil {
		return r, err
	}
	r.bc = make([]float64, n)
	for i, v := range l.perm {
		r.bc[v] = sum[i]
	}
	if edges {
		r.eb = sum[n:]
	}
	return r, nil
}

// sources returns the sampled or given source nodes in ascending order, or
// nil when every node is a source.
func (opt BetweennessOptions) sources(n int) ([]int32, error) {
	if opt.Sources != nil {
		seen := make([]bool, n)
		for _, s := range opt.Sources {
			if s < 0 || int(s) >= n || seen[s] {
				return nil, fmt.Errorf("source %d: %w: sources must be distinct nodes", s, ErrBadOption)
			}
			seen[s] = true
		}
		if len(opt.Sources) < 2 && n > 2 {
			return nil, fmt.Errorf("%d sources: %w: need at least 2", len(opt.Sources), ErrBadOption)
		}
		return slices.Sorted(slices.Values(opt.Sources)), nil
	}
	k := opt.Samples
	switch {
	case k < 0 || k == 1 && n > 2:
		return nil, fmt.Errorf("%d samples: %w: need 0 (exact) or at least 2", k, ErrBadOption)
	case k == 0 || k >= n:
		return nil, nil
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := range k { // partial Fisher–Yates
		j := i + rng.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	src := perm[:k]
	slices.Sort(src)
	return src, nil
}

// scaleBetweenness applies networkx's _rescale (endpoints=False, version
// 3.5 and later) to raw sums over ordered pairs from k sources.
func scaleBetweenness(bc []float64, n int, directed, normalized bool, isSource []bool, k int) {
	pairs := float64(n - 1) // targets per source other than v itself
	if n-1 < 2 {
		return
	}
	corr := 2.0
	if directed {
		corr = 1
	}
	var src, other float64 // scales for sampled sources and the other nodes
	switch {
	case normalized && isSource == nil:
		src = 1 / (pairs * (pairs - 1))
	case isSource == nil:
		src = 1 / corr
	case normalized:
		src, other = 1/(float64(k-1)*(pairs-1)), 1/(float64(k)*(pairs-1))
	default:
		src, other = pairs/(float64(k-1)*corr), pairs/(float64(k)*corr)
	}
	for v := range bc {
		if isSource == nil || isSource[v] {
			bc[v] *= src
		} else {
			bc[v] *= other
		}
	}
}

// scaleEdgeBetweenness applies networkx's _rescale_e (endpoints included)
// to raw sums over ordered pairs from k sources.
func scaleEdgeBetweenness(eb []float64, n int, directed, normalized bool, k int) {
	if n < 2 || k == 0 {
		return
	}
	var s float64
	switch {
	case normalized:
		s = 1 / (float64(k) * float64(n-1))
	case directed:
		s = float64(n) / float64(k)
	default:
		s = float64(n) / (float64(k) * 2)
	}
	for e := range eb {
		eb[e] *= s
	}
}

// brandesWorker holds one goroutine's buffers, sized once for the graph and
// reused for every source: nothing is allocated per source or per node.
// Its sums bc and eb are the buffer of the chunk of sources it is working
// on (see centralitySum).
type brandesWorker struct {
	g      *bcLayout
	lens   []float64 // length of each out-adjacency entry; nil for hops
	inLens []float64 // and of each in-adjacency entry
	edges  bool      // accumulate edge betweenness too

	order []int32   // nodes in order of discovery (BFS queue) or settling
	coef  []float64 // BFS: (1 + δ_s(v)) / σ_sv, once v's dependency is final
	// The BFS order, then the shortest-path DAG's successor lists (BFS) or
	// predecessor lists (Dijkstra): node i's are buf[dagOff[i]:dagOff[i+1]].
	buf    []int32
	dagOff []int32

	// Breadth-first search: hops and path counts side by side, so that
	// reading a neighbour's level brings its σ into the cache too.
	hop []bcHop

	// Dijkstra.
	pos   []int32   // settling position; -1 = not settled
	dist  []float64 // distance from s; +Inf = not reached
	sigma []float64 // σ_sv, the number of shortest s–v paths
	delta []float64 // δ_s(v)
	heap  centralityHeap

	bc, eb []float64 // raw sums of the current chunk of sources
}

func newBrandesWorker(g *bcLayout, lens, inLens []float64, withEdges bool) *brandesWorker {
	n := len(g.perm)
	w := &brandesWorker{g: g, lens: lens, inLens: inLens, edges: withEdges}
	w.buf, w.dagOff = make([]int32, n+len(g.out.adj)), make([]int32, n+1)
	w.order = w.buf[:n]
	if lens == nil {
		w.coef = make([]float64, n)
		w.hop = make([]bcHop, n)
		for i := range w.hop {
			w.hop[i].level = -1
		}
		return w
	}
	w.pos, w.sigma, w.dist, w.delta = make([]int32, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range w.dist {
		w.pos[i], w.dist[i] = -1, math.Inf(1)
	}
	return w
}

// source adds s's dependencies, times mult, to the worker's sums, and
// |component|-2 to s for each of its leaves folded into it (see bcFold);
// then it resets the buffers it touched.
func (w *brandesWorker) source(s int32, mult float64, leaves int32) {
	var reached int
	switch {
	case w.lens == nil && !w.edges:
		reached = w.bfs(s)
		w.accumulateHops(reached, mult)
		w.bc[s] += float64(leaves) * float64(reached-2)
	case w.lens == nil:
		reached = w.bfsEdges(s)
		w.accumulateHopsEdges(reached)
	default:
		reached = w.dijkstra(s)
		w.accumulateLengths(reached)
	}
	if w.lens == nil {
		for _, v := range w.order[:reached] {
			w.hop[v].level = -1
		}
		return
	}
	for _, v := range w.order[:reached] {
		w.pos[v], w.dist[v] = -1, math.Inf(1)
	}
}

// bcHop is a node's state in a breadth-first search from s.
type bcHop struct {
	level int32   // hops from s; -1 = not reached
	sigma float64 // σ_sv, the number of shortest s–v paths
}

// bfs counts shortest paths from s by hops and returns how many nodes it
// reached; order[:reached] lists them by nondecreasing distance. It also
// records the shortest-path DAG: the successors of the i-th node reached
// (its neighbours one hop further from s) are succ[dagOff[i]:dagOff[i+1]],
// so that the backward pass reads only DAG edges, without level checks.
// The inner loop keeps few values live: more would spill to the stack.
func (w *brandesWorker) bfs(s int32) int {
	off, adj := w.g.out.off, w.g.out.adj
	// order and succ share one buffer, order first, and dagOff holds
	// positions in it: fewer values live in the inner loop, fewer spills.
	hop, buf, dagOff := w.hop, w.buf, w.dagOff
	hop[s] = bcHop{0, 1}
	buf[0] = s
	tail, ns := int32(1), int32(len(hop))
	dagOff[0] = ns
	for head := int32(0); head < tail; head++ {
		v := buf[head]
		next, sv := hop[v].level+1, hop[v].sigma
		for _, u := range adj[off[v]:off[v+1]] {
			h := &hop[u]
			switch h.level {
			case -1:
				*h = bcHop{next, sv}
				buf[tail] = u
				tail++
				buf[ns] = u
				ns++
			case next:
				h.sigma += sv
				buf[ns] = u
				ns++
			}
		}
		dagOff[head+1] = ns
	}
	return int(tail)
}

// bfsEdges is bfs recording adjacency positions instead of nodes, so that
// the backward pass knows each DAG edge's index.
func (w *brandesWorker) bfsEdges(s int32) int {
	off, adj := w.g.out.off, w.g.out.adj
	hop, buf, dagOff := w.hop, w.buf, w.dagOff
	hop[s] = bcHop{0, 1}
	buf[0] = s
	tail, ns := int32(1), int32(len(hop))
	dagOff[0] = ns
	for head := int32(0); head < tail; head++ {
		v := buf[head]
		next, sv := hop[v].level+1, hop[v].sigma
		for j := off[v]; j < off[v+1]; j++ {
			u := adj[j]
			h := &hop[u]
			switch h.level {
			case -1:
				*h = bcHop{next, sv}
				buf[tail] = u
				tail++
				buf[ns] = j
				ns++
			case next:
				h.sigma += sv
				buf[ns] = j
				ns++
			}
		}
		dagOff[head+1] = ns
	}
	return int(tail)
}

// accumulateHops computes δ_s(v) in reverse BFS order by pulling from v's
// successors w: δ_s(v) = σ_sv · Σ_w (1+δ_s(w))/σ_sw. The source order[0]
// gets nothing.
func (w *brandesWorker) accumulateHops(reached int, mult float64) {
	hop, coef, bc, buf, dagOff := w.hop, w.coef, w.bc, w.buf, w.dagOff
	// The successor lists lie end to end in BFS order: walk them backwards.
	hi := dagOff[reached]
	for i := reached - 1; i > 0; i-- {
		v := buf[i]
		lo := dagOff[i]
		sum := 0.0
		for _, u := range buf[lo:hi] {
			sum += coef[u]
		}
		hi = lo
		sv := hop[v].sigma
		d := sv * sum
		coef[v] = (1 + d) / sv
		bc[v] += mult * d
	}
}

// accumulateHopsEdges is accumulateHops that also credits each DAG edge
// v→w with σ_sv/σ_sw · (1+δ_s(w)).
func (w *brandesWorker) accumulateHopsEdges(reached int) {
	adj, edg := w.g.out.adj, w.g.out.edg
	hop, coef, bc, eb, buf, dagOff := w.hop, w.coef, w.bc, w.eb, w.buf, w.dagOff
	for i := reached - 1; i >= 0; i-- {
		v := buf[i]
		sv := hop[v].sigma
		d := 0.0
		for _, j := range buf[dagOff[i]:dagOff[i+1]] {
			c := sv * coef[adj[j]]
			eb[edg[j]] += c
			d += c
		}
		coef[v] = (1 + d) / sv
		if i > 0 {
			bc[v] += d
		}
	}
}

// dijkstra counts shortest paths from s by length and returns how many
// nodes it reached; order[:reached] lists them in settling order. As in
// networkx, a path is shortest when its float64 length equals the best found
// exactly: when v is settled, its predecessors are the in-neighbours u
// settled before it with dist(u) + len(u,v) = dist(v), computed in the same
// order as networkx, and σ_sv is the sum of their σ. They are recorded
// (nodes, or in-adjacency positions for edge betweenness) so that the
// backward pass reads only DAG edges. On an undirected graph one pass over
// v's neighbours finds its predecessors (settled) and relaxes the others.
func (w *brandesWorker) dijkstra(s int32) int {
	out, in := w.g.out, w.g.in
	lens, inLens := w.lens, w.inLens
	undirected, edges := !w.g.directed, w.edges
	dist, sigma, delta, pos, buf, dagOff := w.dist, w.sigma, w.delta, w.pos, w.buf, w.dagOff
	h := &w.heap
	dist[s] = 0
	h.push(s, 0)
	n, np := 0, len(pos)
	dagOff[0] = int32(np)
	for h.len() > 0 {
		v, dv := h.pop()
		if pos[v] >= 0 {
			continue // a stale entry: v was settled at a shorter distance
		}
		pos[v], buf[n], delta[v] = int32(n), v, 0
		sv := 0.0
		if v == s {
			sv = 1
		}
		if undirected {
			for j := out.off[v]; j < out.off[v+1]; j++ {
				u := out.adj[j]
				nd := dv + lens[j]
				switch {
				case pos[u] >= 0: // settled: a predecessor if on a shortest path
					if dist[u]+lens[j] == dv {
						sv += sigma[u]
						buf[np] = u
						if edges {
							buf[np] = j
						}
						np++
					}
				case nd < dist[u]:
					dist[u] = nd
					h.push(u, nd)
				}
			}
		} else {
			for j := in.off[v]; j < in.off[v+1]; j++ {
				if u := in.adj[j]; pos[u] >= 0 && dist[u]+inLens[j] == dv {
					sv += sigma[u]
					buf[np] = u
					if edges {
						buf[np] = j
					}
					np++
				}
			}
			for j := out.off[v]; j < out.off[v+1]; j++ {
				u := out.adj[j]
				if nd := dv + lens[j]; pos[u] < 0 && nd < dist[u] {
					dist[u] = nd
					h.push(u, nd)
				}
			}
		}
		sigma[v] = sv
		n++
		dagOff[n] = int32(np)
	}
	return n
}

// accumulateLengths computes δ_s in reverse settling order, pushing to
// each node's predecessors u as networkx does:
// δ_s(u) += σ_su/σ_sv · (1 + δ_s(v)), crediting the edge u→v the same.
func (w *brandesWorker) accumulateLengths(reached int) {
	in := w.g.in
	sigma, delta, bc, eb, buf, dagOff := w.sigma, w.delta, w.bc, w.eb, w.buf, w.dagOff
	for i := reached - 1; i > 0; i-- {
		v := buf[i]
		c := (1 + delta[v]) / sigma[v]
		preds := buf[dagOff[i]:dagOff[i+1]]
		if w.edges {
			for _, j := range preds {
				u := in.adj[j]
				d := sigma[u] * c
				delta[u] += d
				eb[in.edg[j]] += d
			}
		} else {
			for _, u := range preds {
				delta[u] += sigma[u] * c
			}
		}
		bc[v] += delta[v]
	}
}
