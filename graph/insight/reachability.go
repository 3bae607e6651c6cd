package insight

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// ReachStatus says whether knowledge can travel from one actor to another,
// and if not, what stands in the way.
type ReachStatus string

const (
	Connected           ReachStatus = "CONNECTED"            // a path within maxHops (forward in time if asked)
	DifferentComponents ReachStatus = "DIFFERENT_COMPONENTS" // no chain of links joins them in the scope
	AgainstDirection    ReachStatus = "AGAINST_DIRECTION"    // joined only against the direction of directed links
	TooManyHops         ReachStatus = "TOO_MANY_HOPS"        // the shortest path is longer than maxHops
	NotForwardInTime    ReachStatus = "NOT_FORWARD_IN_TIME"  // paths exist, but none whose links follow one another in time
)

// MaxIntroductions is how many introductions Reachability suggests.
const MaxIntroductions = 5

// Reachability explains a path query's answer: why it is empty, and what
// would change that.
type Reachability struct {
	Status  ReachStatus
	Message string // a sentence a client can show
	// Hops is the shortest path's length ignoring maxHops and time; nil if
	// there is none.
	Hops                               *int
	FromComponentSize, ToComponentSize int
	// Introductions, when the two are in different components, pair actors
	// near each end whose introduction would join them, shortest resulting
	// path first.
	Introductions []Introduction
}

// Introduction is one new tie that would open a path.
type Introduction struct {
	A, B *graph.Actor // A near from, B near to
	Hops int          // the path from → … → A → B → … → to it would open
}

// Reachability says whether from reaches to in scope within maxHops (and
// forward in time if asked) and, when it does not, why: different
// components, only against the direction of links, too far, or not in time
// order. For different components it suggests introductions between the
// best-connected actors within two hops of each end.
func (sv *Service) Reachability(ctx context.Context, from, to string, scope graph.Scope, maxHops int, timeRespecting bool) (*Reachability, error) {
	if err := checkRange("maxHops", maxHops, 1, MaxHops); err != nil {
		return nil, err
	}
	ctx, cancel, sr, err := sv.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer cancel()
	g := sr.s.G
	comp, sizes := analysis.Components(g)
	r := &Reachability{FromComponentSize: int(sizes[comp[sr.from]]), ToComponentSize: int(sizes[comp[sr.to]])}
	name := func(v int32) string { return sr.s.Actors[v].Name }
	if comp[sr.from] != comp[sr.to] {
		r.Status = DifferentComponents
		r.Message = fmt.Sprintf("%s and %s are in different parts of the network (of %d and %d actors): no chain of links in this scope joins them",
			name(sr.from), name(sr.to), r.FromComponentSize, r.ToComponentSize)
		if r.Introductions, err = introductions(ctx, sr); err != nil {
			return nil, sv.searchError(err)
		}
		return r, nil
	}
	p, err := analysis.ShortestPath(ctx, g, sr.from, sr.to, analysis.PathOptions{})
	if err != nil {
		return nil, sv.searchError(err)
	}
	if len(p.Nodes) == 0 {
		r.Status = AgainstDirection
		r.Message = fmt.Sprintf("%s reaches %s only against the direction of directed links: ask without scope.directed, or the other way round", name(sr.from), name(sr.to))
		return r, nil
	}
	hops := len(p.Edges)
	r.Hops = &hops
	switch {
	case hops > maxHops:
		r.Status = TooManyHops
		r.Message = fmt.Sprintf("the shortest path from %s to %s has %d hops, more than maxHops %d", name(sr.from), name(sr.to), hops, maxHops)
	case timeRespecting:
		tp, err := analysis.TimeRespectingPath(ctx, g, sr.from, sr.to, analysis.IntervalSlice(sr.s.Times),
			analysis.TimeOptions{Window: window(scope.Window), MaxHops: maxHops})
		if err != nil {
			return nil, sv.searchError(err)
		}
		if len(tp.Nodes) == 0 {
			r.Status = NotForwardInTime
			r.Message = fmt.Sprintf("paths join %s to %s (the shortest has %d hops), but on none do the links follow one another in time", name(sr.from), name(sr.to), hops)
			return r, nil
		}
		fallthrough
	default:
		r.Status = Connected
		r.Message = fmt.Sprintf("%s reaches %s in %d hops", name(sr.from), name(sr.to), hops)
	}
	return r, nil
}

// introductions pairs the best-placed actors near each end of a search
// whose ends lie in different components: nearest first, then the
// best-connected (an introduction to a hub joins the most people), then by
// key. An end with no neighbours is its own best introduction.
func introductions(ctx context.Context, sr *search) ([]Introduction, error) {
	near := func(v int32) ([]candidate, error) {
		rc, err := analysis.Reach(ctx, sr.s.G, v, 2)
		if err != nil {
			return nil, err
		}
		cs := make([]candidate, 0, len(rc.Nodes))
		for i, w := range rc.Nodes {
			if w != v || len(rc.Nodes) == 1 {
				cs = append(cs, candidate{w, int(rc.Dist[i]), degree(sr.s.G, w)})
			}
		}
		slices.SortFunc(cs, func(a, b candidate) int { return a.compare(b, sr.s) })
		return cs[:min(MaxIntroductions, len(cs))], nil
	}
	as, err := near(sr.from)
	if err != nil {
		return nil, err
	}
	bs, err := near(sr.to)
	if err != nil {
		return nil, err
	}
	type pair struct{ a, b candidate }
	var ps []pair
	for _, a := range as {
		for _, b := range bs {
			ps = append(ps, pair{a, b})
		}
	}
	slices.SortFunc(ps, func(x, y pair) int {
		return cmp.Or(cmp.Compare(x.a.dist+x.b.dist, y.a.dist+y.b.dist), cmp.Compare(y.a.degree+y.b.degree, x.a.degree+x.b.degree),
			x.a.compare(y.a, sr.s), x.b.compare(y.b, sr.s))
	})
	out := make([]Introduction, min(MaxIntroductions, len(ps)))
	for i, p := range ps[:len(out)] {
		out[i] = Introduction{sr.s.Actors[p.a.node], sr.s.Actors[p.b.node], p.a.dist + 1 + p.b.dist}
	}
	return out, nil
}

// candidate is an actor near one end of a search.
type candidate struct {
	node         int32
	dist, degree int
}

func (c candidate) compare(d candidate, s *snapshot.Snapshot) int {
	return cmp.Or(cmp.Compare(c.dist, d.dist), cmp.Compare(d.degree, c.degree), cmp.Compare(s.Actors[c.node].Key, s.Actors[d.node].Key))
}

// degree is v's number of neighbours (in and out when directed).
func degree(g *analysis.Graph, v int32) int {
	out, _ := g.Out(v)
	n := len(out)
	if g.Directed {
		in, _ := g.In(v)
		n += len(in)
	}
	return n
}
