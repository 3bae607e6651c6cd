package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// ShortestPaths describes every shortest s–t path.
type ShortestPaths struct {
	Cost  float64 // the length of each: hops, or Σ 1/Weight
	Count float64 // σ_st, the number of shortest paths (exact below 2⁵³)
	Paths []Path  // the first paths in lexicographic order of node keys
}

// AllShortestPaths counts the shortest s–t paths and lists the first of
// them. The count is σ_st from one search (σ_sv = Σ σ_su over the
// predecessors u of v on shortest paths, Brandes 2001), without listing
// the paths; up to `first` paths are then listed in lexicographic order of
// node keys. With opt.Weighted, shortest means least Σ 1/Weight and, as in
// networkx's all_shortest_paths, two paths tie only if their floating-point
// sums (added from s) are equal. opt.Avoid is honoured; opt.MaxHops drops
// the answer in hop mode when t is farther and is ignored in weighted mode;
// opt.Via is rejected with ErrOption.
func AllShortestPaths(ctx context.Context, g *Graph, s, t int32, opt PathOptions, first int) (ShortestPaths, error) {
	d, err := newSPDag(ctx, g, s, t, opt)
	if err != nil || d == nil {
		return ShortestPaths{}, err
	}
	out := ShortestPaths{Cost: d.cost(t), Count: d.sigS[t]}
	if first > 0 {
		if out.Paths, err = d.enumerate(ctx, first); err != nil {
			return ShortestPaths{}, err
		}
	}
	return out, nil
}

// Introducer is an intermediate node of the shortest s–t paths.
type Introducer struct {
	Node  int32
	Paths float64 // σ_st(v): shortest s–t paths through the node
	Share float64 // σ_st(v)/σ_st, the pair dependency of Brandes (2001)
}

// Introducers ranks the intermediate nodes of the shortest s–t paths by the
// share of those paths that pass through them, σ_st(v)/σ_st with
// σ_st(v) = σ_sv·σ_vt (Freeman 1977; Brandes 2001) — the people who could
// have introduced s to t. Ties are ordered by key. Options as for
// AllShortestPaths.
func Introducers(ctx context.Context, g *Graph, s, t int32, opt PathOptions) ([]Introducer, error) {
	d, err := newSPDag(ctx, g, s, t, opt)
	if err != nil || d == nil {
		return nil, err
	}
	var out []Introducer
	total := d.sigS[t]
	for _, v := range d.order {
		if v != s && v != t && d.sigT[v] > 0 {
			p := d.sigS[v] * d.sigT[v]
			out = append(out, Introducer{Node: v, Paths: p, Share: p / total})
		}
	}
	rank := keyRanks(g)
	slices.SortFunc(out, func(a, b Introducer) int {
		return cmp.Or(cmp.Compare(b.Share, a.Share), cmp.Compare(rank[a.Node], rank[b.Node]))
	})
	return out, nil
}

// spDag is the directed acyclic graph of shortest paths from s, explored
// until t is settled, with path counts from s (sigS) and to t (sigT).
type spDag struct {
	g          *Graph
	s, t       int32
	weighted   bool
	order      []int32 // settled nodes, in non-decreasing distance
	seen       []bool
	hop        []int32
	dist       []float64
	sigS, sigT []float64
	rank       []int32
}

// newSPDag returns nil (and no error) when t is unreachable.
func newSPDag(ctx context.Context, g *Graph, s, t int32, opt PathOptions) (*spDag, error) {
	if err := checkPair(g, s, t); err != nil {
		return nil, err
	}
	if len(opt.Via) > 0 {
		return nil, fmt.Errorf("%w: via, when counting shortest paths", ErrOption)
	}
	n := g.N()
	d := &spDag{g: g, s: s, t: t, weighted: opt.Weighted, seen: make([]bool, n), hop: make([]int32, n),
		sigS: make([]float64, n), sigT: make([]float64, n), rank: keyRanks(g)}
	banned := make([]bool, n)
	for _, v := range opt.Avoid {
		if v >= 0 && int(v) < n {
			banned[v] = true
		}
	}
	if banned[s] || banned[t] {
		return nil, nil
	}
	var err error
	if opt.Weighted {
		err = d.dijkstra(ctx, banned)
	} else {
		err = d.bfs(ctx, banned, hopBudget(g, opt.MaxHops))
	}
	if err != nil || !d.seen[t] {
		return nil, err
	}
	d.countToT()
	return d, nil
}

