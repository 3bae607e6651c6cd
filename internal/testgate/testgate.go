// Package testgate lets tests decide when background work proceeds: a Gate
// holds each piece of work at a hook until the test lets it pass, so tests
// order events with channels instead of sleeping.
package testgate

import (
	"context"
	"testing"
	"time"
)

// Gate holds each caller of Hook until the test calls Pass.
type Gate struct {
	at   chan int64
	pass chan error
}

// New returns a gate holding nothing yet.
func New() *Gate { return &Gate{at: make(chan int64), pass: make(chan error)} }

// Hook announces version and waits for the test's Pass, returning what it
// passes (insight.BackgroundOptions.Hook).
// A caller whose ctx ends (its engine closed) stops waiting with ctx's error.
func (g *Gate) Hook(ctx context.Context, version int64) error {
	select {
	case g.at <- version:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-g.pass:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Held waits for the next caller to reach Hook and returns its version.
func (g *Gate) Held(t testing.TB) int64 {
	t.Helper()
	select {
	case v := <-g.at:
		return v
	case <-time.After(time.Minute): // a hang, not a timing assumption
		t.Fatal("no computation reached the hook")
		return 0
	}
}

// Pass lets the held caller go on, its hook returning err.
func (g *Gate) Pass(err error) { g.pass <- err }
