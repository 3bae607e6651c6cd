package snapshot_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// TestCacheWriteDuringFirstScan: a write while the first scan is under way
// costs one follow of the change log after it, not a second scan.
func TestCacheWriteDuringFirstScan(t *testing.T) {
	st := &gatedStore{Store: network(t), started: make(chan struct{}), gate: make(chan struct{})}
	c := snapshot.NewCache(st, snapshot.CacheOptions{})
	first := make(chan error)
	go func() {
		_, err := c.Get(ctx, graph.Scope{})
		first <- err
	}()
	<-st.started
	if _, err := st.CreateActor(ctx, &graph.Actor{Key: "cat", Kind: graph.KindPerson, Name: "Cat"}); err != nil {
		t.Fatal(err)
	}
	second := make(chan *snapshot.Snapshot)
	go func() {
		s, err := c.Get(ctx, graph.Scope{Weighted: true})
		if err != nil {
			t.Error(err)
		}
		second <- s
	}()
	close(st.gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if s := <-second; s == nil || s.G.N() != 6 {
		t.Fatalf("the snapshot after the write does not have its actor: %v", s)
	}
	if scans, follows := st.scans.Load(), c.Follows.Load(); scans != 1 || follows != 1 {
		t.Errorf("scans = %d, follows = %d; want 1 and 1", scans, follows)
	}
}

// TestCacheLatest: on a scope of at least LatestFrom actors and links,
// Latest answers from the newest snapshot at once after a write, says it
// is stale, and has the current version projected for later callers; on
// a smaller scope it waits for the current version like Get.
func TestCacheLatest(t *testing.T) {
	st := network(t)
	for _, tc := range []struct {
		name       string
		latestFrom int
		wantStale  bool
	}{{"large", 1, true}, {"small", 1_000_000, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c := snapshot.NewCache(st, snapshot.CacheOptions{LatestFrom: tc.latestFrom})
			s1, stale, err := c.Latest(ctx, graph.Scope{})
			if err != nil || stale {
				t.Fatalf("first Latest: stale %v, %v", stale, err)
			}
			if _, err := st.CreateActor(ctx, &graph.Actor{Key: "cat-" + tc.name, Kind: graph.KindPerson, Name: "Cat"}); err != nil {
				t.Fatal(err)
			}
			s2, stale, err := c.Latest(ctx, graph.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			if stale != tc.wantStale || (s2 == s1) != tc.wantStale || (s2.Version > s1.Version) == tc.wantStale {
				t.Fatalf("after a write: stale %v, same snapshot %v, versions %d → %d; want stale %v",
					stale, s2 == s1, s1.Version, s2.Version, tc.wantStale)
			}
			now, err := c.Get(ctx, graph.Scope{}) // the projection Latest started, if any
			if err != nil {
				t.Fatal(err)
			}
			s3, stale, err := c.Latest(ctx, graph.Scope{})
			if err != nil || stale || s3 != now || s3.Version <= s1.Version {
				t.Errorf("once projected: stale %v, the current snapshot %v, version %d (first %d), %v", stale, s3 == now, s3.Version, s1.Version, err)
			}
		})
	}
}