// bfs labels nodes layer by layer until t's layer, counting σ_sv.
func (d *spDag) bfs(ctx context.Context, banned []bool, budget int) error {
	g := d.g
	d.seen[d.s], d.sigS[d.s] = true, 1
	d.order = append(d.order, d.s)
	tick := 0
	for i := 0; i < len(d.order); i++ {
		x := d.order[i]
		if d.seen[d.t] && d.hop[x] >= d.hop[d.t] || int(d.hop[x]) >= budget {
			break
		}
		if tick++; tick&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		adj, _ := g.Out(x)
		for _, y := range adj {
			if banned[y] {
				continue
			}
			if !d.seen[y] {
				d.seen[y], d.hop[y] = true, d.hop[x]+1
				d.order = append(d.order, y)
			}
			if d.hop[y] == d.hop[x]+1 {
				d.sigS[y] += d.sigS[x]
			}
		}
	}
	return nil
}

// dijkstra settles nodes from s until t (Dijkstra 1959), counting σ_sv over
// the predecessors u with dist(u) + 1/w(u,v) == dist(v).
func (d *spDag) dijkstra(ctx context.Context, banned []bool) error {
	g := d.g
	n := g.N()
	d.dist = make([]float64, n)
	for i := range d.dist {
		d.dist[i] = math.Inf(1)
	}
	done := d.seen
	ws := &pathWS{}
	d.dist[d.s] = 0
	ws.push(hitem{0, 0, d.s})
	for len(ws.heap) > 0 {
		it := ws.pop()
		v := it.v
		if done[v] || it.c != d.dist[v] {
			continue
		}
		done[v] = true
		d.order = append(d.order, v)
		d.hop[v] = it.h
		if err := ws.poll(ctx); err != nil {
			return err
		}
		if v == d.s {
			d.sigS[v] = 1
		}
		d.eachPred(v, func(u int32) { d.sigS[v] += d.sigS[u] })
		if v == d.t {
			return nil
		}
		adj, edg := g.Out(v)
		for j, u := range adj {
			w := edgeCost(g, edg[j], true)
			if banned[u] || done[u] || math.IsInf(w, 1) {
				continue
			}
			if c := it.c + w; c < d.dist[u] {
				d.dist[u] = c
				ws.push(hitem{c, it.h + 1, u})
			}
		}
	}
	return nil
}

// eachPred calls f for every settled predecessor u of v on a shortest path.
func (d *spDag) eachPred(v int32, f func(u int32)) {
	adj, edg := d.g.In(v)
	for j, u := range adj {
		if d.isArc(u, v, edg[j]) {
			f(u)
		}
	}
}

// isArc reports whether edge e from u to v is an arc of the DAG.
func (d *spDag) isArc(u, v, e int32) bool {
	if !d.seen[u] || !d.seen[v] {
		return false
	}
	if !d.weighted {
		return d.hop[v] == d.hop[u]+1
	}
	return d.dist[u]+edgeCost(d.g, e, true) == d.dist[v]
}

// countToT computes σ_vt in reverse settle order.
func (d *spDag) countToT() {
	d.sigT[d.t] = 1
	for i := len(d.order) - 1; i >= 0; i-- {
		v := d.order[i]
		if v == d.t {
			continue
		}
		adj, edg := d.g.Out(v)
		for j, y := range adj {
			if d.isArc(v, y, edg[j]) {
				d.sigT[v] += d.sigT[y]
			}
		}
	}
}

func (d *spDag) cost(v int32) float64 {
	if d.weighted {
		return d.dist[v]
	}
	return float64(d.hop[v])
}

// enumerate lists up to limit shortest paths by depth-first search along
// DAG arcs that lead to t, children in key order, so paths come out in
// lexicographic key order and no branch is a dead end.
func (d *spDag) enumerate(ctx context.Context, limit int) ([]Path, error) {
	var out []Path
	var nodes, edges []int32
	var err error
	tick := 0
	var walk func(v int32)
	walk = func(v int32) {
		if tick++; tick&1023 == 0 && err == nil {
			err = ctx.Err()
		}
		nodes = append(nodes, v)
		defer func() { nodes = nodes[:len(nodes)-1] }()
		if v == d.t {
			p := Path{Nodes: slices.Clone(nodes), Edges: slices.Clone(edges)}
			p.Cost = pathCost(d.g, p.Edges, d.weighted)
			out = append(out, p)
			return
		}
		type arc struct{ y, e int32 }
		var next []arc
		adj, edg := d.g.Out(v)
		for j, y := range adj {
			if d.sigT[y] > 0 && d.isArc(v, y, edg[j]) {
				next = append(next, arc{y, edg[j]})
			}
		}
		slices.SortFunc(next, func(a, b arc) int { return cmp.Compare(d.rank[a.y], d.rank[b.y]) })
		for _, a := range next {
			if len(out) >= limit || err != nil {
				return
			}
			edges = append(edges, a.e)
			walk(a.y)
			edges = edges[:len(edges)-1]
		}
	}
	walk(d.s)
	if err != nil {
		return nil, err
	}
	return out, nil
}
