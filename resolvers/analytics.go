package resolvers

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// scopeOf converts a GraphQL scope (nil: everything) to the domain's.
func scopeOf(s *model.Scope) graph.Scope {
	if s == nil {
		return graph.Scope{}
	}
	return graph.Scope{LinkTypes: s.LinkTypes.Value(), ActorKinds: kinds(s.ActorKinds.Value()), ProgrammeID: val(s.ProgrammeID),
		Window: graph.Interval{From: val(s.From), To: val(s.To)}, Directed: val(s.Directed), Weighted: val(s.Weighted)}
}

func (r *Resolver) snapshot(ctx context.Context, s *model.Scope) (*snapshot.Snapshot, error) {
	return r.Snapshots.Get(ctx, scopeOf(s))
}

// limit checks a "first" argument: 1..max, def when absent.
func limit(first *int32, def, max int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || int(*first) > max {
		return 0, graph.Errorf(graph.EINVALID, "first", "first must be between 1 and %d", max)
	}
	return int(*first), nil
}

var groupAttrs = map[model.GroupBy]string{
	model.GroupBySector: snapshot.AttrSector, model.GroupByOrganisationType: snapshot.AttrType,
	model.GroupByRegion: snapshot.AttrRegion, model.GroupByOrganisation: snapshot.AttrOrganisation,
}

func groupOf(g *model.GroupBy) model.GroupBy {
	if g == nil {
		return model.GroupBySector
	}
	return *g
}

// scores holds a metric's value per node; Defined is false where the metric
// has no value (Burt's measures for an isolate).
type scores struct {
	Value   []float64
	Defined []bool
}

// metric computes (once per snapshot) a metric's value for every node.
func metric(ctx context.Context, s *snapshot.Snapshot, m model.Metric, by model.GroupBy) (*scores, error) {
	name := string(m)
	if m == model.MetricBrokerage {
		name += "/" + string(by)
	}
	return snapshot.Memo(s, name, func() (*scores, error) {
		g, w := s.G, s.Scope.Weighted
		all := func(v []float64, err error) (*scores, error) {
			if err != nil {
				return nil, err
			}
			return &scores{v, trueSlice(len(v))}, nil
		}
		switch m {
		case model.MetricBetweenness:
			return all(analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Weighted: w, Normalized: true}))
		case model.MetricDegree:
			return all(analysis.Degree(g), nil)
		case model.MetricCloseness:
			return all(analysis.Closeness(ctx, g, analysis.ClosenessOptions{Weighted: w}))
		case model.MetricEigenvector:
			v, err := analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{Weighted: w})
			if errors.Is(err, analysis.ErrNotConverged) {
				return nil, graph.Errorf(graph.EINVALID, "metric", "eigenvector centrality does not converge on this scope; try another metric")
			}
			return all(v, err)
		case model.MetricDeclaredBrokerage:
			v := make([]float64, g.N())
			for _, l := range s.Links {
				if n, err := s.Node("", l.BrokeredByID); err == nil {
					v[n]++
				}
			}
			return all(v, nil)
		case model.MetricBrokerage:
			res, err := analysis.Brokerage(ctx, g, g.Attrs[groupAttrs[by]])
			if err != nil {
				return nil, err
			}
			v := make([]float64, g.N())
			for i, c := range res.Raw {
				v[i] = float64(c[analysis.AnyRole])
			}
			return all(v, nil)
		}
		h, err := holes(ctx, s)
		if err != nil {
			return nil, err
		}
		switch m {
		case model.MetricConstraint:
			return &scores{h.Constraint, h.Defined}, nil
		case model.MetricEffectiveSize:
			return &scores{h.EffectiveSize, h.Defined}, nil
		case model.MetricEfficiency:
			return &scores{h.Efficiency, h.Defined}, nil
		}
		return nil, graph.Errorf(graph.EINVALID, "metric", "unknown metric %q", m)
	})
}

func holes(ctx context.Context, s *snapshot.Snapshot) (*analysis.Holes, error) {
	return snapshot.Memo(s, "holes", func() (*analysis.Holes, error) {
		return analysis.StructuralHoles(ctx, s.G, analysis.HolesOptions{Weighted: s.Scope.Weighted})
	})
}

func brokerage(ctx context.Context, s *snapshot.Snapshot, by model.GroupBy) (*analysis.BrokerageResult, error) {
	return snapshot.Memo(s, "brokerage/"+string(by), func() (*analysis.BrokerageResult, error) {
		return analysis.Brokerage(ctx, s.G, s.G.Attrs[groupAttrs[by]])
	})
}

