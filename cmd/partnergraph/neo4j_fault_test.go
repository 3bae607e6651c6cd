package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/rs/zerolog"
)

// TestNeo4jStoppedDuringWrites runs the service on its own Neo4j (a second
// server on a free port, neo4jtest.StartServer, so other tests keep theirs),
// stops Neo4j while clients write through GraphQL, and starts it again.
// While Neo4j is down the service answers every request with an error (no
// panic, no 5xx, no dropped connection) and /readyz turns red; it recovers
// by itself, /readyz turns green, and every acknowledged write is
// there. It runs where Neo4j can be started (Java and scripts/neo4j's jars)
// and the suite has Neo4j (NEO4J_URI set, as scripts/test does), or with
// PARTNERGRAPH_FAULT_TESTS=1.
func TestNeo4jStoppedDuringWrites(t *testing.T) {
	neo := neo4jtest.StartServer(t)
	var panics atomic.Int64
	m := NewMain()
	m.Store.Kind, m.Store.Neo4j = "neo4j", neo.Config()
	m.Addr = "127.0.0.1:0"
	m.Serve.RequestTimeout, m.Serve.StoreTimeout = 3*time.Second, 2*time.Second
	m.Logger = zerolog.New(io.Discard).Hook(zerolog.HookFunc(func(_ *zerolog.Event, _ zerolog.Level, msg string) {
		if strings.Contains(msg, "panic") {
			panics.Add(1)
		}
	}))
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	base := m.URL()

	ready := watchReadiness(t, base)
	w := &faultWriters{base: base, client: &http.Client{Timeout: 30 * time.Second}}
	w.start(4)
	defer w.stop()

	waitFor(t, "20 writes before the stop", 60*time.Second, func() bool { return w.acked() >= 20 })
	neo.Run(t, "stop")
	stoppedAt := w.snapshot()
	waitFor(t, "/readyz to turn red", 30*time.Second, func() bool { return ready.saw(http.StatusServiceUnavailable) })
	waitFor(t, "writes to fail while Neo4j is down", 30*time.Second, func() bool { return w.failed() >= stoppedAt.failed+5 })
	down := w.snapshot()
	neo.Run(t, "start")
	waitFor(t, "/readyz to turn green again", 120*time.Second, func() bool { return ready.last() == http.StatusOK })
	waitFor(t, "writes to succeed again", 120*time.Second, func() bool { return w.acked() >= down.acked+20 })
	w.stop()
	ready.stop()

	if n := w.broken.Load(); n > 0 {
		t.Errorf("%d requests got no GraphQL answer (5xx, no JSON or a dropped connection); first: %s", n, w.firstBroken())
	}
	if n := panics.Load(); n > 0 {
		t.Errorf("%d panics logged", n)
	}
	if got := ready.sequence(); !strings.Contains(got, "200 503") || !strings.HasSuffix(got, "503 200") {
		t.Errorf("/readyz went %s, want 200 then 503 then 200", got)
	}
	checkAcked(t, w.client, base, w.keys())
	t.Logf("%d writes acknowledged (all present), %d refused with an error (by code %v) while Neo4j was down or stopping; /readyz %s",
		w.acked(), w.failed(), w.codes, ready.sequence())
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
	}
}

// readiness polls /readyz and keeps the changes of its status.
type readiness struct {
	mu      sync.Mutex
	changes []int
	cancel  context.CancelFunc
	done    chan struct{}
}

func watchReadiness(t *testing.T, base string) *readiness {
	ctx, cancel := context.WithCancel(context.Background())
	r := &readiness{cancel: cancel, done: make(chan struct{})}
	t.Cleanup(r.stop)
	go func() {
		defer close(r.done)
		client := &http.Client{Timeout: 10 * time.Second}
		for ctx.Err() == nil {
			status := 0 // no answer at all
			if res, err := client.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				status = res.StatusCode
			}
			r.mu.Lock()
			if len(r.changes) == 0 || r.changes[len(r.changes)-1] != status {
				r.changes = append(r.changes, status)
			}
			r.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()
	return r
}

func (r *readiness) stop() {
	r.cancel()
	<-r.done
}

func (r *readiness) saw(status int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.changes {
		if s == status {
			return true
		}
	}
	return false
}

func (r *readiness) last() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changes[len(r.changes)-1]
}

