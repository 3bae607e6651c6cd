package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/internal/cputime"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

// TestLoad runs a bounded load on loopback against the demo network: many
// concurrent clients (PARTNERGRAPH_LOAD_CLIENTS, default 50) for a fixed time
// (PARTNERGRAPH_LOAD_DURATION, default 10s), mixing reads, knowledgePaths
// queries, analytics and writes. It fails on any error and reports
// throughput and latency percentiles; timing never decides the outcome. The
// embedded store is the default, PARTNERGRAPH_LOAD_STORE=neo4j uses Neo4j.
// scripts/load-test runs it and prints the figures.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	clients := loadEnv(t, "PARTNERGRAPH_LOAD_CLIENTS", 50, strconv.Atoi)
	duration := loadEnv(t, "PARTNERGRAPH_LOAD_DURATION", 10*time.Second, time.ParseDuration)
	base, backend := loadTarget(t)
	w := newWorkload(t, base)
	start, cpu0 := time.Now(), cputime.Process()
	res := w.run(clients, duration)
	elapsed, cpu := time.Since(start), cputime.Process()-cpu0

	t.Logf("load: %s store, %d clients, %s, %d requests, %.0f requests/s, p50 %s, p99 %s, max %s, %d errors",
		backend, clients, elapsed.Round(time.Millisecond), res.count(), float64(res.count())/elapsed.Seconds(),
		res.percentile(0.50), res.percentile(0.99), res.percentile(1), len(res.errors))
	// CPU time says more than throughput on a shared machine: it is what
	// each request costs, whatever else runs.
	t.Logf("load: %.2f ms of CPU per request (service and load generator, one process), %.1f cores used on average",
		cpu.Seconds()*1000/float64(max(res.count(), 1)), cpu.Seconds()/elapsed.Seconds())
	m := w.metrics(t)
	scans, scanSecs := m[`partnergraph_store_call_duration_seconds_count{method="Scan",outcome="ok"}`],
		m[`partnergraph_store_call_duration_seconds_sum{method="Scan",outcome="ok"}`]
	t.Logf("load: snapshot cache %.0f hits, %.0f misses, %.0f KiB held; %.0f store scans, %.0f ms each on average",
		m["partnergraph_snapshot_cache_hits_total"], m["partnergraph_snapshot_cache_misses_total"],
		m["partnergraph_snapshot_cache_bytes"]/1024, scans, 1000*scanSecs/max(scans, 1))
	for _, k := range res.kinds() {
		t.Logf("load:   %-10s %6d requests, p50 %s, p99 %s", k, len(res.latencies[k]), res.percentileOf(k, 0.50), res.percentileOf(k, 0.99))
	}
	for i, e := range res.errors {
		if i == 10 {
			t.Errorf("… and %d more errors", len(res.errors)-10)
			break
		}
		t.Errorf("error: %s", e)
	}
	w.checkWrites(t)
}

func loadEnv[T any](t *testing.T, name string, def T, parse func(string) (T, error)) T {
	s, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	v, err := parse(s)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return v
}

// loadTarget serves the demo network: the real program on the embedded
// store, or a server over an empty Neo4j (neo4jtest) with the demo loaded.
func loadTarget(t *testing.T) (base, backend string) {
	switch os.Getenv("PARTNERGRAPH_LOAD_STORE") {
	case "", "embedded":
		m := startMain(t, t.TempDir(), true)
		t.Cleanup(func() { m.Close() })
		return m.URL(), "embedded"
	case "neo4j":
		st := neo4jtest.Open(t)
		if _, err := seed.Load(t.Context(), st); err != nil {
			t.Fatal(err)
		}
		f := newServeFlags()
		ts := httptest.NewServer(server.New(f.config(st, zerolog.Nop())).Handler())
		t.Cleanup(ts.Close)
		return ts.URL, "neo4j"
	}
	t.Fatalf("PARTNERGRAPH_LOAD_STORE=%q: want embedded or neo4j", os.Getenv("PARTNERGRAPH_LOAD_STORE"))
	return "", ""
}

// workload is the mix the clients send, over the demo's actors.
type workload struct {
	base     string
	client   *http.Client
	actors   []loadActor // everyone in the demo
	orgs     []loadActor
	words    []string // words of names, for searches
	mu       sync.Mutex
	written  []string // keys of people whose creation was acknowledged
	sequence int
}

type loadActor struct{ ID, Key, Name, Typename string }

func newWorkload(t *testing.T, base string) *workload {
	w := &workload{base: base, client: &http.Client{Transport: &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200}}}
	var got struct {
		Actors struct {
			Nodes []struct{ ID, Key, Name, Typename string }
		}
	}
	if err := w.do("setup", `{ actors(first: 1000) { nodes { id key name typename: __typename } } }`, nil, &got); err != nil {
		t.Fatal(err)
	}
	for _, a := range got.Actors.Nodes {
		la := loadActor(a)
		w.actors = append(w.actors, la)
		if a.Typename == "Organisation" {
			w.orgs = append(w.orgs, la)
		}
		for _, word := range strings.Fields(a.Name) {
			if len(word) > 3 {
				w.words = append(w.words, strings.ToLower(word[:4]))
			}
		}
	}
	if len(w.actors) < 20 || len(w.orgs) == 0 {
		t.Fatalf("demo network has %d actors", len(w.actors))
	}
	return w
}

