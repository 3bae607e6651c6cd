package analysis

import (
	"container/heap"
	"context"
	"math"
)

// Interval is the validity of a link: the days From..To, both included.
// Open ends are NoStart and NoEnd; From > To means never valid.
type Interval struct{ From, To int }

// Open interval ends.
const (
	NoStart = math.MinInt
	NoEnd   = math.MaxInt
)

// Always is valid on every day.
var Always = Interval{NoStart, NoEnd}

// Intervals gives the validity of a link by the caller's link identifier
// (the ids in Edge.Links).
type Intervals func(link int32) Interval

// IntervalSlice returns Intervals reading ivs by link id. Ids outside ivs
// are always valid: a link with no known dates is not excluded.
func IntervalSlice(ivs []Interval) Intervals {
	return func(link int32) Interval {
		if link < 0 || int(link) >= len(ivs) {
			return Always
		}
		return ivs[link]
	}
}

// TimeOptions shape a time-respecting search.
type TimeOptions struct {
	// Window, if set, bounds the days at which steps may be taken.
	Window *Interval
	// Avoid lists nodes the path must not touch.
	Avoid []int32
	// MaxHops bounds the number of steps; 0 or less means no bound.
	MaxHops int
}

// TimedPath is a time-respecting path: step i crosses Edges[i] using the
// link Links[i] (one of the edge's merged links, or -1 for an edge with
// none) on day Times[i], with Times non-decreasing and each day inside its
// link's interval. Cost is the number of hops.
type TimedPath struct {
	Path
	Links []int32
	Times []int
}

// Arrival returns the day of the last step (NoEnd for the zero TimedPath).
func (p TimedPath) Arrival() int {
	if len(p.Times) == 0 {
		return NoEnd
	}
	return p.Times[len(p.Times)-1]
}

// TimeRespectingPath returns a path from s to t along which knowledge could
// have travelled forward in time: a day t_i inside the interval of the link
// used at each step with t_1 ≤ t_2 ≤ … (a "journey"; Xuan, Ferreira & Jarry,
// "Computing shortest, fastest, and foremost journeys in dynamic networks",
// IJFCS 14(2), 2003). Each step uses the merged link that allows the earliest
// day, the first of Edge.Links among equals. An edge with no link ids is
// valid on every day, as is a link for which ivs (nil: every link) has no
// dates.
//
// Objective: the earliest arrival day at t (a "foremost" journey) and, among
// journeys arriving then, the fewest hops. Since a journey that arrives
// later at an intermediate node may still reach t as early with fewer hops,
// labels are kept per hop count: relaxation in hop layers (Bellman 1958),
// where the label of v after layer h is the earliest day v can be reached
// in at most h steps, and only nodes whose label improved are expanded
// again. Remaining ties go to the journey the search meets first (a fixed
// order: frontier nodes as they improved, neighbours by index). The
// earliest journey with fewest hops never repeats a node, since removing a
// cycle keeps it time-respecting. Unreachable t gives the zero TimedPath.
func TimeRespectingPath(ctx context.Context, g *Graph, s, t int32, ivs Intervals, opt TimeOptions) (TimedPath, error) {
	if err := checkPair(g, s, t); err != nil {
		return TimedPath{}, err
	}
	j := newJourneys(g, ivs, opt)
	return j.search(ctx, s, t, opt)
}

// newJourneys sets up a search: nil ivs means every link is always
// valid, a nil window every day.
func newJourneys(g *Graph, ivs Intervals, opt TimeOptions) *journeys {
	if ivs == nil {
		ivs = func(int32) Interval { return Always }
	}
	win := Always
	if opt.Window != nil {
		win = *opt.Window
	}
	return &journeys{g: g, ivs: ivs, win: win, n: g.N()}
}

type journeys struct {
	g   *Graph
	ivs Intervals
	win Interval
	n   int
}

// jrec is one improvement of a node's label, in the layer it happened.
type jrec struct {
	layer, node, pred, edge, link, prev int32
	day                                 int
}

