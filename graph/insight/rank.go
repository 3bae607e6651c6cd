package insight

import (
	"cmp"
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Ranked is an actor's place in a ranking.
type Ranked struct {
	Node  int32
	Actor *graph.Actor
	Rank  int // 1 for the best; equal scores share a rank
	Score float64
}

// Rank orders the nodes that have a score best first — highest score, or
// lowest if ascending — ties by name then key (keys are unique, so the
// order is total), with competition ranks (1, 2, 2, 4).
func Rank(s *snapshot.Snapshot, sc *Scores, ascending bool, nodes []int32) []Ranked {
	var order []int32
	for _, v := range nodes {
		if sc.Has(v) {
			order = append(order, v)
		}
	}
	sign := -1.0
	if ascending {
		sign = 1
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(sign*sc.Value[a], sign*sc.Value[b]),
			cmp.Compare(s.Actors[a].Name, s.Actors[b].Name), cmp.Compare(s.Actors[a].Key, s.Actors[b].Key))
	})
	out := make([]Ranked, len(order))
	for i, v := range order {
		out[i] = Ranked{Node: v, Actor: s.Actors[v], Rank: i + 1, Score: sc.Value[v]}
		if i > 0 && sc.Value[v] == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// Top ranks every actor of s by m (groups by for Brokerage) and returns the
// first n.
func Top(ctx context.Context, s *snapshot.Snapshot, m Metric, by Group, n int) ([]Ranked, error) {
	sc, err := Compute(ctx, s, m, by)
	if err != nil {
		return nil, err
	}
	rs := Rank(s, sc, m.Ascending(), allNodes(s))
	return rs[:min(n, len(rs))], nil
}

// Roles is an actor's Gould–Fernandez brokerage: counts per role, what
// chance would give, and z-scores (ZDefined false where sna gives NaN).
type Roles struct {
	Actor    *graph.Actor
	Group    string // the actor's group; "" if it has none (a group of its own)
	Counts   analysis.RoleCounts
	Expected analysis.RoleScores
	Z        analysis.RoleScores
	ZDefined [analysis.AnyRole + 1]bool
}

func roles(s *snapshot.Snapshot, res *analysis.BrokerageResult, v int32) *Roles {
	return rolesOf(s.Actors[v], res, v)
}

// rolesOf reads node v's roles from res, v being actor a.
func rolesOf(a *graph.Actor, res *analysis.BrokerageResult, v int32) *Roles {
	out := &Roles{Actor: a, Group: res.Groups[res.Group[v]], Counts: res.Raw[v], Expected: res.Exp[v], Z: res.Z[v]}
	for r := range out.ZDefined {
		_, out.ZDefined[r] = res.ZScore(v, analysis.BrokerRole(r))
	}
	return out
}

// TopRoles returns the brokerage roles of the first n actors with any
// brokerage, most total first.
func TopRoles(ctx context.Context, s *snapshot.Snapshot, by Group, n int) ([]*Roles, error) {
	rs, err := Top(ctx, s, Brokerage, by, s.G.N())
	if err != nil {
		return nil, err
	}
	res, err := brokerage(ctx, s, by)
	if err != nil {
		return nil, err
	}
	var out []*Roles
	for _, r := range rs {
		if r.Score > 0 && len(out) < n {
			out = append(out, roles(s, res, r.Node))
		}
	}
	return out, nil
}

// HoleScores are an actor's Burt measures.
type HoleScores struct {
	Actor                                 *graph.Actor
	Constraint, EffectiveSize, Efficiency float64
}

// TopHoles returns Burt's measures of the n least constrained actors.
func TopHoles(ctx context.Context, s *snapshot.Snapshot, n int) ([]HoleScores, error) {
	rs, err := Top(ctx, s, Constraint, 0, n)
	if err != nil {
		return nil, err
	}
	h, err := holes(ctx, s)
	if err != nil {
		return nil, err
	}
	out := make([]HoleScores, len(rs))
	for i, r := range rs {
		out[i] = HoleScores{r.Actor, h.Constraint[r.Node], h.EffectiveSize[r.Node], h.Efficiency[r.Node]}
	}
	return out, nil
}

// Scored returns the actors of s that have a score in sc, with their
// scores, in node order: what a list ordered by a metric shows.
func Scored(s *snapshot.Snapshot, sc *Scores) ([]*graph.Actor, []float64) {
	var actors []*graph.Actor
	var scores []float64
	for _, v := range allNodes(s) {
		if sc.Has(v) {
			actors, scores = append(actors, s.Actors[v]), append(scores, sc.Value[v])
		}
	}
	return actors, scores
}
