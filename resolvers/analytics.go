package resolvers

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// This file adapts the analytics of graph/insight to GraphQL: arguments in,
// results out, nothing computed here.

// scopeOf converts a GraphQL scope (nil: everything) to the domain's.
func scopeOf(s *model.Scope) graph.Scope {
	if s == nil {
		return graph.Scope{}
	}
	return graph.Scope{LinkTypes: s.LinkTypes.Value(), ActorKinds: kinds(s.ActorKinds.Value()), ProgrammeID: ref(graph.KindProgramme, s.ProgrammeID),
		Window: graph.Interval{From: val(s.From), To: val(s.To)}, Directed: val(s.Directed), Weighted: val(s.Weighted)}
}

func (r *Resolver) snapshot(ctx context.Context, s *model.Scope, ids ...[2]string) (*snapshot.Snapshot, error) {
	return r.insight().Snapshot(ctx, scopeOf(s), ids...)
}

// consistencyOf maps the consistency argument; absent is insight.Auto.
func consistencyOf(c *model.Consistency) insight.Consistency {
	switch {
	case c == nil:
		return insight.Auto
	case *c == model.ConsistencyLatest:
		return insight.Latest
	}
	return insight.Fresh
}

var methods = [...]model.AnalyticsMethod{insight.Exact: model.AnalyticsMethodExact,
	insight.SourceSampling: model.AnalyticsMethodSourceSampling, insight.Kadabra: model.AnalyticsMethodKadabra}

// served shows info, and marks ctx's answer stale if the result is.
func served(ctx context.Context, info insight.Info) *model.AnalyticsResult {
	markStale(ctx, info)
	out := &model.AnalyticsResult{Version: info.Version, ComputedAt: info.ComputedAt.Format(time.RFC3339Nano), Stale: info.Stale,
		Method: methods[info.Estimate.Method]}
	if info.Estimate.Method != insight.Exact {
		out.Epsilon, out.Delta = &info.Estimate.Epsilon, &info.Estimate.Delta
	}
	return out
}

// markStale marks ctx's answer stale if the result info describes is.
func markStale(ctx context.Context, info insight.Info) {
	if info.Stale {
		insight.MarkStale(ctx)
	}
}

// ranking answers a broker ranking from the background results.
func (r *Resolver) ranking(ctx context.Context, scope graph.Scope, metric *model.Metric, groupBy *model.GroupBy, first *int32,
	def, max int, c insight.Consistency) (*model.BrokerRanking, error) {
	n, err := limit(first, def, max)
	if err != nil {
		return nil, err
	}
	m, err := metricOf(metric)
	if err != nil {
		return nil, err
	}
	by, err := groupOf(groupBy)
	if err != nil {
		return nil, err
	}
	rs, res, err := r.Background.Top(ctx, scope, m, by, n, c)
	if err != nil {
		return nil, err
	}
	return &model.BrokerRanking{Result: served(ctx, res.Info), Brokers: each(rs, brokerScore)}, nil
}

// scores returns the background result of m (groups by) for a field that
// reads more of it than its ranking.
func (r *Resolver) scores(ctx context.Context, scope *model.Scope, m insight.Metric, by insight.Group, consistency *model.Consistency) (*insight.Result[*insight.Scores], error) {
	res, err := r.Background.Scores(ctx, scopeOf(scope), m, by, consistencyOf(consistency))
	if err != nil {
		return nil, err
	}
	markStale(ctx, res.Info)
	return res, nil
}

func (r *Resolver) insight() *insight.Service {
	return &insight.Service{Snapshots: r.Snapshots, PathBudget: r.PathBudget}
}

// bounded checks a count argument named name: 1..max, def when absent.
func bounded(name string, v *int32, def, max int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || int(*v) > max {
		return 0, graph.Errorf(graph.EINVALID, name, "%s must be between 1 and %d", name, max)
	}
	return int(*v), nil
}

// limit checks a "first" argument.
func limit(first *int32, def, max int) (int, error) { return bounded("first", first, def, max) }

// or returns *v, or def when v is absent; the application layer checks the
// value.
func or(v *int32, def int) int {
	if v == nil {
		return def
	}
	return int(*v)
}

func metricOf(m *model.Metric) (insight.Metric, error) {
	if m == nil {
		return insight.Betweenness, nil
	}
	return insight.ParseMetric("metric", string(*m))
}

func groupOf(g *model.GroupBy) (insight.Group, error) {
	if g == nil {
		return insight.BySector, nil
	}
	return insight.ParseGroup("groupBy", string(*g))
}

