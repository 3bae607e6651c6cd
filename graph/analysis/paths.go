package analysis

import (
	"cmp"
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"sync"
	"weak"
)

// Errors returned by the path searches. Unreachable targets are not errors:
// they give an empty result.
var (
	// ErrSameEndpoints is returned when source and target are the same node.
	ErrSameEndpoints = errors.New("analysis: source and target are the same node")
	// ErrNoNode is returned for a nil graph or a node index out of range.
	ErrNoNode = errors.New("analysis: no such node")
	// ErrOption is returned for an option a search does not support.
	ErrOption = errors.New("analysis: unsupported path option")
)

// PathOptions shape a path search between two nodes.
type PathOptions struct {
	// Weighted minimises Σ 1/Weight over the path's edges (strong ties are
	// short) instead of the number of hops. Edges whose Weight is not a
	// finite positive number cannot be crossed by weighted searches.
	Weighted bool
	// Via lists nodes the path must pass through, in order (ShortestPath only).
	Via []int32
	// Avoid lists nodes the path must not touch. Avoiding an endpoint gives
	// an empty result.
	Avoid []int32
	// MaxHops bounds the number of edges of a path; 0 or less means no bound.
	MaxHops int
}

// Path is a walk without repeated nodes. Edges[i] is the index in g.Edges of
// the edge from Nodes[i] to Nodes[i+1]. Cost is the number of hops, or
// Σ 1/Weight summed from the source for weighted searches. The zero Path
// means "no path".
type Path struct {
	Nodes []int32
	Edges []int32
	Cost  float64
}

// Hops returns the number of edges on p.
func (p Path) Hops() int { return len(p.Edges) }

// Path order. Every search that picks one path among equals, and the ranking
// of KShortestPaths, uses the same total order: lower cost first (costs
// within a relative 1e-12 of each other count as equal, so that rounding in
// sums of 1/Weight does not decide), then fewer hops, then the node key
// sequence compared lexicographically (string order of Graph.Keys).
const costTie = 1e-12

// comparePaths orders a before b per the path order above; rank holds each
// node's position in key order.
func comparePaths(a, b Path, rank []int32) int {
	if c := compareCost(a.Cost, b.Cost); c != 0 {
		return c
	}
	if c := cmp.Compare(len(a.Nodes), len(b.Nodes)); c != 0 {
		return c
	}
	return compareSeq(a.Nodes, b.Nodes, rank)
}

func compareCost(a, b float64) int {
	if math.Abs(a-b) <= costTie*max(math.Abs(a), math.Abs(b)) {
		return 0
	}
	return cmp.Compare(a, b)
}

func compareSeq(a, b []int32, rank []int32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return cmp.Compare(rank[a[i]], rank[b[i]])
		}
	}
	return cmp.Compare(len(a), len(b))
}

// edgeCost is the length of edge e: 1 per hop, or 1/Weight when weighted.
// It is +Inf for edges a weighted search cannot cross.
func edgeCost(g *Graph, e int32, weighted bool) float64 {
	if !weighted {
		return 1
	}
	w := g.Edges[e].Weight
	if !(w > 0) || math.IsInf(w, 1) {
		return math.Inf(1)
	}
	return 1 / w
}

// pathCost sums the edge lengths of edges from the source onwards.
func pathCost(g *Graph, edges []int32, weighted bool) float64 {
	if !weighted {
		return float64(len(edges))
	}
	c := 0.0
	for _, e := range edges {
		c += edgeCost(g, e, weighted)
	}
	return c
}

// checkPair validates a source–target query.
func checkPair(g *Graph, s, t int32) error {
	if err := checkNode(g, s); err != nil {
		return err
	}
	if err := checkNode(g, t); err != nil {
		return err
	}
	if s == t {
		return ErrSameEndpoints
	}
	return nil
}

func checkNode(g *Graph, v int32) error {
	if g == nil || v < 0 || int(v) >= g.N() || len(g.OutOff) != g.N()+1 {
		return ErrNoNode
	}
	return nil
}

// hopBudget turns MaxHops into a bound no path can exceed (n-1 at most).
func hopBudget(g *Graph, maxHops int) int {
	if maxHops <= 0 || maxHops > g.N()-1 {
		return g.N() - 1
	}
	return maxHops
}

