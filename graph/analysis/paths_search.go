package analysis

import (
	"context"
	"math"
	"sync"
)

// pathWS is the reusable scratch space of the point-to-point searches. Marks
// are epoch stamps (a node is banned when ban[v] == ep, …) so a new search
// clears them all by incrementing ep, without touching the arrays.
type pathWS struct {
	ep   uint32
	tick uint32

	ban, eban []uint32 // banned nodes and edges
	fs, bs    []uint32 // labelled by the forward / backward search
	good      []uint32 // on a shortest path (BFS) / settled (Dijkstra)
	fd, bd    []int32  // forward / backward hop distances
	q, bq     []int32  // forward / backward BFS queues, layer after layer
	cross     []int32  // forward nodes with an arc into the backward side on a shortest path
	fl, bl    []int32  // start of each BFS layer in q / bq

	dist       []float64 // Dijkstra: cost to the target
	hops       []int32
	next, nxtE []int32 // Dijkstra: successor towards the target and its edge
	heap       []hitem

	pnodes, pedges []int32 // the path found by the last search

	yen yen // KShortestPaths' candidate arenas, kept for the next call
}

var wsPool = sync.Pool{New: func() any { return new(pathWS) }}

// getWS returns a workspace sized for g.
func getWS(g *Graph) *pathWS {
	ws := wsPool.Get().(*pathWS)
	n, m := g.N(), len(g.Edges)
	if len(ws.ban) < n {
		ws.ban, ws.fs, ws.bs, ws.good = make([]uint32, n), make([]uint32, n), make([]uint32, n), make([]uint32, n)
		ws.fd, ws.bd = make([]int32, n), make([]int32, n)
		ws.dist, ws.hops = make([]float64, n), make([]int32, n)
		ws.next, ws.nxtE = make([]int32, n), make([]int32, n)
		ws.ep = 0
	}
	if len(ws.eban) < m {
		ws.eban = make([]uint32, m)
		ws.ep = 0
	}
	if ws.ep == 0 {
		ws.clear()
	}
	return ws
}

func putWS(ws *pathWS) { wsPool.Put(ws) }

// clear resets every stamp; needed once per 2³² searches or after a resize.
func (ws *pathWS) clear() {
	for _, a := range [][]uint32{ws.ban, ws.eban, ws.fs, ws.bs, ws.good} {
		clear(a)
	}
	ws.ep = 0
}

// begin starts a new search: every mark of the previous one is dropped.
func (ws *pathWS) begin() {
	ws.ep++
	if ws.ep == 0 {
		ws.clear()
		ws.ep = 1
	}
}

func (ws *pathWS) banNodes(vs []int32) {
	for _, v := range vs {
		if v >= 0 && int(v) < len(ws.ban) {
			ws.ban[v] = ws.ep
		}
	}
}

// poll returns ctx.Err() every 1024 calls and nil otherwise: cheap enough to
// call once per visited node.
func (ws *pathWS) poll(ctx context.Context) error {
	ws.tick++
	if ws.tick&1023 != 0 {
		return nil
	}
	return ctx.Err()
}

// search finds the first src→dst path in the path order (see comparePaths)
// with at most budget hops that avoids the banned nodes and edges, and
// leaves it in ws.pnodes and ws.pedges.
func (ws *pathWS) search(ctx context.Context, g *Graph, rank []int32, src, dst int32, budget int, weighted bool) (bool, error) {
	if ws.ban[src] == ws.ep || ws.ban[dst] == ws.ep || budget < 1 {
		return false, nil
	}
	if !weighted {
		return ws.bfs(ctx, g, rank, src, dst, budget)
	}
	ok, err := ws.dijkstra(ctx, g, rank, src, dst)
	if err != nil || !ok || len(ws.pedges) <= budget {
		return ok, err
	}
	return ws.boundedDP(ctx, g, rank, src, dst, budget)
}

