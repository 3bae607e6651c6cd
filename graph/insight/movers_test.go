package insight

import (
	"context"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// TestMovers: the network at a date is rebuilt by undoing the log, so a
// broker created after it is new in the ranking; a reset after it (an
// erasure) makes the answer incomplete.
func TestMovers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	actor := func(key string) *graph.Actor {
		a, err := st.CreateActor(ctx, &graph.Actor{Key: key, Kind: graph.KindPerson, Name: key})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	link := func(a, b *graph.Actor) {
		if _, err := st.CreateLink(ctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: a.ID, TargetID: b.ID}); err != nil {
			t.Fatal(err)
		}
	}
	// A path a-b-c-d: b and c broker.
	a, b, c, d := actor("a"), actor("b"), actor("c"), actor("d")
	link(a, b)
	link(b, c)
	link(c, d)
	since := time.Now()
	// x joins a to three newcomers: the strongest broker now.
	x := actor("x")
	link(x, a)
	for _, k := range []string{"y1", "y2", "y3"} {
		link(x, actor(k))
	}
	cache := snapshot.NewCache(st, snapshot.CacheOptions{})
	then, now, complete, err := cache.Since(ctx, since)
	if err != nil || !complete {
		t.Fatalf("Since = complete %v, %v; want the network rebuilt", complete, err)
	}
	if then.G.N() != 4 || now.G.N() != 8 {
		t.Fatalf("then has %d actors, now %d; want 4 and 8", then.G.N(), now.G.N())
	}
	ms, err := Movers(ctx, then, now, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Now: x first, then a (it joins x to the path); b and c left the top 2.
	want := []struct {
		key            string
		before, nowRnk int // 0: no place
	}{{"x", 0, 1}, {"a", 3, 2}, {"b", 1, 3}, {"c", 1, 4}}
	if len(ms) != len(want) {
		t.Fatalf("movers = %d, want %d: %+v", len(ms), len(want), ms)
	}
	for i, w := range want {
		m := ms[i]
		rank := func(p *Place) int {
			if p == nil {
				return 0
			}
			return p.Rank
		}
		if m.Actor.Key != w.key || rank(m.Then) != w.before || rank(m.Now) != w.nowRnk {
			t.Errorf("mover %d = %s %d→%d, want %s %d→%d", i, m.Actor.Key, rank(m.Then), rank(m.Now), w.key, w.before, w.nowRnk)
		}
	}

	// An erasure after since resets the log: the network then is unknown.
	admin := graph.WithCaller(ctx, graph.Caller{Subject: "cli:test", Role: graph.AccessAdmin})
	if err := st.ErasePerson(ctx, d.ID, graph.NewAuditEntry(admin, graph.AuditErasePerson, graph.ErasureRef(d.ID), time.Now())); err != nil {
		t.Fatal(err)
	}
	if then, now, complete, err := cache.Since(ctx, since); err != nil || complete || then != nil || now != nil {
		t.Errorf("Since after a reset = %v, %v, complete %v, %v; want nothing, incomplete", then, now, complete, err)
	}
}
