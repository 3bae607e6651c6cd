package resolvers

import (
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// actorFilter is the store's filter for the actors (and actorsAggregate)
// arguments.
func actorFilter(search *string, filter *model.ActorFilter) graph.ActorFilter {
	f := graph.ActorFilter{}
	if search != nil {
		f.Search = *search
	}
	if filter != nil {
		f.Kinds, f.OrgTypes = kinds(filter.Kinds.Value()), filter.Types.Value()
		f.Sector, f.Region, f.ParentID = val(filter.Sector), val(filter.Region), val(filter.ParentID)
	}
	return f
}

// fields converts GraphQL group-by enums to the store's: their values are
// the same names.
func fields[F, G ~string](by []G) []F {
	return each(by, func(g G) F { return F(g) })
}

func actorGroup(g graph.Group) *model.ActorGroup {
	return &model.ActorGroup{Keys: each(g.Key, nonEmpty), Count: int32(g.Count)}
}

func linkGroup(g graph.Group) *model.LinkGroup {
	return &model.LinkGroup{Keys: each(g.Key, nonEmpty), Count: int32(g.Count), WeightSum: g.WeightSum, WeightAvg: g.WeightAvg(),
		WeightMin: g.WeightMin, WeightMax: g.WeightMax, First: date(g.First), Last: date(g.Last)}
}
