package insight

import (
	"context"
	"errors"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Bounds that keep path queries safe.
const (
	MaxHops      = 10   // longest path a search considers
	MaxK         = 50   // most paths knowledgePaths returns
	MaxEgoHops   = 3    // widest neighbourhood
	MaxEgoActors = 5000 // largest neighbourhood, which a dashboard draws whole
)

// Path is a path between two actors, each step through one link.
type Path struct {
	Actors []*graph.Actor
	Steps  []Step
	Cost   float64 // hops, or Σ 1/weight by tie strength
}

// Step is one hop of a path.
type Step struct {
	From, To *graph.Actor
	Link     *graph.Link
	Day      *graph.Date // when a time-respecting path takes the step; nil otherwise
}

// PathQuery asks for the cheapest paths between two actors.
type PathQuery struct {
	From, To       string // actor IDs
	Scope          graph.Scope
	K              int  // paths wanted, cheapest first: 1..MaxK
	MaxHops        int  // longest path: 1..MaxHops
	ByStrength     bool // cost is Σ 1/weight (the scope becomes weighted), not hops
	TimeRespecting bool // the earliest journey forward in time through dated links
	Via, Avoid     []string
}

// search is a path query's snapshot and endpoints, with the time budget
// applied to its context.
type search struct {
	s        *snapshot.Snapshot
	from, to int32
}

// endpoints resolves from and to in scope and starts the time budget;
// from == to and unknown IDs are errors naming the argument.
func (sv *Service) endpoints(ctx context.Context, from, to string, scope graph.Scope) (context.Context, context.CancelFunc, *search, error) {
	if from == to {
		return nil, nil, nil, errSameActor()
	}
	ctx, cancel, s, f, err := sv.around(ctx, "from", from, scope, [2]string{"to", to})
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := s.Node("to", to)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, cancel, &search{s, f, t}, nil
}

// around resolves one actor (the argument field) in scope and starts the
// time budget; also are other actors the search needs.
func (sv *Service) around(ctx context.Context, field, id string, scope graph.Scope, also ...[2]string) (context.Context, context.CancelFunc, *snapshot.Snapshot, int32, error) {
	s, err := sv.Snapshot(ctx, scope, append(also, [2]string{field, id})...)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	v, err := s.Node(field, id)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, sv.PathBudget)
	return ctx, cancel, s, v, nil
}

// searchError turns a search's error into one users can act on.
func (sv *Service) searchError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return graph.Errorf(graph.ETIMEOUT, "", "the path search ran out of its %s time budget: narrow the scope, or lower k or maxHops", sv.PathBudget)
	}
	return userError(err)
}

func (q *PathQuery) check() error {
	if err := checkRange("k", q.K, 1, MaxK); err != nil {
		return err
	}
	if err := checkRange("maxHops", q.MaxHops, 1, MaxHops); err != nil {
		return err
	}
	switch {
	case q.TimeRespecting && (q.K > 1 || len(q.Via) > 0):
		return graph.Errorf(graph.EINVALID, "timeRespecting", "a time-respecting search returns the earliest journey: use it without k > 1 or via")
	case len(q.Via) > 0 && q.K > 1:
		return graph.Errorf(graph.EINVALID, "via", "via finds the shortest path through the given actors: use it without k > 1")
	}
	return nil
}

// KnowledgePaths returns up to q.K cheapest loopless paths from q.From to
// q.To (Yen), the shortest through q.Via in order, or the earliest
// time-respecting journey; none if q.To is unreachable.
func (sv *Service) KnowledgePaths(ctx context.Context, q PathQuery) ([]Path, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	q.Scope.Weighted = q.Scope.Weighted || q.ByStrength
	ctx, cancel, sr, err := sv.endpoints(ctx, q.From, q.To, q.Scope)
	if err != nil {
		return nil, err
	}
	defer cancel()
	opt := analysis.PathOptions{Weighted: q.ByStrength, MaxHops: q.MaxHops}
	if opt.Via, err = sr.s.Nodes("via", q.Via); err != nil {
		return nil, err
	}
	if opt.Avoid, err = sr.s.Nodes("avoid", q.Avoid); err != nil {
		return nil, err
	}
	var ps []analysis.Path
	switch {
	case q.TimeRespecting:
		p, err := analysis.TimeRespectingPath(ctx, sr.s.G, sr.from, sr.to, analysis.IntervalSlice(sr.s.Times),
			analysis.TimeOptions{Window: window(q.Scope.Window), Avoid: opt.Avoid, MaxHops: q.MaxHops})
		if err != nil || len(p.Nodes) == 0 {
			return []Path{}, sv.searchError(err)
		}
		return []Path{timedPath(sr.s, p.Path, p.Links, p.Times)}, nil
	case q.K == 1:
		p, err := analysis.ShortestPath(ctx, sr.s.G, sr.from, sr.to, opt)
		if err != nil {
			return nil, sv.searchError(err)
		}
		if len(p.Nodes) > 0 {
			ps = append(ps, p)
		}
	default:
		if ps, err = analysis.KShortestPaths(ctx, sr.s.G, sr.from, sr.to, q.K, opt); err != nil {
			return nil, sv.searchError(err)
		}
	}
	return paths(sr.s, ps), nil
}

