package resolvers

import (
	"context"
	"errors"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// Bounds that keep path queries safe.
const (
	MaxHops = 10
	MaxK    = 50
)

// pathQuery is a resolved pair of endpoints in a snapshot, with the
// request's time budget applied to ctx.
type pathQuery struct {
	s      *snapshot.Snapshot
	from   int32
	to     int32
	cancel context.CancelFunc
}

// endpoints resolves from and to in scope and starts the time budget.
// from == to and unknown IDs are errors naming the argument.
func (r *Resolver) endpoints(ctx context.Context, from, to string, sc graph.Scope) (context.Context, *pathQuery, error) {
	if from == to {
		return nil, nil, graph.Errorf(graph.EINVALID, "to", "from and to are the same actor: a path needs two")
	}
	s, err := r.Snapshots.Get(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.Node("from", from)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Node("to", to)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.PathBudget)
	return ctx, &pathQuery{s, f, t, cancel}, nil
}

// searchError turns an algorithm's error into one users can act on.
func (r *Resolver) searchError(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return graph.Errorf(graph.ETIMEOUT, "", "the path search ran out of its %s time budget: narrow the scope, or lower k or maxHops", r.PathBudget)
	case errors.Is(err, analysis.ErrSameEndpoints):
		return graph.Errorf(graph.EINVALID, "to", "from and to are the same actor: a path needs two")
	case errors.Is(err, analysis.ErrOption), errors.Is(err, analysis.ErrNoNode):
		return graph.Errorf(graph.EINVALID, "", "%v", err)
	}
	return err
}

func bounded(name string, v *int32, def, max int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || int(*v) > max {
		return 0, graph.Errorf(graph.EINVALID, name, "%s must be between 1 and %d", name, max)
	}
	return int(*v), nil
}

// knowledgePath converts a path, taking each step's strongest link.
func knowledgePath(s *snapshot.Snapshot, p analysis.Path) *model.KnowledgePath {
	links := make([]int32, len(p.Edges))
	for i, e := range p.Edges {
		links[i] = s.G.Edges[e].Links[0]
	}
	return timedPath(s, p, links, nil)
}

// timedPath converts a path whose steps use the given links on given days
// (days nil: undated).
func timedPath(s *snapshot.Snapshot, p analysis.Path, links []int32, days []int) *model.KnowledgePath {
	out := &model.KnowledgePath{Hops: int32(len(p.Edges)), Cost: p.Cost, Actors: actors(s, p.Nodes)}
	for i, l := range links {
		step := &model.PathStep{From: model.ActorOf(s.Actors[p.Nodes[i]]), To: model.ActorOf(s.Actors[p.Nodes[i+1]]),
			Link: &model.Link{Link: s.Links[l]}}
		if days != nil && days[i] != analysis.NoStart && days[i] != analysis.NoEnd {
			d := snapshot.DateOfDay(days[i])
			step.Day = &d
		}
		out.Steps = append(out.Steps, step)
	}
	return out
}

func (r *Resolver) knowledgePaths(ctx context.Context, from, to string, sc *model.Scope, k, maxHops *int32, cost *model.PathCost,
	timeRespecting *bool, via, avoid []string) ([]*model.KnowledgePath, error) {
	nk, err := bounded("k", k, 1, MaxK)
	if err != nil {
		return nil, err
	}
	hops, err := bounded("maxHops", maxHops, MaxHops, MaxHops)
	if err != nil {
		return nil, err
	}
	timed := timeRespecting != nil && *timeRespecting
	switch {
	case timed && (nk > 1 || len(via) > 0):
		return nil, graph.Errorf(graph.EINVALID, "timeRespecting", "a time-respecting search returns the earliest journey: use it without k > 1 or via")
	case len(via) > 0 && nk > 1:
		return nil, graph.Errorf(graph.EINVALID, "via", "via finds the shortest path through the given actors: use it without k > 1")
	}
	scope := scopeOf(sc)
	weighted := cost != nil && *cost == model.PathCostStrength
	scope.Weighted = scope.Weighted || weighted
	ctx, q, err := r.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	opt := analysis.PathOptions{Weighted: weighted, MaxHops: hops}
	if opt.Via, err = q.s.Nodes("via", via); err != nil {
		return nil, err
	}
	if opt.Avoid, err = q.s.Nodes("avoid", avoid); err != nil {
		return nil, err
	}
	var out []*model.KnowledgePath
	switch {
	case timed:
		var win *analysis.Interval
		if !scope.Window.From.IsZero() || !scope.Window.To.IsZero() {
			w := analysis.Always
			if !scope.Window.From.IsZero() {
				w.From = snapshot.Day(scope.Window.From)
			}
			if !scope.Window.To.IsZero() {
				w.To = snapshot.Day(scope.Window.To)
			}
			win = &w
		}
		p, err := analysis.TimeRespectingPath(ctx, q.s.G, q.from, q.to, analysis.IntervalSlice(q.s.Times),
			analysis.TimeOptions{Window: win, Avoid: opt.Avoid, MaxHops: hops})
		if err != nil {
			return nil, r.searchError(err)
		}
		if len(p.Nodes) > 0 {
			out = append(out, timedPath(q.s, p.Path, p.Links, p.Times))
		}
	case nk == 1:
		p, err := analysis.ShortestPath(ctx, q.s.G, q.from, q.to, opt)
		if err != nil {
			return nil, r.searchError(err)
		}
		if len(p.Nodes) > 0 {
			out = append(out, knowledgePath(q.s, p))
		}
	default:
		ps, err := analysis.KShortestPaths(ctx, q.s.G, q.from, q.to, nk, opt)
		if err != nil {
			return nil, r.searchError(err)
		}
		for _, p := range ps {
			out = append(out, knowledgePath(q.s, p))
		}
	}
	return nonNilPaths(out), nil
}

