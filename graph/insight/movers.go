package insight

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Move is an actor's place in the broker ranking then and now; a nil
// Place means it was not in the network then (or now).
type Move struct {
	Actor     *graph.Actor
	Then, Now *Place
}

// Movers ranks then and now (two snapshots of the whole network) by
// exact betweenness (deterministic) and returns the actors in the first
// n of either: now's first n in order, then those that left them, in
// then's order.
func Movers(ctx context.Context, then, now *snapshot.Snapshot, n int) ([]Move, error) {
	before, err := Top(ctx, then, Betweenness, 0, then.G.N())
	if err != nil {
		return nil, err
	}
	after, err := Top(ctx, now, Betweenness, 0, now.G.N())
	if err != nil {
		return nil, err
	}
	was := make(map[string]*Place, len(before))
	for _, r := range before {
		was[r.Actor.ID] = &Place{Rank: r.Rank, Score: r.Score}
	}
	var out []Move
	top := map[string]bool{}
	for _, r := range after[:min(n, len(after))] {
		top[r.Actor.ID] = true
		out = append(out, Move{Actor: r.Actor, Then: was[r.Actor.ID], Now: &Place{Rank: r.Rank, Score: r.Score}})
	}
	is := make(map[string]*Place, len(after))
	for _, r := range after {
		is[r.Actor.ID] = &Place{Rank: r.Rank, Score: r.Score}
	}
	for _, r := range before[:min(n, len(before))] {
		if !top[r.Actor.ID] {
			out = append(out, Move{Actor: r.Actor, Then: was[r.Actor.ID], Now: is[r.Actor.ID]})
		}
	}
	return out, nil
}
