package analysis

import (
	"cmp"
	"context"
	"slices"
)

// KShortestPaths returns the first k loopless s–t paths in the path order:
// by cost (hops, or Σ 1/Weight with opt.Weighted), then by hop count, then
// by node keys compared lexicographically. Ties are therefore resolved the
// same way on every run and every backend. It honours opt.Avoid and
// opt.MaxHops (only paths of at most MaxHops hops are listed). With
// opt.Via, the paths are the first k in the same order that visit the via
// nodes in the given order, found by filtering Yen's sequence: at most
// viaScan paths are examined, so fewer than k may come back when most
// cheap paths miss the via nodes. Fewer than k paths are returned when
// fewer exist; none when t is unreachable.
//
// The algorithm is Yen's (J. Y. Yen, "Finding the k shortest loopless paths
// in a network", Management Science 17(11), 1971) with Lawler's refinement
// (E. L. Lawler, Management Science 18(7), 1972: a new path is spurred only
// from its deviation node onwards). Each spur search returns the least path
// in the path order of its subproblem, so — by Lawler's partition argument,
// which holds for any total order that is preserved by fixing a common
// prefix — paths come out exactly in the path order. The costs match
// networkx's shortest_simple_paths; where networkx breaks ties differently,
// the paths of equal cost may differ, never their number or cost.
func KShortestPaths(ctx context.Context, g *Graph, s, t int32, k int, opt PathOptions) ([]Path, error) {
	if err := checkPair(g, s, t); err != nil {
		return nil, err
	}
	for _, v := range opt.Via {
		if err := checkNode(g, v); err != nil {
			return nil, err
		}
	}
	if k <= 0 {
		return nil, nil
	}
	via, ok := viaStops(opt.Via)
	if !ok || slices.ContainsFunc(via, func(v int32) bool { return slices.Contains(opt.Avoid, v) }) {
		return nil, nil
	}
	scan := k
	if len(via) > 0 {
		scan = max(k, viaScan)
	}
	q := newQuery(g, opt)
	defer q.release()
	y := q.ws.yen.reset(q, t, hopBudget(g, opt.MaxHops))
	defer func() { y.q = nil }() // the pooled workspace must not keep g alive
	first, err := q.shortest(ctx, s, t, nil, y.budget)
	if err != nil || first.Nodes == nil {
		return nil, err
	}
	y.add(first.Nodes, first.Edges, first.Cost, 0)
	var out []Path
	for len(out) < k && len(y.accepted) < scan {
		c, ok := y.popCand()
		if !ok {
			break
		}
		y.accepted = append(y.accepted, c)
		if visits(y.nodes(c), via) {
			out = append(out, Path{Nodes: slices.Clone(y.nodes(c)), Edges: slices.Clone(y.edges(c)), Cost: y.cands[c].cost})
		}
		if len(out) == k || len(y.accepted) == scan {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := y.spurs(ctx, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// viaScan bounds the paths KShortestPaths examines to find k through Via.
const viaScan = 2000

// viaStops drops repeats of a via node in a row; a node wanted twice apart
// can never be met by a simple path (ok false).
func viaStops(via []int32) ([]int32, bool) {
	var out []int32
	for _, v := range via {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	for i, v := range out {
		if slices.Contains(out[i+1:], v) {
			return nil, false
		}
	}
	return out, true
}

// visits reports whether nodes passes through via in order.
func visits(nodes, via []int32) bool {
	i := 0
	for _, v := range nodes {
		if i < len(via) && v == via[i] {
			i++
		}
	}
	return i == len(via)
}

// yen holds the candidates of one KShortestPaths call in flat arenas.
type yen struct {
	q        *query
	t        int32
	budget   int
	nodeBuf  []int32 // candidate node sequences, back to back
	edgeBuf  []int32
	cands    []yenCand
	heap     []int32 // candidate indices not yet accepted
	accepted []int32
	dedup    map[uint64][]int32 // hash of node sequence → candidates
	cum      []float64
}

// reset empties y for a new call, keeping its buffers.
func (y *yen) reset(q *query, t int32, budget int) *yen {
	y.q, y.t, y.budget = q, t, budget
	y.nodeBuf, y.edgeBuf, y.cands, y.heap, y.accepted = y.nodeBuf[:0], y.edgeBuf[:0], y.cands[:0], y.heap[:0], y.accepted[:0]
	if y.dedup == nil {
		y.dedup = map[uint64][]int32{}
	}
	clear(y.dedup)
	return y
}

type yenCand struct {
	no, eo, n int32 // nodes at nodeBuf[no:no+n], edges at edgeBuf[eo:eo+n-1]
	dev       int32 // index of the node it was spurred from
	cost      float64
}

func (y *yen) nodes(c int32) []int32 {
	x := y.cands[c]
	return y.nodeBuf[x.no : x.no+x.n]
}

func (y *yen) edges(c int32) []int32 {
	x := y.cands[c]
	return y.edgeBuf[x.eo : x.eo+x.n-1]
}

// spurs adds the candidates that deviate from accepted path c at or after
// the node c itself deviated from its parent.
func (y *yen) spurs(ctx context.Context, c int32) error {
	g, ws := y.q.g, y.q.ws
	cand := y.cands[c]
	y.cum = append(y.cum[:0], 0)
	for _, e := range y.edges(c) {
		y.cum = append(y.cum, y.cum[len(y.cum)-1]+edgeCost(g, e, y.q.weighted))
	}
	for i := cand.dev; i < cand.n-1; i++ {
		rem := y.budget - int(i)
		if rem < 1 {
			break
		}
		nodes := y.nodes(c)
		ws.begin()
		ws.banNodes(y.q.avoid)
		ws.banNodes(nodes[:i])
		for _, a := range y.accepted {
			an := y.nodes(a)
			if len(an) > int(i)+1 && slices.Equal(an[:i+1], nodes[:i+1]) {
				ws.eban[y.edges(a)[i]] = ws.ep
			}
		}
		ok, err := ws.search(ctx, g, y.q.rank, nodes[i], y.t, rem, y.q.weighted)
		if err != nil {
			return err
		}
		if ok {
			cost := y.cum[i]
			for _, e := range ws.pedges {
				cost += edgeCost(g, e, y.q.weighted)
			}
			y.addSpur(c, i, cost)
		}
	}
	return nil
}

// addSpur appends root c[:i] + ws.pnodes as a candidate unless already known.
func (y *yen) addSpur(c, i int32, cost float64) {
	no, eo := int32(len(y.nodeBuf)), int32(len(y.edgeBuf))
	x := y.cands[c]
	y.nodeBuf = append(y.nodeBuf, y.nodeBuf[x.no:x.no+i]...)
	y.nodeBuf = append(y.nodeBuf, y.q.ws.pnodes...)
	y.edgeBuf = append(y.edgeBuf, y.edgeBuf[x.eo:x.eo+i]...)
	y.edgeBuf = append(y.edgeBuf, y.q.ws.pedges...)
	if !y.insert(no, eo, int32(len(y.nodeBuf))-no, i, cost) {
		y.nodeBuf, y.edgeBuf = y.nodeBuf[:no], y.edgeBuf[:eo]
	}
}

// add appends a fresh path as a candidate.
func (y *yen) add(nodes, edges []int32, cost float64, dev int32) {
	no, eo := int32(len(y.nodeBuf)), int32(len(y.edgeBuf))
	y.nodeBuf = append(y.nodeBuf, nodes...)
	y.edgeBuf = append(y.edgeBuf, edges...)
	y.insert(no, eo, int32(len(nodes)), dev, cost)
}

// insert records the candidate stored at no/eo unless its node sequence is
// already a candidate; it reports whether it did.
func (y *yen) insert(no, eo, n, dev int32, cost float64) bool {
	seq := y.nodeBuf[no : no+n]
	h := uint64(14695981039346656037) // FNV-1a
	for _, v := range seq {
		h = (h ^ uint64(uint32(v))) * 1099511628211
	}
	for _, o := range y.dedup[h] {
		if slices.Equal(y.nodes(o), seq) {
			return false
		}
	}
	c := int32(len(y.cands))
	y.cands = append(y.cands, yenCand{no: no, eo: eo, n: n, dev: dev, cost: cost})
	y.dedup[h] = append(y.dedup[h], c)
	y.heap = append(y.heap, c)
	for i := len(y.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if y.less(y.heap[p], y.heap[i]) {
			break
		}
		y.heap[i], y.heap[p] = y.heap[p], y.heap[i]
		i = p
	}
	return true
}

// less orders candidates by the path order.
func (y *yen) less(a, b int32) bool {
	ca, cb := y.cands[a], y.cands[b]
	if c := compareCost(ca.cost, cb.cost); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(ca.n, cb.n); c != 0 {
		return c < 0
	}
	return compareSeq(y.nodes(a), y.nodes(b), y.q.rank) < 0
}

func (y *yen) popCand() (int32, bool) {
	h := y.heap
	if len(h) == 0 {
		return 0, false
	}
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		if r := l + 1; r < len(h) && y.less(h[r], h[l]) {
			l = r
		}
		if !y.less(h[l], h[i]) {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
	y.heap = h
	return top, true
}
