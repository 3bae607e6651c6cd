package resolvers

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// duplicateCandidates answers duplicateCandidates from the whole network's snapshot.
func (r *Resolver) duplicateCandidates(ctx context.Context, first *int32, kind *model.ActorKind) ([]*model.DuplicateCandidate, error) {
	s, err := r.snapshot(ctx, nil)
	if err != nil {
		return nil, err
	}
	var k graph.Kind
	if kind != nil {
		k = kinds([]model.ActorKind{*kind})[0]
	}
	cs, err := insight.DuplicateCandidates(ctx, s, k, count(first, 20))
	if err != nil {
		return nil, err
	}
	out := make([]*model.DuplicateCandidate, len(cs))
	for i, c := range cs {
		m := &model.DuplicateCandidate{A: model.ActorOf(c.A), B: model.ActorOf(c.B), Score: c.Score}
		for _, why := range c.Reasons {
			m.Reasons = append(m.Reasons, &model.DuplicateReason{Kind: model.DuplicateReasonKind(why.Kind), Detail: why.Detail, Score: why.Score})
		}
		out[i] = m
	}
	return out, nil
}

// mergeActors answers mergeActors; survivor and merged take IDs or keys.
func (r *Resolver) mergeActors(ctx context.Context, survivor, merged string, survivorRevision, mergedRevision *string) (model.Actor, error) {
	a, err := r.Store.MergeActors(ctx, graph.Merge{
		SurvivorID: graph.RefID(graph.KindActor, survivor), MergedID: graph.RefID(graph.KindActor, merged),
		SurvivorRevision: deref(survivorRevision), MergedRevision: deref(mergedRevision),
	})
	if err != nil {
		return nil, err
	}
	return model.ActorOf(a), nil
}

// actorByKey answers actor(key:): the actor with key or, after a merge,
// the survivor that holds it as an alias.
func (r *Resolver) actorByKey(ctx context.Context, key string) (model.Actor, error) {
	if a, err := actorByID(ctx, graph.NewID(graph.KindActor, key)); a != nil || err != nil {
		return a, err
	}
	a, err := graph.ActorByKey(ctx, r.Store, key)
	if err != nil || a == nil {
		return nil, err
	}
	return model.ActorOf(a), nil
}