// rankCache maps a Graph, weakly, to its nodes' positions in key order, so
// repeated queries on a cached snapshot do not sort the keys again.
var rankCache sync.Map // weak.Pointer[Graph] → []int32

// keyRanks returns rank with rank[v] < rank[w] iff Keys[v] < Keys[w] (ties by index).
func keyRanks(g *Graph) []int32 {
	wp := weak.Make(g)
	if r, ok := rankCache.Load(wp); ok {
		if r := r.([]int32); len(r) == g.N() {
			return r
		}
	}
	order := make([]int32, g.N())
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(g.Keys[a], g.Keys[b]), cmp.Compare(a, b))
	})
	rank := make([]int32, g.N())
	for i, v := range order {
		rank[v] = int32(i)
	}
	if _, loaded := rankCache.Swap(wp, rank); !loaded {
		runtime.AddCleanup(g, func(k weak.Pointer[Graph]) { rankCache.Delete(k) }, wp)
	}
	return rank
}

// ShortestPath returns the first s–t path in the path order: the fewest hops
// (bidirectional breadth-first search, Pohl 1971), or with opt.Weighted the
// least Σ 1/Weight (Dijkstra 1959, searched backwards from t so that ties
// resolve to the lexicographically least key sequence).
//
// With opt.Via the path is concatenated from legs s→via₁→…→t, each leg a
// shortest path avoiding the nodes of the legs already fixed, so the whole
// stays simple. Legs are fixed once from the front and once from the back
// and the better result is returned. This is exact when the unconstrained
// legs are disjoint; otherwise it is a heuristic, since a shortest simple
// path through a given node is the two-disjoint-paths problem, NP-hard in
// directed graphs (Fortune, Hopcroft & Wyllie 1980).
//
// An unreachable t, or no path within opt.MaxHops, gives the zero Path.
func ShortestPath(ctx context.Context, g *Graph, s, t int32, opt PathOptions) (Path, error) {
	if err := checkPair(g, s, t); err != nil {
		return Path{}, err
	}
	for _, v := range opt.Via {
		if err := checkNode(g, v); err != nil {
			return Path{}, err
		}
	}
	q := newQuery(g, opt)
	defer q.release()
	if len(opt.Via) == 0 {
		return q.shortest(ctx, s, t, nil, hopBudget(g, opt.MaxHops))
	}
	return q.via(ctx, s, t, opt.Via)
}

// query carries what every search of one request shares.
type query struct {
	g        *Graph
	weighted bool
	avoid    []int32
	maxHops  int
	rank     []int32
	ws       *pathWS
}

func newQuery(g *Graph, opt PathOptions) *query {
	return &query{g: g, weighted: opt.Weighted, avoid: opt.Avoid, maxHops: opt.MaxHops,
		rank: keyRanks(g), ws: getWS(g)}
}

func (q *query) release() { putWS(q.ws) }

// avoided reports whether v is in opt.Avoid.
func (q *query) avoided(v int32) bool { return slices.Contains(q.avoid, v) }

// shortest runs one search from s to t with the given extra banned nodes,
// returning a Path with freshly allocated slices.
func (q *query) shortest(ctx context.Context, s, t int32, ban []int32, budget int) (Path, error) {
	if q.avoided(s) || q.avoided(t) {
		return Path{}, nil
	}
	ws := q.ws
	ws.begin()
	ws.banNodes(q.avoid)
	ws.banNodes(ban)
	ok, err := ws.search(ctx, q.g, q.rank, s, t, budget, q.weighted)
	if err != nil || !ok {
		return Path{}, err
	}
	p := Path{Nodes: slices.Clone(ws.pnodes), Edges: slices.Clone(ws.pedges)}
	p.Cost = pathCost(q.g, p.Edges, q.weighted)
	return p, nil
}

// via fixes the legs between consecutive waypoints front-first and
// back-first and returns the better simple path.
func (q *query) via(ctx context.Context, s, t int32, via []int32) (Path, error) {
	stops := []int32{s}
	for _, v := range via {
		if v != s && v != t && v != stops[len(stops)-1] {
			stops = append(stops, v)
		}
	}
	stops = append(stops, t)
	seen := map[int32]bool{}
	for _, v := range stops {
		if seen[v] || q.avoided(v) {
			return Path{}, nil
		}
		seen[v] = true
	}
	front, err := q.legs(ctx, stops, false)
	if err != nil {
		return Path{}, err
	}
	back, err := q.legs(ctx, stops, true)
	if err != nil {
		return Path{}, err
	}
	best := q.better(front, back)
	if len(stops) != 3 {
		return best, nil
	}
	return q.boundVia(ctx, stops, best)
}