func (r *readiness) sequence() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Trim(fmt.Sprint(r.changes), "[]")
}

// faultWriters create people through GraphQL until stopped, keeping the
// keys of acknowledged writes and counting the requests that failed.
type faultWriters struct {
	base      string
	client    *http.Client
	mu        sync.Mutex
	ackedKeys []string
	errs      int
	codes     map[any]int  // errors by extensions.code
	broken    atomic.Int64 // answers that were not GraphQL responses
	first     atomic.Pointer[string]
	quit      chan struct{}
	wg        sync.WaitGroup
	stopOnce  sync.Once
}

type writeCounts struct{ acked, failed int }

func (w *faultWriters) start(n int) {
	w.quit, w.codes = make(chan struct{}), map[any]int{}
	for i := range n {
		w.wg.Go(func() {
			for seq := 0; ; seq++ {
				select {
				case <-w.quit:
					return
				default:
				}
				w.write(fmt.Sprintf("fault-%d-%05d", i, seq))
			}
		})
	}
}

func (w *faultWriters) stop() {
	w.stopOnce.Do(func() {
		close(w.quit)
		w.wg.Wait()
	})
}

// write sends one createPerson and classifies the answer.
func (w *faultWriters) write(key string) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($k: String!) { createPerson(input: {key: $k, name: "Fault Tester"}) { key } }`,
		"variables": map[string]any{"k": key}})
	res, err := w.client.Post(w.base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		w.brokenAnswer(err.Error())
		return
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r struct {
		Data   *struct{ CreatePerson *struct{ Key string } }
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil || res.StatusCode >= 500 {
		w.brokenAnswer(fmt.Sprintf("status %d: %.200s", res.StatusCode, raw))
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case len(r.Errors) > 0:
		w.errs++
		w.codes[r.Errors[0].Extensions["code"]]++
		if r.Errors[0].Extensions["code"] == nil {
			w.brokenAnswer(fmt.Sprintf("error without a code: %.200s", raw))
		}
	case r.Data != nil && r.Data.CreatePerson != nil && r.Data.CreatePerson.Key == key:
		w.ackedKeys = append(w.ackedKeys, key)
	default:
		w.brokenAnswer(fmt.Sprintf("neither data nor errors: %.200s", raw))
	}
}

func (w *faultWriters) brokenAnswer(what string) {
	w.broken.Add(1)
	w.first.CompareAndSwap(nil, &what)
}

func (w *faultWriters) firstBroken() string {
	if p := w.first.Load(); p != nil {
		return *p
	}
	return ""
}

func (w *faultWriters) acked() int  { return w.snapshot().acked }
func (w *faultWriters) failed() int { return w.snapshot().failed }

func (w *faultWriters) snapshot() writeCounts {
	w.mu.Lock()
	defer w.mu.Unlock()
	return writeCounts{len(w.ackedKeys), w.errs}
}

func (w *faultWriters) keys() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.ackedKeys...)
}

// checkAcked fails t for each key whose person is missing.
func checkAcked(t *testing.T, client *http.Client, base string, keys []string) {
	t.Helper()
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 500)]
		keys = keys[len(batch):]
		ids := make([]string, len(batch))
		for i, k := range batch {
			ids[i] = graph.NewID(graph.KindActor, k)
		}
		body, _ := json.Marshal(map[string]any{"query": `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, "variables": map[string]any{"ids": ids}})
		res, err := client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Data   struct{ Nodes []*struct{ ID string } }
			Errors []any
		}
		err = json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		if err != nil || len(r.Errors) > 0 || len(r.Data.Nodes) != len(batch) {
			t.Fatalf("check acknowledged writes: %v %v", err, r.Errors)
		}
		for i, n := range r.Data.Nodes {
			if n == nil {
				t.Errorf("acknowledged write %s lost", batch[i])
			}
		}
	}
}