// do posts one GraphQL request; any transport error, non-200 status or
// GraphQL error is an error.
func (w *workload) do(op, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res, err := w.client.Post(w.base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil || res.StatusCode != 200 || len(r.Errors) > 0 {
		return fmt.Errorf("%s: status %d: %.300s", op, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// loadResult holds latencies by kind of request, and the errors.
type loadResult struct {
	latencies map[string][]time.Duration
	errors    []string
}

func (r *loadResult) count() int {
	n := 0
	for _, l := range r.latencies {
		n += len(l)
	}
	return n
}

func (r *loadResult) kinds() []string {
	var ks []string
	for k := range r.latencies {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (r *loadResult) percentile(p float64) time.Duration {
	var all []time.Duration
	for _, l := range r.latencies {
		all = append(all, l...)
	}
	return percentile(all, p)
}

func (r *loadResult) percentileOf(kind string, p float64) time.Duration {
	return percentile(r.latencies[kind], p)
}

// percentile returns the nearest-rank percentile p (0..1) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)].Round(10 * time.Microsecond)
}

// run has n clients send requests until d has passed.
func (w *workload) run(n int, d time.Duration) *loadResult {
	deadline := time.Now().Add(d)
	results := make([]*loadResult, n)
	var wg sync.WaitGroup
	for c := range n {
		wg.Go(func() {
			res := &loadResult{latencies: map[string][]time.Duration{}}
			rng := rand.New(rand.NewPCG(uint64(c), 42))
			for time.Now().Before(deadline) {
				kind, took, err := w.one(rng)
				res.latencies[kind] = append(res.latencies[kind], took)
				if err != nil {
					res.errors = append(res.errors, err.Error())
				}
			}
			results[c] = res
		})
	}
	wg.Wait()
	total := &loadResult{latencies: map[string][]time.Duration{}}
	for _, r := range results {
		for k, l := range r.latencies {
			total.latencies[k] = append(total.latencies[k], l...)
		}
		total.errors = append(total.errors, r.errors...)
	}
	return total
}

// one sends one request of a kind drawn from the mix: 50% reads, 25% path
// queries, 5% analytics, 20% writes.
func (w *workload) one(rng *rand.Rand) (kind string, took time.Duration, err error) {
	start := time.Now()
	pick := func(as []loadActor) loadActor { return as[rng.IntN(len(as))] }
	switch p := rng.IntN(100); {
	case p < 20:
		kind = "actor"
		err = w.do(kind, `query Actor($key: String!) { actor(key: $key) { name
			links(first: 10) { totalCount nodes { type from source { name } target { name } evidence { source quote } } }
			participations { role programme { name } } } }`, map[string]any{"key": pick(w.actors).Key}, nil)
	case p < 35:
		kind = "page"
		err = w.do(kind, `query Organisations { organisations(first: 50) { totalCount
			nodes { key name type sector parent { name } links(first: 5) { nodes { key type } } } } }`, nil, nil)
	case p < 50:
		kind = "search"
		err = w.do(kind, `query Search($q: String!) { actors(search: $q, first: 10) { totalCount nodes { key name } } }`,
			map[string]any{"q": w.words[rng.IntN(len(w.words))]}, nil)
	case p < 75:
		kind = "paths"
		a, b := pick(w.actors), pick(w.actors)
		for b.ID == a.ID {
			b = pick(w.actors)
		}
		err = w.do(kind, `query Paths($a: ID!, $b: ID!) { knowledgePaths(from: $a, to: $b, k: 3) { hops actors { name } steps { link { type } } } }`,
			map[string]any{"a": a.ID, "b": b.ID}, nil)
	case p < 80:
		kind = "analytics"
		err = w.do(kind, `query Brokers { brokers(first: 5) { rank score actor { name } } networkSummary { density components } }`, nil, nil)
	default:
		kind = "write"
		err = w.write(pick(w.orgs))
	}
	return kind, time.Since(start), err
}

// write creates a person and their affiliation with org, as an editor would.
func (w *workload) write(org loadActor) error {
	w.mu.Lock()
	w.sequence++
	key := fmt.Sprintf("load-person-%06d", w.sequence)
	w.mu.Unlock()
	var got struct{ CreatePerson struct{ ID string } }
	if err := w.do("write", `mutation Person($key: String!) { createPerson(input: {key: $key, name: "Load Tester", roles: ["load test"]}) { id } }`,
		map[string]any{"key": key}, &got); err != nil {
		return err
	}
	w.mu.Lock()
	w.written = append(w.written, key)
	w.mu.Unlock()
	return w.do("write", `mutation Link($p: ID!, $o: ID!) { createLink(input: {type: AFFILIATION, sourceId: $p, targetId: $o,
		from: "2024-01-01", evidence: {source: "load test", note: "written by TestLoad"}}) { id } }`,
		map[string]any{"p": got.CreatePerson.ID, "o": org.ID}, nil)
}

// metrics returns the server's metric samples by name and labels.
func (w *workload) metrics(t *testing.T) map[string]float64 {
	res, err := w.client.Get(w.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	samples := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
			v, _ := strconv.ParseFloat(line[i+1:], 64)
			samples[line[:i]] = v
		}
	}
	return samples
}

// checkWrites checks every acknowledged person is there after the load.
func (w *workload) checkWrites(t *testing.T) {
	t.Helper()
	ids := make([]string, len(w.written))
	for i, k := range w.written {
		ids[i] = graph.NewID(graph.KindActor, k)
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		var got struct{ Nodes []*struct{ ID string } }
		if err := w.do("check", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": batch}, &got); err != nil {
			t.Fatal(err)
		}
		for i, n := range got.Nodes {
			if n == nil {
				t.Errorf("acknowledged write %s is missing", batch[i])
			}
		}
	}
	t.Logf("load: %d acknowledged people written, all present", len(w.written))
}