// bfs is a bidirectional breadth-first search (Pohl 1971) that expands the
// side whose frontier has fewer arcs, completes the layer in which the two
// sides meet, and then walks from src choosing at each step the
// least-ranked neighbour that still lies on a shortest path, which yields
// the lexicographically least shortest path.
func (ws *pathWS) bfs(ctx context.Context, g *Graph, rank []int32, src, dst int32, budget int) (bool, error) {
	ep := ws.ep
	ws.fs[src], ws.fd[src] = ep, 0
	ws.bs[dst], ws.bd[dst] = ep, 0
	ws.q, ws.bq = append(ws.q[:0], src), append(ws.bq[:0], dst)
	ws.fl, ws.bl = append(ws.fl[:0], 0, 1), append(ws.bl[:0], 0, 1)
	fdeg, bdeg := g.OutOff[src+1]-g.OutOff[src], g.InOff[dst+1]-g.InOff[dst]
	const none = math.MaxInt32
	d := int32(none)
	ws.cross = ws.cross[:0]
	var a int32
	for d == none {
		a = int32(len(ws.fl) - 2)
		b := int32(len(ws.bl) - 2)
		if int(a+b+1) > budget || ws.fl[a] == ws.fl[a+1] || ws.bl[b] == ws.bl[b+1] {
			return false, nil
		}
		var err error
		if fdeg <= bdeg {
			d, fdeg, err = ws.expandForward(ctx, g, a)
		} else {
			d, bdeg, err = ws.expandBackward(ctx, g, b)
		}
		if err != nil {
			return false, err
		}
	}
	if int(d) > budget {
		return false, nil
	}
	ws.markGood(g, a, d)
	return ws.walkGood(g, rank, src, a, d), nil
}

// expandForward labels forward layer a+1 and returns the length of the
// shortest meeting path found (MaxInt32 if none) and the new layer's arcs.
func (ws *pathWS) expandForward(ctx context.Context, g *Graph, a int32) (int32, int32, error) {
	ep := ws.ep
	d, deg := int32(math.MaxInt32), int32(0)
	for _, x := range ws.q[ws.fl[a]:ws.fl[a+1]] {
		if err := ws.poll(ctx); err != nil {
			return 0, 0, err
		}
		lo, hi := g.OutOff[x], g.OutOff[x+1]
		for i := lo; i < hi; i++ {
			y, e := g.OutAdj[i], g.OutEdg[i]
			if ws.ban[y] == ep || ws.eban[e] == ep {
				continue
			}
			if ws.bs[y] == ep {
				d = ws.meet(d, a+1+ws.bd[y], x)
			} else if ws.fs[y] != ep {
				ws.fs[y], ws.fd[y] = ep, a+1
				ws.q = append(ws.q, y)
				deg += g.OutOff[y+1] - g.OutOff[y]
			}
		}
	}
	ws.fl = append(ws.fl, int32(len(ws.q)))
	return d, deg, nil
}

// expandBackward labels backward layer b+1 along in-arcs.
func (ws *pathWS) expandBackward(ctx context.Context, g *Graph, b int32) (int32, int32, error) {
	ep := ws.ep
	d, deg := int32(math.MaxInt32), int32(0)
	for _, y := range ws.bq[ws.bl[b]:ws.bl[b+1]] {
		if err := ws.poll(ctx); err != nil {
			return 0, 0, err
		}
		lo, hi := g.InOff[y], g.InOff[y+1]
		for i := lo; i < hi; i++ {
			x, e := g.InAdj[i], g.InEdg[i]
			if ws.ban[x] == ep || ws.eban[e] == ep {
				continue
			}
			if ws.fs[x] == ep {
				d = ws.meet(d, ws.fd[x]+1+b, x)
			} else if ws.bs[x] != ep {
				ws.bs[x], ws.bd[x] = ep, b+1
				ws.bq = append(ws.bq, x)
				deg += g.InOff[x+1] - g.InOff[x]
			}
		}
	}
	ws.bl = append(ws.bl, int32(len(ws.bq)))
	return d, deg, nil
}

// meet records that forward node x has an arc to the backward side making
// a path of length l, and returns the shortest length so far. All meetings
// found in one layer have the same length, since both searches completed
// their previous layers without meeting; the check is only defensive.
func (ws *pathWS) meet(d, l, x int32) int32 {
	switch {
	case l < d:
		ws.cross = append(ws.cross[:0], x)
		return l
	case l == d && ws.cross[len(ws.cross)-1] != x:
		ws.cross = append(ws.cross, x)
	}
	return d
}