func (j *journeys) search(ctx context.Context, s, t int32, opt TimeOptions) (TimedPath, error) {
	n := j.n
	banned := make([]bool, n)
	for _, v := range opt.Avoid {
		if v >= 0 && int(v) < n {
			banned[v] = true
		}
	}
	if banned[s] || banned[t] || j.win.From > j.win.To {
		return TimedPath{}, nil
	}
	best := make([]int, n) // earliest day v is reached within the layers so far
	head := make([]int32, n)
	for i := range best {
		best[i], head[i] = NoEnd, -1
	}
	pend := make([]int32, n) // layer stamp of a pending improvement
	pday := make([]int, n)
	pfrom := make([]jrec, n)
	recs := []jrec{{layer: 0, node: s, pred: -1, edge: -1, link: -1, prev: -1, day: j.win.From}}
	best[s], head[s] = j.win.From, 0
	frontier := []int32{s}
	budget := hopBudget(j.g, opt.MaxHops)
	tick := 0
	for h := int32(1); int(h) <= budget && len(frontier) > 0; h++ {
		var changed []int32
		for _, x := range frontier {
			if tick++; tick&255 == 0 && ctx.Err() != nil {
				return TimedPath{}, ctx.Err()
			}
			if x == t || head[t] >= 0 && best[x] >= best[t] {
				continue // nothing through x can reach t earlier
			}
			adj, edg := j.g.Out(x)
			for i, y := range adj {
				if banned[y] || y == s {
					continue
				}
				day, link, ok := j.step(best[x], edg[i])
				if !ok || head[y] >= 0 && day >= best[y] || pend[y] == h && day >= pday[y] {
					continue
				}
				if pend[y] != h {
					pend[y] = h
					changed = append(changed, y)
				}
				pday[y] = day
				pfrom[y] = jrec{layer: h, node: y, pred: x, edge: edg[i], link: link, day: day}
			}
		}
		for _, y := range changed {
			r := pfrom[y]
			r.prev = head[y]
			recs = append(recs, r)
			head[y], best[y] = int32(len(recs)-1), r.day
		}
		frontier = changed
	}
	if head[t] < 0 {
		return TimedPath{}, nil
	}
	return j.trace(recs, head, s, t), nil
}

// step returns the earliest day ≥ from at which edge e can be crossed, and
// the link that allows it.
func (j *journeys) step(from int, e int32) (int, int32, bool) {
	links := j.g.Edges[e].Links
	if len(links) == 0 {
		d := max(from, j.win.From)
		return d, -1, d <= j.win.To
	}
	best, bl := NoEnd, int32(-1)
	ok := false
	for _, l := range links {
		iv := j.ivs(l)
		d := max(from, iv.From, j.win.From)
		if d <= iv.To && d <= j.win.To && (!ok || d < best) {
			best, bl, ok = d, l, true
		}
	}
	return best, bl, ok
}

// trace rebuilds the journey ending at t from the per-layer records: the
// label of v in layer h came from its predecessor's label in layer ≤ h-1.
func (j *journeys) trace(recs []jrec, head []int32, s, t int32) TimedPath {
	var rev []jrec
	layer := recs[head[t]].layer
	for v := t; v != s; {
		r := head[v]
		for recs[r].layer > layer {
			r = recs[r].prev
		}
		rev = append(rev, recs[r])
		v, layer = recs[r].pred, recs[r].layer-1
	}
	p := TimedPath{Path: Path{Nodes: []int32{s}, Cost: float64(len(rev))}}
	for i := len(rev) - 1; i >= 0; i-- {
		r := rev[i]
		p.Nodes = append(p.Nodes, r.node)
		p.Edges = append(p.Edges, r.edge)
		p.Links = append(p.Links, r.link)
		p.Times = append(p.Times, r.day)
	}
	return p
}

// EarliestArrivals returns, for every node, the earliest day knowledge
// leaving s could have reached it along a time-respecting journey, within
// opt.Window (opt.Avoid and opt.MaxHops are not used): NoEnd if it could
// not, and the window's start for s itself. Because a journey may wait at a
// node, arriving earlier never rules out a later step (journeys are "FIFO",
// Xuan, Ferreira & Jarry 2003), so a label-setting search on days
// (Dijkstra 1959) finds every foremost arrival exactly. The days are
// minima, so they do not depend on the order of equal labels.
func EarliestArrivals(ctx context.Context, g *Graph, s int32, ivs Intervals, opt TimeOptions) ([]int, error) {
	if err := checkNode(g, s); err != nil {
		return nil, err
	}
	j := newJourneys(g, ivs, opt)
	best := make([]int, j.n)
	for i := range best {
		best[i] = NoEnd
	}
	if j.win.From > j.win.To {
		return best, nil
	}
	best[s] = j.win.From
	done := make([]bool, j.n)
	q := &arrivals{{day: j.win.From, node: s}}
	tick := 0
	for q.Len() > 0 {
		a := heap.Pop(q).(arrival)
		if done[a.node] {
			continue
		}
		done[a.node] = true
		if tick++; tick&255 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		adj, edg := g.Out(a.node)
		for i, y := range adj {
			if done[y] {
				continue
			}
			if day, _, ok := j.step(a.day, edg[i]); ok && day < best[y] {
				best[y] = day
				heap.Push(q, arrival{day, y})
			}
		}
	}
	return best, nil
}

type arrival struct {
	day  int
	node int32
}

// arrivals is a min-heap of arrivals by day, then node.
type arrivals []arrival

func (h arrivals) Len() int { return len(h) }
func (h arrivals) Less(i, k int) bool {
	return h[i].day < h[k].day || h[i].day == h[k].day && h[i].node < h[k].node
}
func (h arrivals) Swap(i, k int) { h[i], h[k] = h[k], h[i] }
func (h *arrivals) Push(x any)   { *h = append(*h, x.(arrival)) }
func (h *arrivals) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