// better returns the earlier of two candidate paths in the path order.
func (q *query) better(a, b Path) Path {
	switch {
	case a.Nodes == nil:
		return b
	case b.Nodes == nil || comparePaths(a, b, q.rank) <= 0:
		return a
	}
	return b
}

// viaFirstLegs bounds the first legs boundVia tries.
const viaFirstLegs = 64

// boundVia makes a single-via search exact in most cases, by branch and
// bound over the first leg: it lists s→via legs cheapest first (Yen) and
// joins each with the shortest via→t leg avoiding it, stopping once a first
// leg alone costs as much as the best whole path. The greedy result is
// already optimal, and nothing is listed, when it costs the sum of the two
// unconstrained legs. After viaFirstLegs legs the best so far is returned.
func (q *query) boundVia(ctx context.Context, stops []int32, best Path) (Path, error) {
	s, v, t := stops[0], stops[1], stops[2]
	budget := hopBudget(q.g, q.maxHops)
	lower, err := q.legCosts(ctx, s, v, t, budget)
	if err != nil || lower < 0 || best.Nodes != nil && compareCost(best.Cost, lower) == 0 {
		return best, err
	}
	avoid := append(slices.Clone(q.avoid), t)
	firsts, err := KShortestPaths(ctx, q.g, s, v, viaFirstLegs, PathOptions{Weighted: q.weighted, Avoid: avoid, MaxHops: budget - 1})
	if err != nil {
		return Path{}, err
	}
	for _, a := range firsts {
		if best.Nodes != nil && compareCost(a.Cost, best.Cost) >= 0 {
			break
		}
		b, err := q.shortest(ctx, v, t, a.Nodes[:len(a.Nodes)-1], budget-a.Hops())
		if err != nil {
			return Path{}, err
		}
		if b.Nodes != nil {
			p := Path{Nodes: append(slices.Clone(a.Nodes), b.Nodes[1:]...), Edges: append(slices.Clone(a.Edges), b.Edges...)}
			p.Cost = pathCost(q.g, p.Edges, q.weighted)
			best = q.better(best, p)
		}
	}
	return best, nil
}

// legCosts returns the cost of the shortest s→v leg avoiding t plus that of
// the shortest v→t leg avoiding s, a lower bound on any simple path through
// v; -1 if either leg does not exist.
func (q *query) legCosts(ctx context.Context, s, v, t int32, budget int) (float64, error) {
	a, err := q.shortest(ctx, s, v, []int32{t}, budget-1)
	if err != nil || a.Nodes == nil {
		return -1, err
	}
	b, err := q.shortest(ctx, v, t, []int32{s}, budget-1)
	if err != nil || b.Nodes == nil {
		return -1, err
	}
	return a.Cost + b.Cost, nil
}

// legs joins shortest legs between consecutive stops, fixing them from the
// front (or from the back when backward); each leg avoids the nodes already
// used and all other stops.
func (q *query) legs(ctx context.Context, stops []int32, backward bool) (Path, error) {
	n := len(stops) - 1
	parts := make([]Path, n)
	used := []int32{}
	hops := 0
	for j := range n {
		i := j
		if backward {
			i = n - 1 - j
		}
		ban := []int32{}
		for _, v := range append(slices.Clone(used), stops...) {
			if v != stops[i] && v != stops[i+1] {
				ban = append(ban, v)
			}
		}
		budget := hopBudget(q.g, q.maxHops) - hops - (n - 1 - j)
		if budget < 1 {
			return Path{}, nil
		}
		p, err := q.shortest(ctx, stops[i], stops[i+1], ban, budget)
		if err != nil || p.Nodes == nil {
			return Path{}, err
		}
		parts[i] = p
		hops += p.Hops()
		used = append(used, p.Nodes...)
	}
	var out Path
	for i, p := range parts {
		if i > 0 {
			p.Nodes = p.Nodes[1:]
		}
		out.Nodes = append(out.Nodes, p.Nodes...)
		out.Edges = append(out.Edges, p.Edges...)
	}
	out.Cost = pathCost(q.g, out.Edges, q.weighted)
	return out, nil
}
