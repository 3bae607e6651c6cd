package server_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/internal/testgate"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

type ranking struct {
	BrokerRanking struct {
		Result struct {
			Version    int64
			ComputedAt string
			Stale      bool
			Method     string
			Epsilon    *float64
			Delta      *float64
		}
		Brokers []brokerScore
	}
}

const rankingQuery = `query($c: Consistency) { brokerRanking(first: 3, consistency: $c) {
	result { version computedAt stale method epsilon delta } brokers { rank score actor { key } } } }`

func TestBackgroundAnalytics(t *testing.T) { onStores(t, testBackgroundAnalytics) }

// testBackgroundAnalytics follows a dashboard through a write: the answer
// during the recomputation is the old result marked stale (and gets no
// ETag), FRESH waits for the new one, and /metrics counts both.
func testBackgroundAnalytics(t *testing.T, openStore func(*testing.T) graph.Store) {
	st := openStore(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	g := testgate.New()
	ts := httptest.NewServer(server.New(server.Config{Store: st, Logger: zerolog.Nop(),
		Analytics: insight.BackgroundOptions{Hook: g.Hook}}).Handler())
	t.Cleanup(ts.Close)
	post := func(c string) chan ranking {
		out := make(chan ranking, 1)
		go func() {
			var r ranking
			res := do(t, ts.URL, rankingQuery, map[string]any{"c": c}, &r)
			if len(res.Errors) > 0 {
				t.Errorf("errors: %+v", res.Errors)
			}
			out <- r
		}()
		return out
	}

	first := post("LATEST") // nothing computed yet: waits for the first result
	v0 := g.Held(t)
	g.Pass(nil)
	r0 := (<-first).BrokerRanking
	if r0.Result.Version != v0 || r0.Result.Stale || r0.Result.Method != "EXACT" || r0.Result.Epsilon != nil || len(r0.Brokers) != 3 {
		t.Fatalf("first answer %+v, want version %d, fresh, EXACT, 3 brokers", r0, v0)
	}
	if _, err := time.Parse(time.RFC3339Nano, r0.Result.ComputedAt); err != nil {
		t.Errorf("computedAt %q: %v", r0.Result.ComputedAt, err)
	}

	if _, err := st.CreateLink(context.Background(), &graph.Link{Type: graph.LinkCollaboration,
		SourceID: actorID("croxteth-community-primary-school"), TargetID: actorID("tina-cook")}); err != nil {
		t.Fatal(err)
	}
	fresh := post("FRESH") // sees the write and starts the recomputation
	v1 := g.Held(t)
	vars := map[string]any{"c": "LATEST"}
	stale := getQuery(t, ts.URL, rankingQuery, vars, nil)
	var during ranking
	if err := json.Unmarshal(stale.resp.Data, &during); err != nil {
		t.Fatal(err)
	}
	if r := during.BrokerRanking; r.Result.Version != v0 || !r.Result.Stale || r.Result.ComputedAt != r0.Result.ComputedAt {
		t.Errorf("LATEST during the recomputation: %+v, want version %d marked stale", r.Result, v0)
	}
	if tag := stale.header.Get("ETag"); tag != "" {
		t.Errorf("a stale answer has ETag %s: a client would keep it after the fresh one", tag)
	}
	g.Pass(nil)
	if r := (<-fresh).BrokerRanking; r.Result.Version != v1 || r.Result.Stale || v1 <= v0 {
		t.Errorf("FRESH: %+v, want version %d (after %d) not stale", r.Result, v1, v0)
	}
	if after := getQuery(t, ts.URL, rankingQuery, vars, nil); after.header.Get("ETag") == "" {
		t.Errorf("a fresh answer has no ETag")
	}
	// The old field still answers, from the same result.
	var old struct{ Brokers []brokerScore }
	ok(t, do(t, ts.URL, `{ brokers(first: 3) { rank score actor { key } } }`, nil, &old))
	if len(old.Brokers) != 3 {
		t.Errorf("brokers: %+v", old.Brokers)
	}
	if n := scrape(t, ts.URL)[`partnergraph_analytics_recompute_duration_seconds_count{outcome="ok"}`]; n != 2 {
		t.Errorf("%v recomputations on /metrics, want 2", n)
	}
}