// each converts every element of xs with f.
func each[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func actors(as []*graph.Actor) []model.Actor { return each(as, model.ActorOf) }

func links(ls []*graph.Link) []*model.Link {
	return each(ls, func(l *graph.Link) *model.Link { return &model.Link{Link: l} })
}

// periodOf maps a Step to its windows; YEAR when none is given.
func periodOf(s *model.Step) insight.Period {
	if s == nil {
		return insight.Year
	}
	switch *s {
	case model.StepAcademicYear:
		return insight.AcademicYear
	case model.StepQuarter:
		return insight.Quarter
	case model.StepMonth:
		return insight.Month
	default:
		return insight.Year
	}
}

// windowing reads the arguments choosing a history's windows (see Step);
// insight checks them.
func windowing(from, to *graph.Date, step *model.Step, at []*graph.Date) insight.Windowing {
	w := insight.Windowing{Step: periodOf(step)}
	if from != nil {
		w.From = *from
	}
	if to != nil {
		w.To = *to
	}
	for _, d := range at {
		w.At = append(w.At, *d)
	}
	return w
}

// brokerTrends shows t with each window's first n brokers.
func brokerTrends(t *insight.Trends, n int) *model.BrokerTrends {
	window := func(w insight.TrendWindow) *model.TrendWindow {
		return &model.TrendWindow{From: w.From, To: w.To, ActiveActors: int32(w.ActiveActors), Brokers: each(w.Ranking[:min(n, len(w.Ranking))], brokerScore)}
	}
	trend := func(t insight.Trend) *model.BrokerTrend {
		link := func(l *graph.Link) *model.Link { return &model.Link{Link: l} }
		out := &model.BrokerTrend{Actor: model.ActorOf(t.Actor), Rise: int32(t.Rise), NewLinks: each(t.NewLinks, link), LostLinks: each(t.LostLinks, link)}
		if t.First != nil {
			rank := int32(t.First.Rank)
			out.FirstRank, out.FirstScore = &rank, &t.First.Score
		}
		if t.Last != nil {
			rank := int32(t.Last.Rank)
			out.LastRank, out.LastScore = &rank, &t.Last.Score
		}
		return out
	}
	return &model.BrokerTrends{Windows: each(t.Windows, window), Emerging: each(t.Emerging, trend), Fading: each(t.Fading, trend)}
}

func brokerScore(r insight.Ranked) *model.BrokerScore {
	return &model.BrokerScore{Rank: int32(r.Rank), Score: r.Score, Actor: model.ActorOf(r.Actor)}
}

func roleValues(v analysis.RoleScores, defined func(analysis.BrokerRole) bool) *model.RoleValues {
	get := func(r analysis.BrokerRole) *float64 {
		if !defined(r) {
			return nil
		}
		x := v[r]
		return &x
	}
	return &model.RoleValues{Coordinator: get(analysis.Coordinator), Itinerant: get(analysis.Itinerant),
		Representative: get(analysis.Representative), Gatekeeper: get(analysis.Gatekeeper),
		Liaison: get(analysis.Liaison), Total: get(analysis.AnyRole)}
}

// rolesBy answers a brokerage field: roles computed by f with the grouping
// asked for.
func rolesBy(ctx context.Context, groupBy *model.GroupBy, f func(context.Context, insight.Group) (*insight.Roles, error)) (*model.BrokerageRoles, error) {
	by, err := groupOf(groupBy)
	if err != nil {
		return nil, err
	}
	ro, err := f(ctx, by)
	if err != nil {
		return nil, err
	}
	return brokerageRoles(ro), nil
}

func brokerageRoles(ro *insight.Roles) *model.BrokerageRoles {
	c := ro.Counts
	out := &model.BrokerageRoles{Actor: model.ActorOf(ro.Actor),
		Coordinator: int32(c[analysis.Coordinator]), Itinerant: int32(c[analysis.Itinerant]),
		Representative: int32(c[analysis.Representative]), Gatekeeper: int32(c[analysis.Gatekeeper]),
		Liaison: int32(c[analysis.Liaison]), Total: int32(c[analysis.AnyRole]),
		Expected: roleValues(ro.Expected, func(analysis.BrokerRole) bool { return true }),
		Z:        roleValues(ro.Z, func(r analysis.BrokerRole) bool { return ro.ZDefined[r] }),
	}
	if ro.Group != "" {
		out.Group = &ro.Group
	}
	return out
}

func structuralHoles(h insight.HoleScores) *model.StructuralHoles {
	return &model.StructuralHoles{Actor: model.ActorOf(h.Actor), Constraint: &h.Constraint, EffectiveSize: &h.EffectiveSize,
		Efficiency: &h.Efficiency}
}

func bridge(b insight.Bridge) *model.Bridge {
	return &model.Bridge{Source: model.ActorOf(b.Source), Target: model.ActorOf(b.Target), Links: links(b.Links)}
}

func networkState(st analysis.NetworkState) *model.NetworkState {
	return &model.NetworkState{Actors: int32(st.Nodes), Components: int32(st.Components), LargestComponent: int32(st.Largest),
		LargestComponentShare: st.LargestShare, UnreachablePairs: st.UnreachablePairs}
}

func removalImpact(im *insight.Impact) *model.RemovalImpact {
	return &model.RemovalImpact{Removed: actors(im.Removed), Before: networkState(im.Before), After: networkState(im.After),
		DisconnectedPairs: im.DisconnectedPairs, ConnectedPairs: im.ConnectedPairs,
		AverageDistanceBefore: im.DistanceBefore, AverageDistanceAfter: im.DistanceAfter,
		AverageDistanceChange: im.DistanceChange, Isolated: actors(im.Isolated)}
}

func brokeredPair(p insight.Pair) *model.BrokeredPair {
	return &model.BrokeredPair{A: model.ActorOf(p.A), B: model.ActorOf(p.B), CrossesSectors: p.CrossesSectors,
		CrossesOrganisations: p.CrossesOrganisations, Evidence: int32(p.Evidence), Links: links(p.Links),
		Alternatives: actors(p.Alternatives)}
}

func substitute(s insight.Substitute) *model.Substitute {
	return &model.Substitute{Actor: model.ActorOf(s.Actor), Pairs: int32(s.Pairs)}
}

func metricPoint(p insight.Point) *model.MetricPoint {
	out := &model.MetricPoint{From: p.From, To: p.To, Score: p.Score, ActiveActors: int32(p.ActiveActors)}
	if p.Rank != nil {
		rank := int32(*p.Rank)
		out.Rank = &rank
	}
	return out
}

func organisation(a *graph.Actor) *model.Organisation { return &model.Organisation{Actor: a} }

// bridgingPage returns the first items (def when absent, at most 1000) of
// the part of p's bridging that part picks, converted by conv.
func bridgingPage[T, U any](ctx context.Context, p *insight.Profile, first *int32, def int, part func(*insight.Bridging) []T,
	conv func(T) U) ([]U, error) {
	n, err := limit(first, def, 1000)
	if err != nil {
		return nil, err
	}
	b, err := p.Bridging(ctx)
	if err != nil {
		return nil, err
	}
	xs := part(b)
	return each(xs[:min(n, len(xs))], conv), nil
}

// partition serves the communities query asks for (see Query.communities).
func (r *Resolver) partition(ctx context.Context, scope *model.Scope, algorithm *model.CommunityAlgorithm, resolution *float64, seed *int32, consistency *model.Consistency) (*insight.Partition, error) {
	q, err := communityQuery(algorithm, resolution, seed)
	if err != nil {
		return nil, err
	}
	p, err := r.Background.Partition(ctx, scopeOf(scope), q, consistencyOf(consistency))
	if err != nil {
		return nil, err
	}
	markStale(ctx, *p.Info) // whether or not its result is selected
	return p, nil
}

// communityQuery checks the arguments choosing how communities are found.
func communityQuery(algorithm *model.CommunityAlgorithm, resolution *float64, seed *int32) (insight.CommunityQuery, error) {
	q := insight.CommunityQuery{Resolution: 1}
	if algorithm != nil && *algorithm == model.CommunityAlgorithmLouvain {
		q.Algorithm = insight.Louvain
	}
	if resolution != nil {
		if !(*resolution > 0) {
			return q, graph.Errorf(graph.EINVALID, "resolution", "resolution %v must be a positive number", *resolution)
		}
		q.Resolution = *resolution
	}
	if seed != nil {
		if *seed < 0 {
			return q, graph.Errorf(graph.EINVALID, "seed", "seed must not be negative")
		}
		q.Seed = uint64(*seed)
	}
	return q, nil
}

// communityWindow shows one window of a community history.
func communityWindow(w insight.CommunityWindow) *model.CommunityWindow {
	died := make([]int32, len(w.Died))
	for i, id := range w.Died {
		died[i] = int32(id)
	}
	cs := make([]*insight.TrackedCommunity, len(w.Communities))
	for i := range w.Communities {
		cs[i] = &w.Communities[i]
	}
	return &model.CommunityWindow{From: w.From, To: w.To, Modularity: w.Modularity, Communities: cs, Died: died}
}

var communityEvents = [...]model.CommunityEvent{insight.Born: model.CommunityEventBorn, insight.Continued: model.CommunityEventContinued,
	insight.Merged: model.CommunityEventMerged, insight.Split: model.CommunityEventSplit}

// communityBridge shows who bridges a pair of communities.
func communityBridge(b insight.CommunityBridge) *model.CommunityBridge {
	broker := func(x insight.BridgeBroker) *model.BridgeBroker {
		return &model.BridgeBroker{Actor: model.ActorOf(x.Actor), Ties: int32(x.Ties)}
	}
	return &model.CommunityBridge{Communities: []int32{int32(b.A), int32(b.B)}, Ties: int32(b.Ties), Links: links(b.Links),
		Brokers: each(b.Brokers, broker), RemainingTies: int32(b.RemainingTies), RemainingLinks: links(b.RemainingLinks),
		RemainingBrokers: each(b.RemainingBrokers, broker), Cut: b.Cut()}
}
