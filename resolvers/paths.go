package resolvers

import (
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// This file adapts the path queries of graph/insight to GraphQL.

func knowledgePath(p insight.Path) *model.KnowledgePath {
	return &model.KnowledgePath{Hops: int32(len(p.Steps)), Cost: p.Cost, Actors: actors(p.Actors), Steps: each(p.Steps, pathStep)}
}

func pathStep(s insight.Step) *model.PathStep {
	return &model.PathStep{From: model.ActorOf(s.From), To: model.ActorOf(s.To), Link: &model.Link{Link: s.Link}, Day: s.Day}
}

func reachedActor(r insight.Reached) *model.ReachedActor {
	return &model.ReachedActor{Actor: model.ActorOf(r.Actor), Distance: int32(r.Distance)}
}

func introducer(in insight.Introducer) *model.Introducer {
	return &model.Introducer{Actor: model.ActorOf(in.Actor), Paths: in.Paths, Share: in.Share}
}

func heardActor(h insight.Heard) *model.HeardActor {
	out := &model.HeardActor{Actor: model.ActorOf(h.Actor)}
	if !h.Earliest.IsZero() {
		out.Earliest = &h.Earliest
	}
	return out
}
