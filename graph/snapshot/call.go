package snapshot

import (
	"context"
	"fmt"
	"time"
)

// DefaultBudget is the time a shared computation (a store scan, a
// projection, a memoised metric) may take when nobody set another.
const DefaultBudget = 30 * time.Second

// call is one computation shared by every caller that asks for its result
// while it runs. It runs detached from any one caller — a client that
// disconnects must not fail the others waiting on the same result — under
// its own budget, and each waiter stops waiting when its own context ends.
type call[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newCall[T any]() *call[T] { return &call[T]{done: make(chan struct{})} }

// run computes f in the background with the values (logger, request ID) of
// ctx but not its cancellation, for at most budget. settle, if not nil, runs
// before any waiter sees the result, so the caches' bookkeeping is done by
// the time a caller has its answer.
func (c *call[T]) run(ctx context.Context, budget time.Duration, f func(context.Context) (T, error), settle func(T, error)) {
	if budget <= 0 {
		budget = DefaultBudget
	}
	go func() {
		defer close(c.done)
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
		defer cancel()
		c.val, c.err = protect(cctx, f)
		if settle != nil {
			settle(c.val, c.err)
		}
	}()
}

// protect turns a panic in f into an error: f runs on its own goroutine,
// where a panic would otherwise stop the whole server.
func protect[T any](ctx context.Context, f func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("snapshot: computation panicked: %v", p)
		}
	}()
	return f(ctx)
}

// wait returns the result, or ctx's error if ctx ends first (the
// computation goes on for the other waiters).
func (c *call[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-c.done: // a finished result wins over a context that also ended
		return c.val, c.err
	default:
	}
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
