package insight

import (
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// EgoNetwork is an actor's ego network with what a broker's own dashboard
// shows: its size and density, the ego's Burt measures and brokerage roles,
// and the communities it touches.
type EgoNetwork struct {
	*Neighbourhood
	*Profile // the ego's scores on the whole scope (Constraint, EffectiveSize, Efficiency)
	Radius   int
	Size     int     // actors besides the ego
	Ties     int     // ties among the actors, parallel links merged as the snapshot merges them
	Density  float64 // networkx.density(networkx.ego_graph(G, ego, radius))

	s   *snapshot.Snapshot
	ego analysis.Ego
	sub *analysis.Graph // the induced subgraph, node i being ego.Nodes[i] (the ego is 0)
}

// CommunityCount is a community of the default partition and how many of
// an ego network's actors belong to it.
type CommunityCount struct {
	Community int
	Actors    int
}

// EgoNetwork returns the ego network of actor id (by ID or key) within
// radius (1..MaxEgoHops, field "radius") in scope; more than MaxEgoActors
// actors is an EINVALID error on field "radius".
func (sv *Service) EgoNetwork(ctx context.Context, id string, radius int, scope graph.Scope) (*EgoNetwork, error) {
	s, ego, err := sv.ego(ctx, "actor", id, "radius", radius, scope)
	if err != nil {
		return nil, err
	}
	// The subgraph the ego network induces, self-loops included as
	// networkx's ego_graph keeps them, so Density is networkx's.
	b := analysis.NewBuilder(s.G.Directed)
	local := make(map[int32]int32, len(ego.Nodes))
	for _, x := range ego.Nodes {
		local[x] = b.Node(s.G.Keys[x])
		if s.G.Loops[x] > 0 {
			b.Edge(local[x], local[x], 1, -1)
		}
	}
	for _, e := range ego.Edges {
		ed := s.G.Edges[e]
		b.Edge(local[ed.U], local[ed.V], ed.Weight, -1)
	}
	sub := b.Build()
	return &EgoNetwork{Neighbourhood: neighbourhood(s, ego), Profile: &Profile{s: s, v: ego.Nodes[0]},
		Radius: radius, Size: len(ego.Nodes) - 1, Ties: len(ego.Edges), Density: analysis.Density(sub),
		s: s, ego: ego, sub: sub}, nil
}

// Brokerage returns the ego's Gould–Fernandez roles computed within the ego
// network alone — its actors and the ties among them, each actor in its
// group of the whole scope (for ByCommunity, its community in the default
// partition) — so the roles and their expectations describe the
// neighbourhood the dashboard draws. Profile.Brokerage gives the roles in
// the whole scope.
func (e *EgoNetwork) Brokerage(ctx context.Context, by Group) (*Roles, error) {
	if by < BySector || by > ByCommunity {
		return nil, graph.Errorf(graph.EINVALID, "groupBy", "unknown grouping %d", by)
	}
	var all []string
	if by == ByCommunity {
		var err error
		if all, err = communityGroups(ctx, e.s); err != nil {
			return nil, err
		}
	} else {
		all = e.s.G.Attrs[groupAttrs[by]]
	}
	groups := make([]string, len(e.ego.Nodes))
	if all != nil {
		for i, x := range e.ego.Nodes {
			groups[i] = all[x]
		}
	}
	res, err := analysis.Brokerage(ctx, e.sub, groups)
	if err != nil {
		return nil, userError(err)
	}
	return rolesOf(e.Actor(), res, 0), nil
}

// Communities returns the communities of the default partition among the
// ego network's actors (the ego included), ascending, with how many of its
// actors each holds.
func (e *EgoNetwork) Communities(ctx context.Context) ([]CommunityCount, error) {
	res, err := Communities(ctx, e.s, CommunityQuery{})
	if err != nil {
		return nil, err
	}
	count := map[int]int{}
	for _, x := range e.ego.Nodes {
		count[int(res.Of[x])]++
	}
	out := make([]CommunityCount, 0, len(count))
	for c, n := range count {
		out = append(out, CommunityCount{c, n})
	}
	slices.SortFunc(out, func(x, y CommunityCount) int { return x.Community - y.Community })
	return out, nil
}