// window converts a scope's date window to days; nil if unbounded.
func window(w graph.Interval) *analysis.Interval {
	if w.From.IsZero() && w.To.IsZero() {
		return nil
	}
	out := analysis.Always
	if !w.From.IsZero() {
		out.From = snapshot.Day(w.From)
	}
	if !w.To.IsZero() {
		out.To = snapshot.Day(w.To)
	}
	return &out
}

// paths converts paths, each step taking its tie's first (strongest) link.
func paths(s *snapshot.Snapshot, ps []analysis.Path) []Path {
	out := make([]Path, len(ps))
	for i, p := range ps {
		links := make([]int32, len(p.Edges))
		for j, e := range p.Edges {
			links[j] = s.G.Edges[e].Links[0]
		}
		out[i] = timedPath(s, p, links, nil)
	}
	return out
}

// timedPath converts a path whose steps use the given links on the given
// days (days nil: undated).
func timedPath(s *snapshot.Snapshot, p analysis.Path, links []int32, days []int) Path {
	out := Path{Cost: p.Cost, Actors: actors(s, p.Nodes), Steps: make([]Step, len(links))}
	for i, l := range links {
		out.Steps[i] = Step{From: s.Actors[p.Nodes[i]], To: s.Actors[p.Nodes[i+1]], Link: s.Links[l]}
		if days != nil && days[i] != analysis.NoStart && days[i] != analysis.NoEnd {
			d := snapshot.DateOfDay(days[i])
			out.Steps[i].Day = &d
		}
	}
	return out
}

// ShortestPaths is every shortest path between two actors: how many, how
// long, and the first few.
type ShortestPaths struct {
	Count float64
	Cost  *float64 // nil if there is no path
	Paths []Path
}

// AllShortestPaths counts the shortest paths from one actor to another in
// scope and lists the first n, in order of actor keys.
func (sv *Service) AllShortestPaths(ctx context.Context, from, to string, scope graph.Scope, n int) (*ShortestPaths, error) {
	ctx, cancel, sr, err := sv.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer cancel()
	sp, err := analysis.AllShortestPaths(ctx, sr.s.G, sr.from, sr.to, analysis.PathOptions{Weighted: scope.Weighted}, n)
	if err != nil {
		return nil, sv.searchError(err)
	}
	out := &ShortestPaths{Count: sp.Count, Paths: paths(sr.s, sp.Paths)}
	if sp.Count > 0 {
		out.Cost = &sp.Cost
	}
	return out, nil
}

// Introducer is an actor on shortest paths between two others.
type Introducer struct {
	Actor *graph.Actor
	Paths float64 // shortest paths through the actor
	Share float64 // their share of all shortest paths
}

// Introducers returns the first n actors on the shortest paths from one
// actor to another, largest share first.
func (sv *Service) Introducers(ctx context.Context, from, to string, scope graph.Scope, n int) ([]Introducer, error) {
	ctx, cancel, sr, err := sv.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer cancel()
	in, err := analysis.Introducers(ctx, sr.s.G, sr.from, sr.to, analysis.PathOptions{Weighted: scope.Weighted})
	if err != nil {
		return nil, sv.searchError(err)
	}
	out := make([]Introducer, min(n, len(in)))
	for i, x := range in[:len(out)] {
		out[i] = Introducer{sr.s.Actors[x.Node], x.Paths, x.Share}
	}
	return out, nil
}

