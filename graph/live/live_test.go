package live_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

func onStores(t *testing.T, test func(*testing.T, graph.Store)) {
	t.Run("embedded", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		test(t, s)
	})
	t.Run("neo4j", func(t *testing.T) { test(t, neo4jtest.Open(t)) })
}

func person(t *testing.T, s graph.Store, key string) *graph.Actor {
	t.Helper()
	a, err := s.CreateActor(context.Background(), &graph.Actor{Kind: graph.KindPerson, Key: key, Name: key})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestHub(t *testing.T) { onStores(t, testHub) }

// testHub: subscribers get the changes committed after they subscribed, in
// order, as their filter asks; one whose queue fills is dropped with
// SLOW_CONSUMER while the writes go on.
func testHub(t *testing.T, s graph.Store) {
	ctx := context.Background()
	person(t, s, "before") // committed before anyone subscribed: sent to no one
	h := live.New(s, live.Options{Queue: 2})
	defer h.Close()
	all, err := h.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b *graph.Actor
	onlyB := func(c graph.Change) bool { return b != nil && c.ID == b.ID }
	slow, err := h.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := person(t, s, "a")
	b = person(t, s, "b")
	filtered, err := h.Subscribe(ctx, onlyB)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // more than slow's queue holds: slow never reads
		person(t, s, fmt.Sprint("c", i))
		h.Notify()
	}
	for _, want := range []string{a.ID, b.ID} {
		if c := <-all.C; c.ID != want || c.Op != graph.ChangeCreated {
			t.Errorf("all got %s %s, want %s created", c.Op, c.ID, want)
		}
	}
	<-slow.Done()
	if code := graph.ErrorCode(slow.Err()); code != live.CodeSlow {
		t.Errorf("slow subscriber ended with %q, want %s", code, live.CodeSlow)
	}
	// filtered subscribed after b was created: it sees nothing of b. Its
	// end when the hub closes shows no change was queued.
	h.Close()
	for c := range filtered.C {
		t.Errorf("filtered got %s %s, want nothing", c.Op, c.ID)
	}
}

// gapSource is a store whose log no longer reaches back: past version 1,
// Changes answers as a store does when it has pruned what was asked for.
type gapSource struct{ version atomic.Int64 }

func (g *gapSource) Version(context.Context) (int64, error) { return g.version.Load(), nil }

func (g *gapSource) Changes(_ context.Context, since int64, _ int) ([]graph.Change, int64, error) {
	v := g.version.Load()
	if since == v {
		return nil, v, nil
	}
	return graph.ResetSince(v), v, nil
}

// TestHubMissed: a subscriber the log cannot serve ends with CHANGES_MISSED.
func TestHubMissed(t *testing.T) {
	src := &gapSource{}
	src.version.Store(1)
	h := live.New(src, live.Options{})
	defer h.Close()
	sub, err := h.Subscribe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	src.version.Store(5)
	h.Notify()
	<-sub.Done()
	if code := graph.ErrorCode(sub.Err()); code != live.CodeMissed {
		t.Errorf("ended with %q, want %s", code, live.CodeMissed)
	}
	for c := range sub.C {
		t.Errorf("got %+v, want no change", c)
	}
}