// markGood marks the forward-labelled nodes (layers 0..a) that lie on a
// shortest path of length d: every such path crosses from forward layer a
// to backward layer d-a-1 (both searches had completed those layers), and
// the crossing nodes were recorded by meet.
func (ws *pathWS) markGood(g *Graph, a, d int32) {
	ep := ws.ep
	for _, x := range ws.cross {
		ws.good[x] = ep
	}
	for i := a; i > 0; i-- {
		for _, x := range ws.q[ws.fl[i]:ws.fl[i+1]] {
			if ws.good[x] != ep {
				continue
			}
			lo, hi := g.InOff[x], g.InOff[x+1]
			for j := lo; j < hi; j++ {
				w, e := g.InAdj[j], g.InEdg[j]
				if ws.fs[w] == ep && ws.fd[w] == i-1 && ws.eban[e] != ep {
					ws.good[w] = ep
				}
			}
		}
	}
}

// walkGood walks the least-ranked shortest path from src into ws.pnodes.
func (ws *pathWS) walkGood(g *Graph, rank []int32, src, a, d int32) bool {
	ep := ws.ep
	ws.pnodes, ws.pedges = append(ws.pnodes[:0], src), ws.pedges[:0]
	cur := src
	for i := int32(0); i < d; i++ {
		best, bestE := int32(-1), int32(-1)
		lo, hi := g.OutOff[cur], g.OutOff[cur+1]
		for j := lo; j < hi; j++ {
			y, e := g.OutAdj[j], g.OutEdg[j]
			if ws.ban[y] == ep || ws.eban[e] == ep || (best >= 0 && rank[y] >= rank[best]) {
				continue
			}
			var ok bool
			if i < a {
				ok = ws.fs[y] == ep && ws.fd[y] == i+1 && ws.good[y] == ep
			} else {
				ok = ws.bs[y] == ep && ws.bd[y] == d-i-1
			}
			if ok {
				best, bestE = y, e
			}
		}
		if best < 0 {
			return false // unreachable: every good node continues
		}
		ws.pnodes, ws.pedges = append(ws.pnodes, best), append(ws.pedges, bestE)
		cur = best
	}
	return true
}

// hitem is a Dijkstra heap entry ordered by (c, h).
type hitem struct {
	c    float64
	h, v int32
}

func (a hitem) less(b hitem) bool { return a.c < b.c || (a.c == b.c && a.h < b.h) }

func (ws *pathWS) push(it hitem) {
	h := append(ws.heap, it)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].less(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	ws.heap = h
}