// Resilience is how robustly one actor reaches another.
type Resilience struct {
	Independent           int            // paths sharing no actor but the ends
	Paths                 []Path         // that many node-disjoint paths, shortest first
	SinglePointsOfFailure []*graph.Actor // actors every path passes through
}

// ConnectionResilience measures how robustly from reaches to in scope.
func (sv *Service) ConnectionResilience(ctx context.Context, from, to string, scope graph.Scope) (*Resilience, error) {
	ctx, cancel, sr, err := sv.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer cancel()
	c, err := analysis.Resilience(ctx, sr.s.G, sr.from, sr.to)
	if err != nil {
		return nil, sv.searchError(err)
	}
	return &Resilience{Independent: c.Independent, Paths: paths(sr.s, c.Paths), SinglePointsOfFailure: actors(sr.s, c.Critical)}, nil
}

// Reached is an actor at some hop distance from another.
type Reached struct {
	Actor    *graph.Actor
	Distance int
}

func reached(s *snapshot.Snapshot, rc analysis.Reached, skipSource bool) []Reached {
	out := []Reached{}
	for i, v := range rc.Nodes {
		if !skipSource || rc.Dist[i] != 0 {
			out = append(out, Reached{s.Actors[v], int(rc.Dist[i])})
		}
	}
	return out
}

// Reach returns the actors within hops (1..MaxHops, field "maxHops") of
// actor from, nearest first, and how many there are in all; at most n are
// listed.
func (sv *Service) Reach(ctx context.Context, from string, hops int, scope graph.Scope, n int) ([]Reached, int, error) {
	if err := checkRange("maxHops", hops, 1, MaxHops); err != nil {
		return nil, 0, err
	}
	ctx, cancel, s, v, err := sv.around(ctx, "from", from, scope)
	if err != nil {
		return nil, 0, err
	}
	defer cancel()
	rc, err := analysis.Reach(ctx, s.G, v, hops)
	if err != nil {
		return nil, 0, sv.searchError(err)
	}
	all := reached(s, rc, true)
	return all[:min(n, len(all))], len(all), nil
}

// Neighbourhood is an actor's ego network.
type Neighbourhood struct {
	Actors []Reached // the actor first, then by distance
	Links  []*graph.Link
}

// Neighbourhood returns the actors within hops (1..MaxEgoHops, field
// "hops") of actor id and every link among them. More than MaxEgoActors
// actors is an EINVALID error on field "hops".
func (sv *Service) Neighbourhood(ctx context.Context, id string, hops int, scope graph.Scope) (*Neighbourhood, error) {
	s, ego, err := sv.ego(ctx, "id", id, "hops", hops, scope)
	if err != nil {
		return nil, err
	}
	return neighbourhood(s, ego), nil
}

// ego finds the actor named by field within hops (field hopsField) in
// scope, bounded as Neighbourhood documents.
func (sv *Service) ego(ctx context.Context, field, id, hopsField string, hops int, scope graph.Scope) (*snapshot.Snapshot, analysis.Ego, error) {
	if err := checkRange(hopsField, hops, 1, MaxEgoHops); err != nil {
		return nil, analysis.Ego{}, err
	}
	ctx, cancel, s, v, err := sv.around(ctx, field, id, scope)
	if err != nil {
		return nil, analysis.Ego{}, err
	}
	defer cancel()
	ego, err := analysis.Neighbourhood(ctx, s.G, v, hops)
	if err != nil {
		return nil, analysis.Ego{}, sv.searchError(err)
	}
	if len(ego.Nodes) > MaxEgoActors {
		return nil, analysis.Ego{}, graph.Errorf(graph.EINVALID, hopsField, "the neighbourhood holds %d actors, more than %d: lower %s or narrow the scope", len(ego.Nodes), MaxEgoActors, hopsField)
	}
	return s, ego, nil
}

// neighbourhood lists an ego network's actors and every link of its ties.
func neighbourhood(s *snapshot.Snapshot, ego analysis.Ego) *Neighbourhood {
	out := &Neighbourhood{Actors: reached(s, ego.Reached, false), Links: []*graph.Link{}}
	for _, e := range ego.Edges {
		for _, l := range s.G.Edges[e].Links {
			out.Links = append(out.Links, s.Links[l])
		}
	}
	return out
}
