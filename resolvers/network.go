package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// networkGraph answers networkGraph: the scope's whole network from
// insight.NetworkGraph, turned into columns.
func (r *Resolver) networkGraph(ctx context.Context, scope *model.Scope, scores []model.Metric, groupBy *model.GroupBy) (*model.NetworkGraph, error) {
	q := insight.GraphQuery{MaxActors: r.MaxGraphActors, MaxLinks: r.MaxGraphLinks}
	var err error
	if q.By, err = groupOf(groupBy); err != nil {
		return nil, err
	}
	for _, m := range scores {
		mm, err := insight.ParseMetric("scores", string(m))
		if err != nil {
			return nil, err
		}
		q.Metrics = append(q.Metrics, mm)
	}
	// The layout is the costly part: only when a position is selected.
	fields := graphql.CollectAllFields(ctx)
	q.NoLayout = !slices.ContainsFunc(fields, func(f string) bool { return f == "x" || f == "y" || f == "layoutComplete" })
	s, err := r.snapshot(ctx, scope)
	if err != nil {
		return nil, err
	}
	n, err := insight.NetworkGraph(ctx, s, q)
	if err != nil {
		return nil, err
	}
	return networkColumns(n, scores), nil
}

func networkColumns(n *insight.Network, metrics []model.Metric) *model.NetworkGraph {
	s := n.Snapshot
	out := &model.NetworkGraph{Version: s.Version, Sources: n.Sources, Targets: n.Targets, Scores: []*model.ScoreColumn{}}
	for _, a := range s.Actors {
		out.Ids = append(out.Ids, a.ID)
		out.Keys = append(out.Keys, a.Key)
		out.Names = append(out.Names, a.Name)
		if a.Kind == graph.KindPerson {
			out.Kinds = append(out.Kinds, model.ActorKindPerson)
			out.OrganisationTypes = append(out.OrganisationTypes, nil)
		} else {
			out.Kinds = append(out.Kinds, model.ActorKindOrganisation)
			out.OrganisationTypes = append(out.OrganisationTypes, &a.OrgType)
		}
		out.Sectors = append(out.Sectors, nonEmpty(a.Sector))
	}
	if n.Layout != nil {
		out.X, out.Y, out.LayoutComplete = n.Layout.X, n.Layout.Y, n.Layout.Complete
	}
	for _, l := range s.Links {
		out.LinkIds = append(out.LinkIds, l.ID)
		out.LinkKeys = append(out.LinkKeys, l.Key)
		out.LinkTypes = append(out.LinkTypes, l.Type)
		out.Directed = append(out.Directed, l.Directed)
		out.Weights = append(out.Weights, l.Weight)
		out.From = append(out.From, date(l.From))
		out.To = append(out.To, date(l.To))
		out.Programmes = append(out.Programmes, nonEmpty(l.ProgrammeID))
	}
	for i, sc := range n.Scores {
		col := &model.ScoreColumn{Metric: metrics[i], Values: make([]*float64, len(sc.Ranks)), Ranks: make([]*int32, len(sc.Ranks))}
		for v, rank := range sc.Ranks {
			if sc.Scores.Has(int32(v)) {
				col.Values[v] = &sc.Scores.Value[v]
				r := int32(rank)
				col.Ranks[v] = &r
			}
		}
		out.Scores = append(out.Scores, col)
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func date(d graph.Date) *graph.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}