func (ws *pathWS) pop() hitem {
	h := ws.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		if r := l + 1; r < len(h) && h[r].less(h[l]) {
			l = r
		}
		if !h[l].less(h[i]) {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
	ws.heap = h
	return top
}

// dijkstra searches backwards from dst (Dijkstra 1959) with labels
// (cost, hops) and, among equal labels, the least-ranked successor, so the
// successor chain from src is the least path in the path order.
func (ws *pathWS) dijkstra(ctx context.Context, g *Graph, rank []int32, src, dst int32) (bool, error) {
	ep := ws.ep
	seen, done := ws.fs, ws.good
	ws.heap = ws.heap[:0]
	seen[dst], ws.dist[dst], ws.hops[dst], ws.next[dst] = ep, 0, 0, -1
	ws.push(hitem{0, 0, dst})
	for len(ws.heap) > 0 {
		it := ws.pop()
		v := it.v
		if done[v] == ep || it.c != ws.dist[v] || it.h != ws.hops[v] {
			continue
		}
		done[v] = ep
		if v == src {
			return ws.followNext(src, dst), nil
		}
		if err := ws.poll(ctx); err != nil {
			return false, err
		}
		lo, hi := g.InOff[v], g.InOff[v+1]
		for j := lo; j < hi; j++ {
			u, e := g.InAdj[j], g.InEdg[j]
			if ws.ban[u] == ep || ws.eban[e] == ep || done[u] == ep {
				continue
			}
			w := edgeCost(g, e, true)
			if math.IsInf(w, 1) {
				continue
			}
			nc, nh := it.c+w, it.h+1
			switch {
			case seen[u] != ep || nc < ws.dist[u] || (nc == ws.dist[u] && nh < ws.hops[u]):
				seen[u], ws.dist[u], ws.hops[u], ws.next[u], ws.nxtE[u] = ep, nc, nh, v, e
				ws.push(hitem{nc, nh, u})
			case nc == ws.dist[u] && nh == ws.hops[u] && rank[v] < rank[ws.next[u]]:
				ws.next[u], ws.nxtE[u] = v, e
			}
		}
	}
	return false, nil
}

// followNext copies the successor chain src→dst into ws.pnodes/pedges.
func (ws *pathWS) followNext(src, dst int32) bool {
	ws.pnodes, ws.pedges = append(ws.pnodes[:0], src), ws.pedges[:0]
	for v := src; v != dst; {
		ws.pedges = append(ws.pedges, ws.nxtE[v])
		v = ws.next[v]
		ws.pnodes = append(ws.pnodes, v)
	}
	return true
}

// boundedDP finds the least path in the path order among those with at
// most budget hops, by Bellman–Ford relaxation in hop layers from dst
// (Bellman 1958): the label of v after layer h is the least path from v with
// at most h hops. Positive lengths make the least walk a simple path. Only
// used when the unbounded optimum is too long, so it allocates freely.
func (ws *pathWS) boundedDP(ctx context.Context, g *Graph, rank []int32, src, dst int32, budget int) (bool, error) {
	n := g.N()
	type rec struct{ layer, next, edge, prev int32 }
	cost, hops, nxt := make([]float64, n), make([]int32, n), make([]int32, n)
	head := make([]int32, n)
	for i := range head {
		head[i], cost[i] = -1, math.Inf(1)
	}
	pc, ph, pn, pe := make([]float64, n), make([]int32, n), make([]int32, n), make([]int32, n)
	pend := make([]int32, n) // layer stamp of a pending label
	recs := []rec{{0, -1, -1, -1}}
	cost[dst], head[dst], nxt[dst] = 0, 0, -1
	frontier := []int32{dst}
	ep := ws.ep
	for h := int32(1); int(h) <= budget && len(frontier) > 0; h++ {
		var changed []int32
		for _, x := range frontier {
			if err := ws.poll(ctx); err != nil {
				return false, err
			}
			if cost[x] >= cost[src] {
				continue // costs are positive: nothing through x can beat src's label
			}
			lo, hi := g.InOff[x], g.InOff[x+1]
			for j := lo; j < hi; j++ {
				u, e := g.InAdj[j], g.InEdg[j]
				w := edgeCost(g, e, true)
				if u == dst || ws.ban[u] == ep || ws.eban[e] == ep || math.IsInf(w, 1) {
					continue
				}
				c, hh := cost[x]+w, hops[x]+1
				bc, bh, bn := cost[u], hops[u], nxt[u]
				if pend[u] == h {
					bc, bh, bn = pc[u], ph[u], pn[u]
				}
				if c < bc || (c == bc && (hh < bh || (hh == bh && rank[x] < rank[bn]))) {
					if pend[u] != h {
						pend[u] = h
						changed = append(changed, u)
					}
					pc[u], ph[u], pn[u], pe[u] = c, hh, x, e
				}
			}
		}
		for _, u := range changed {
			cost[u], hops[u], nxt[u] = pc[u], ph[u], pn[u]
			recs = append(recs, rec{h, pn[u], pe[u], head[u]})
			head[u] = int32(len(recs) - 1)
		}
		frontier = changed
	}
	if head[src] < 0 {
		return false, nil
	}
	ws.pnodes, ws.pedges = append(ws.pnodes[:0], src), ws.pedges[:0]
	layer := int32(budget)
	for v := src; v != dst; {
		r := head[v]
		for recs[r].layer > layer {
			r = recs[r].prev
		}
		ws.pedges = append(ws.pedges, recs[r].edge)
		v, layer = recs[r].next, recs[r].layer-1
		ws.pnodes = append(ws.pnodes, v)
	}
	return true, nil
}