// ranked is a node's place in a ranking.
type ranked struct {
	node  int32
	rank  int32
	score float64
}

// rank orders the defined nodes best first — highest score, or lowest for
// constraint — ties by name then key, with competition ranks (1, 2, 2, 4).
func rank(s *snapshot.Snapshot, sc *scores, m model.Metric, nodes []int32) []ranked {
	var order []int32
	for _, v := range nodes {
		if sc.Defined[v] && !math.IsNaN(sc.Value[v]) {
			order = append(order, v)
		}
	}
	sign := -1.0
	if m == model.MetricConstraint {
		sign = 1
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(sign*sc.Value[a], sign*sc.Value[b]),
			cmp.Compare(s.Actors[a].Name, s.Actors[b].Name), cmp.Compare(s.Actors[a].Key, s.Actors[b].Key))
	})
	out := make([]ranked, len(order))
	for i, v := range order {
		out[i] = ranked{node: v, rank: int32(i + 1), score: sc.Value[v]}
		if i > 0 && sc.Value[v] == out[i-1].score {
			out[i].rank = out[i-1].rank
		}
	}
	return out
}

func brokerScores(s *snapshot.Snapshot, rs []ranked) []*model.BrokerScore {
	out := make([]*model.BrokerScore, len(rs))
	for i, r := range rs {
		out[i] = &model.BrokerScore{Rank: r.rank, Score: r.score, Actor: model.ActorOf(s.Actors[r.node])}
	}
	return out
}