func nonNilPaths(ps []*model.KnowledgePath) []*model.KnowledgePath {
	if ps == nil {
		return []*model.KnowledgePath{}
	}
	return ps
}

func (r *Resolver) allShortestPaths(ctx context.Context, from, to string, sc *model.Scope, first *int32) (*model.AllShortestPaths, error) {
	n, err := limit(first, 10, 1000)
	if err != nil {
		return nil, err
	}
	scope := scopeOf(sc)
	ctx, q, err := r.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	sp, err := analysis.AllShortestPaths(ctx, q.s.G, q.from, q.to, analysis.PathOptions{Weighted: scope.Weighted}, n)
	if err != nil {
		return nil, r.searchError(err)
	}
	out := &model.AllShortestPaths{Count: sp.Count, Paths: []*model.KnowledgePath{}}
	if sp.Count > 0 {
		out.Cost = &sp.Cost
	}
	for _, p := range sp.Paths {
		out.Paths = append(out.Paths, knowledgePath(q.s, p))
	}
	return out, nil
}

func (r *Resolver) introducers(ctx context.Context, from, to string, sc *model.Scope, first *int32) ([]*model.Introducer, error) {
	n, err := limit(first, 10, 1000)
	if err != nil {
		return nil, err
	}
	scope := scopeOf(sc)
	ctx, q, err := r.endpoints(ctx, from, to, scope)
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	in, err := analysis.Introducers(ctx, q.s.G, q.from, q.to, analysis.PathOptions{Weighted: scope.Weighted})
	if err != nil {
		return nil, r.searchError(err)
	}
	out := []*model.Introducer{}
	for _, x := range in[:min(n, len(in))] {
		out = append(out, &model.Introducer{Actor: model.ActorOf(q.s.Actors[x.Node]), Paths: x.Paths, Share: x.Share})
	}
	return out, nil
}

func (r *Resolver) resilience(ctx context.Context, from, to string, sc *model.Scope) (*model.ConnectionResilience, error) {
	ctx, q, err := r.endpoints(ctx, from, to, scopeOf(sc))
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	c, err := analysis.Resilience(ctx, q.s.G, q.from, q.to)
	if err != nil {
		return nil, r.searchError(err)
	}
	out := &model.ConnectionResilience{IndependentPaths: int32(c.Independent), Paths: []*model.KnowledgePath{},
		SinglePointsOfFailure: actors(q.s, c.Critical)}
	for _, p := range c.Paths {
		out.Paths = append(out.Paths, knowledgePath(q.s, p))
	}
	return out, nil
}

// around resolves one actor in scope for reach and neighbourhood.
func (r *Resolver) around(ctx context.Context, field, id string, sc *model.Scope) (context.Context, *pathQuery, error) {
	s, err := r.Snapshots.Get(ctx, scopeOf(sc))
	if err != nil {
		return nil, nil, err
	}
	v, err := s.Node(field, id)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.PathBudget)
	return ctx, &pathQuery{s: s, from: v, cancel: cancel}, nil
}

func reached(s *snapshot.Snapshot, rc analysis.Reached, skipSource bool) []*model.ReachedActor {
	out := []*model.ReachedActor{}
	for i, v := range rc.Nodes {
		if skipSource && rc.Dist[i] == 0 {
			continue
		}
		out = append(out, &model.ReachedActor{Actor: model.ActorOf(s.Actors[v]), Distance: rc.Dist[i]})
	}
	return out
}

func (r *Resolver) reach(ctx context.Context, from string, maxHops *int32, sc *model.Scope, first *int32) (*model.Reach, error) {
	hops, err := bounded("maxHops", maxHops, 2, MaxHops)
	if err != nil {
		return nil, err
	}
	n, err := limit(first, 100, graph.MaxPageSize)
	if err != nil {
		return nil, err
	}
	ctx, q, err := r.around(ctx, "from", from, sc)
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	rc, err := analysis.Reach(ctx, q.s.G, q.from, hops)
	if err != nil {
		return nil, r.searchError(err)
	}
	all := reached(q.s, rc, true)
	return &model.Reach{TotalCount: int32(len(all)), Actors: all[:min(n, len(all))]}, nil
}

// maxEgoActors bounds a neighbourhood, which a dashboard draws whole.
const maxEgoActors = 5000

func (r *Resolver) neighbourhood(ctx context.Context, id string, hops *int32, sc *model.Scope) (*model.Neighbourhood, error) {
	h, err := bounded("hops", hops, 1, 3)
	if err != nil {
		return nil, err
	}
	ctx, q, err := r.around(ctx, "id", id, sc)
	if err != nil {
		return nil, err
	}
	defer q.cancel()
	ego, err := analysis.Neighbourhood(ctx, q.s.G, q.from, h)
	if err != nil {
		return nil, r.searchError(err)
	}
	if len(ego.Nodes) > maxEgoActors {
		return nil, graph.Errorf(graph.EINVALID, "hops", "the neighbourhood holds %d actors, more than %d: lower hops or narrow the scope", len(ego.Nodes), maxEgoActors)
	}
	out := &model.Neighbourhood{Actors: reached(q.s, ego.Reached, false), Links: []*model.Link{}}
	for _, e := range ego.Edges {
		for _, l := range q.s.G.Edges[e].Links {
			out.Links = append(out.Links, &model.Link{Link: q.s.Links[l]})
		}
	}
	return out, nil
}
