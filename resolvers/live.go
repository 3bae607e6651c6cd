package resolvers

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// This file adapts graph/live's subscriptions to GraphQL: each event is
// converted for the subscriber's caller (contact data as history shows it).

// changeFilter returns the filter of where (nil: every change).
func changeFilter(where *model.ChangeWhere) func(graph.Change) bool {
	if where == nil {
		return nil
	}
	kinds, ops, ids := where.Kinds.Value(), where.Ops.Value(), where.Ids.Value()
	return func(c graph.Change) bool {
		reset := c.Op == graph.ChangeReset
		return (kinds == nil || reset || slices.Contains(kinds, string(c.Kind))) &&
			(ops == nil || slices.Contains(ops, model.ChangeOp(strings.ToUpper(string(c.Op))))) &&
			(ids == nil || (!reset && slices.Contains(ids, c.ID)))
	}
}

// changes streams the hub's changes that where accepts.
func (r *Resolver) changes(ctx context.Context, where *model.ChangeWhere) (<-chan *model.Change, error) {
	if r.Live == nil {
		return nil, graph.Errorf(graph.EINVALID, "", "this server has no live updates")
	}
	sub, err := r.Live.Subscribe(ctx, changeFilter(where))
	if err != nil {
		return nil, err
	}
	out := make(chan *model.Change)
	go func() {
		defer close(out)
		for c := range sub.C {
			select {
			case out <- changeOf(ctx, c):
			case <-ctx.Done():
				return
			}
		}
		endWith(ctx, sub.Err())
	}()
	return out, nil
}

// brokersChanged sends the current ranking, then each newer one: after
// every change the hub reads, it asks the engine for the latest ranking
// (which starts its recomputation), and again whenever a computation ends.
func (r *Resolver) brokersChanged(ctx context.Context, scope *model.Scope, metric *model.Metric, groupBy *model.GroupBy, first *int32) (<-chan *model.BrokerRanking, error) {
	if r.Live == nil {
		return nil, graph.Errorf(graph.EINVALID, "", "this server has no live updates")
	}
	sc := scopeOf(scope)
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	rank := func() (*model.BrokerRanking, error) {
		return r.ranking(ctx, sc, metric, groupBy, first, 10, graph.MaxPageSize, insight.Latest)
	}
	sub, err := r.Live.Subscribe(ctx, func(graph.Change) bool { return false }) // keeps the hub reading
	if err != nil {
		return nil, err
	}
	// The signals are taken before each ranking is read, so that a change
	// or computation ending while it is read is not missed.
	moved, computed := r.Live.Advanced(), r.Background.Computed()
	rk, err := rank() // bad arguments fail the subscription at once
	if err != nil {
		return nil, err
	}
	out := make(chan *model.BrokerRanking)
	go func() {
		defer close(out)
		sent := int64(-1)
		for {
			if rk.Result.Version > sent {
				select {
				case out <- rk:
					sent = rk.Result.Version
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-moved:
			case <-computed:
			case <-sub.Done(): // the hub is closing
				endWith(ctx, sub.Err())
				return
			case <-ctx.Done():
				return
			}
			moved, computed = r.Live.Advanced(), r.Background.Computed()
			if rk, err = rank(); err != nil {
				endWith(ctx, err)
				return
			}
		}
	}()
	return out, nil
}

// endWith reports why a subscription ended, unless its client ended it.
func endWith(ctx context.Context, err error) {
	if err == nil || ctx.Err() != nil {
		return
	}
	// The transport sends these as they are, past the server's presenter:
	// only a domain error's code and message, as that presenter shows them.
	gerr := &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": graph.EINTERNAL}}
	var derr *graph.Error
	if errors.As(err, &derr) {
		gerr.Message, gerr.Extensions["code"] = derr.Message, derr.Code
	} else {
		zerolog.Ctx(ctx).Error().Err(err).Msg("subscription failed")
	}
	transport.AddSubscriptionError(ctx, gerr)
}