func allNodes(s *snapshot.Snapshot) []int32 {
	out := make([]int32, s.G.N())
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// brokers ranks every actor of s by m and returns the first n.
func brokers(ctx context.Context, s *snapshot.Snapshot, m model.Metric, by model.GroupBy, n int) ([]*model.BrokerScore, error) {
	sc, err := metric(ctx, s, m, by)
	if err != nil {
		return nil, err
	}
	rs := rank(s, sc, m, allNodes(s))
	return brokerScores(s, rs[:min(n, len(rs))]), nil
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

func brokerageRoles(s *snapshot.Snapshot, res *analysis.BrokerageResult, v int32) *model.BrokerageRoles {
	raw := res.Raw[v]
	out := &model.BrokerageRoles{Actor: model.ActorOf(s.Actors[v]),
		Coordinator: int32(raw[analysis.Coordinator]), Itinerant: int32(raw[analysis.Itinerant]),
		Representative: int32(raw[analysis.Representative]), Gatekeeper: int32(raw[analysis.Gatekeeper]),
		Liaison: int32(raw[analysis.Liaison]), Total: int32(raw[analysis.AnyRole]),
		Expected: roleValues(res.Exp[v], func(analysis.BrokerRole) bool { return true }),
		Z:        roleValues(res.Z[v], func(r analysis.BrokerRole) bool { _, ok := res.ZScore(v, r); return ok }),
	}
	if grp := res.Groups[res.Group[v]]; grp != "" {
		out.Group = &grp
	}
	return out
}

func actors(s *snapshot.Snapshot, nodes []int32) []model.Actor {
	out := make([]model.Actor, len(nodes))
	for i, v := range nodes {
		out[i] = model.ActorOf(s.Actors[v])
	}
	return out
}

// edgeLinks returns the links behind the ties between u and v, either way.
func edgeLinks(s *snapshot.Snapshot, u, v int32) []*model.Link {
	var out []*model.Link
	for _, e := range [][2]int32{{u, v}, {v, u}} {
		adj, edg := s.G.Out(e[0])
		if i, ok := slices.BinarySearch(adj, e[1]); ok {
			for _, l := range s.G.Edges[edg[i]].Links {
				if !slices.ContainsFunc(out, func(x *model.Link) bool { return x.Link == s.Links[l] }) {
					out = append(out, &model.Link{Link: s.Links[l]})
				}
			}
		}
	}
	return out
}

func networkState(st analysis.NetworkState) *model.NetworkState {
	return &model.NetworkState{Actors: int32(st.Nodes), Components: int32(st.Components), LargestComponent: int32(st.Largest),
		LargestComponentShare: st.LargestShare, UnreachablePairs: float64(st.UnreachablePairs)}
}

func summary(s *snapshot.Snapshot) *model.NetworkSummary {
	_, sizes := analysis.Components(s.G)
	out := &model.NetworkSummary{Actors: int32(s.G.N()), Links: int32(len(s.Links)), Ties: int32(len(s.G.Edges)),
		Density: analysis.Density(s.G), Components: int32(len(sizes)), Snapshot: s}
	if len(sizes) > 0 {
		out.LargestComponent = slices.Max(sizes)
		out.LargestComponentShare = float64(out.LargestComponent) / float64(s.G.N())
	}
	sector := s.G.Attrs[snapshot.AttrSector]
	known, cross := 0, 0
	for _, l := range s.Links {
		a, _ := s.Node("", l.SourceID)
		b, _ := s.Node("", l.TargetID)
		if sector[a] != "" && sector[b] != "" {
			known++
			if sector[a] != sector[b] {
				cross++
			}
		}
	}
	if known > 0 {
		out.CrossSectorLinkShare = float64(cross) / float64(known)
	}
	return out
}

// undirected returns v's neighbours in the undirected view, ascending.
func undirected(g *analysis.Graph, v int32) []int32 {
	out, _ := g.Out(v)
	if g.Directed {
		in, _ := g.In(v)
		out = append(slices.Clone(out), in...)
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// maxPairs bounds the pairs a broker profile examines.
const maxPairs = 200_000

// profile gathers the evidence behind actor v's scores.
func profile(ctx context.Context, s *snapshot.Snapshot, v int32) (*model.BrokerProfile, error) {
	p := &model.BrokerProfile{Actor: model.ActorOf(s.Actors[v]), Snapshot: s, Node: v}
	for m, dst := range map[model.Metric]*float64{model.MetricBetweenness: &p.Betweenness, model.MetricDegree: &p.Degree, model.MetricCloseness: &p.Closeness} {
		sc, err := metric(ctx, s, m, "")
		if err != nil {
			return nil, err
		}
		*dst = sc.Value[v]
	}
	h, err := holes(ctx, s)
	if err != nil {
		return nil, err
	}
	if h.Defined[v] {
		p.Constraint, p.EffectiveSize = &h.Constraint[v], &h.EffectiveSize[v]
	}
	p.IsCutpoint = slices.Contains(analysis.CutPoints(s.G), v)
	for _, l := range s.Links {
		if l.BrokeredByID == s.Actors[v].ID {
			p.BrokeredLinks = append(p.BrokeredLinks, &model.Link{Link: l})
		}
	}
	p.DeclaredBrokerage = int32(len(p.BrokeredLinks))
	nb := undirected(s.G, v)
	sector, org := s.G.Attrs[snapshot.AttrSector], s.G.Attrs[snapshot.AttrOrganisation]
	var orgKeys []string
	for _, u := range nb {
		if sector[u] != "" && !slices.Contains(p.Sectors, sector[u]) {
			p.Sectors = append(p.Sectors, sector[u])
		}
		if org[u] != "" && !slices.Contains(orgKeys, org[u]) {
			orgKeys = append(orgKeys, org[u])
		}
	}
	slices.Sort(p.Sectors)
	for _, k := range orgKeys {
		if o := s.G.Index(k); o >= 0 && s.Actors[o].Kind == graph.KindOrganisation {
			p.Organisations = append(p.Organisations, &model.Organisation{Actor: s.Actors[o]})
		}
	}
	return p, bridgedPairs(ctx, s, p, nb)
}

// bridgedPairs fills p's pairs of contacts that are not tied to each other,
// each with the other actors who also join them.
func bridgedPairs(ctx context.Context, s *snapshot.Snapshot, p *model.BrokerProfile, nb []int32) error {
	g, sector := s.G, s.G.Attrs[snapshot.AttrSector]
	joins := map[int32]int32{}
	type pair struct {
		a, b  int32
		alts  []int32
		cross bool
	}
	var pairs []pair
	for i, a := range nb {
		if err := ctx.Err(); err != nil {
			return err
		}
		na := undirected(g, a)
		for _, b := range nb[i+1:] {
			if _, tied := slices.BinarySearch(na, b); tied {
				continue
			}
			if len(pairs) == maxPairs {
				return graph.Errorf(graph.EINVALID, "actor", "this actor bridges more than %d pairs: narrow the scope", maxPairs)
			}
			var alts []int32
			for _, x := range intersect(na, undirected(g, b)) {
				if x != p.Node {
					alts = append(alts, x)
					joins[x]++
				}
			}
			pairs = append(pairs, pair{a, b, alts, sector[a] != "" && sector[b] != "" && sector[a] != sector[b]})
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int {
		return cmp.Or(-boolInt(x.cross)+boolInt(y.cross), cmp.Compare(len(x.alts), len(y.alts)))
	})
	p.BridgedPairCount = int32(len(pairs))
	for _, pr := range pairs {
		if len(pr.alts) == 0 {
			p.IrreplaceablePairs++
		}
		links := append(edgeLinks(s, p.Node, pr.a), edgeLinks(s, p.Node, pr.b)...)
		p.Pairs = append(p.Pairs, &model.BrokeredPair{A: model.ActorOf(s.Actors[pr.a]), B: model.ActorOf(s.Actors[pr.b]),
			CrossesSectors: pr.cross, Links: links, Alternatives: actors(s, pr.alts)})
	}
	subs := make([]int32, 0, len(joins))
	for x := range joins {
		subs = append(subs, x)
	}
	slices.SortFunc(subs, func(x, y int32) int {
		return cmp.Or(cmp.Compare(joins[y], joins[x]), cmp.Compare(s.Actors[x].Name, s.Actors[y].Name))
	})
	for _, x := range subs {
		p.Substitutes = append(p.Substitutes, &model.Substitute{Actor: model.ActorOf(s.Actors[x]), Pairs: joins[x]})
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intersect returns the common elements of two ascending lists.
func intersect(a, b []int32) []int32 {
	var out []int32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// maxWindows bounds brokerHistory.
const maxWindows = 50

// history computes actor's metric in consecutive yearly windows from..to.
func (r *Resolver) history(ctx context.Context, id string, m model.Metric, from, to graph.Date, sc *model.Scope) ([]*model.MetricPoint, error) {
	if from.IsZero() || to.Before(from) {
		return nil, graph.Errorf(graph.EINVALID, "to", "to (%s) is before from (%s)", to, from)
	}
	if to.Year()-from.Year() >= maxWindows {
		return nil, graph.Errorf(graph.EINVALID, "to", "at most %d windows: shorten from..to", maxWindows)
	}
	scope := scopeOf(sc)
	scope.Window = graph.Interval{From: from, To: to}
	base, err := r.Snapshots.Get(ctx, scope)
	if err != nil {
		return nil, err
	}
	if _, err := base.Node("actor", id); err != nil {
		return nil, err
	}
	var out []*model.MetricPoint
	for start := from; !to.Before(start); start = start.AddYears(1) {
		end := start.AddYears(1).AddDays(-1)
		if to.Before(end) {
			end = to
		}
		w := scope
		w.Window = graph.Interval{From: start, To: end}
		s := snapshot.FromNetwork(base.Actors, base.Links, w)
		pt, err := point(ctx, s, id, m)
		if err != nil {
			return nil, err
		}
		pt.From, pt.To = start, end
		out = append(out, pt)
	}
	return out, nil
}

// point ranks the actors with ties in s by m and reports id's place.
func point(ctx context.Context, s *snapshot.Snapshot, id string, m model.Metric) (*model.MetricPoint, error) {
	var active []int32
	for v := range int32(s.G.N()) {
		if len(undirected(s.G, v)) > 0 {
			active = append(active, v)
		}
	}
	pt := &model.MetricPoint{ActiveActors: int32(len(active))}
	sc, err := metric(ctx, s, m, model.GroupBySector)
	if err != nil {
		return nil, err
	}
	v, _ := s.Node("actor", id)
	for _, r := range rank(s, sc, m, active) {
		if r.node == v {
			pt.Score, pt.Rank = &r.score, &r.rank
		}
	}
	return pt, nil
}

func metricOf(m *model.Metric) model.Metric {
	if m == nil {
		return model.MetricBetweenness
	}
	return *m
}

func trueSlice(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}

// removalImpact answers removalImpact; its parameter is not called actors
// (the schema's name, which gqlgen gives the resolver) so that the actors
// helper stays in scope.
func (r *Resolver) removalImpact(ctx context.Context, ids []string, scope *model.Scope) (*model.RemovalImpact, error) {
	s, err := r.snapshot(ctx, scope)
	if err != nil {
		return nil, err
	}
	nodes, err := s.Nodes("actors", ids)
	if err != nil {
		return nil, err
	}
	im, err := analysis.RemovalImpact(ctx, s.G, nodes)
	if err != nil {
		return nil, err
	}
	return &model.RemovalImpact{Removed: actors(s, im.Removed), Before: networkState(im.Before), After: networkState(im.After),
		DisconnectedPairs: float64(im.DisconnectedPairs), ConnectedPairs: float64(im.ConnectedPairs),
		AverageDistanceBefore: im.DistanceBefore, AverageDistanceAfter: im.DistanceAfter,
		AverageDistanceChange: im.DistanceChange(), Isolated: actors(s, im.Isolated)}, nil
}
