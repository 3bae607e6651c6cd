// Package scaleload drives a running partnergraph server over GraphQL HTTP
// the way a busy deployment would: many concurrent clients mixing reads
// (actor lookups, name searches, link pages), shortest paths, k shortest
// paths, analytics (top brokers, the network summary) and writes (actors
// and links created and updated through mutations). It measures each class
// of operation, the server's memory and its own metrics, checks at the end
// that every acknowledged write is there, and times how long a write takes
// to show in the next analytics answer. scripts/scale-test runs it against
// both backends; a smoke test runs it on a tiny network.
package scaleload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Config says what to run against and for how long.
type Config struct {
	URL      string        // base URL of the server (its /graphql and /metrics)
	Clients  int           // concurrent clients, each sending one request at a time
	Duration time.Duration // how long the clients send requests
	// Requests, when > 0, stops the run after that many requests in all
	// instead of after Duration: a fixed amount of work, for tests.
	Requests  int
	Seed      uint64        // the clients' choices; the same seed, the same sequence per client
	PID       int           // the server's process, to sample its resident memory (0: not sampled)
	MaxActors int           // actors read at the start to draw requests from (default 200,000)
	Probe     time.Duration // interval between write-visibility probes (0: no probes)
	// WriteShare is the share of requests that write, in percent; with 0
	// and no Probe nothing is written, a baseline for the cost of writes.
	WriteShare int
}

// Run loads the actors, runs the clients and checks the writes.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Clients < 1 {
		return nil, fmt.Errorf("scaleload: clients: %d, want at least 1", cfg.Clients)
	}
	if cfg.Duration <= 0 && cfg.Requests <= 0 {
		return nil, errors.New("scaleload: give a duration or a number of requests")
	}
	if cfg.MaxActors <= 0 {
		cfg.MaxActors = 200_000
	}
	if cfg.WriteShare < 0 || cfg.WriteShare > 100 {
		return nil, fmt.Errorf("scaleload: write share: %d%%, want 0 to 100", cfg.WriteShare)
	}
	w := &workload{cfg: cfg, run: strconv.FormatInt(time.Now().UnixNano(), 36),
		http: &http.Client{Transport: &http.Transport{MaxIdleConns: cfg.Clients + 8, MaxIdleConnsPerHost: cfg.Clients + 8}}}
	if err := w.loadActors(ctx); err != nil {
		return nil, err
	}
	before, err := w.metrics(ctx)
	if err != nil {
		return nil, err
	}
	rep := w.drive(ctx)
	after, err := w.metrics(ctx)
	if err != nil {
		return nil, err
	}
	rep.Server = figures(before, after)
	rep.Results = w.results
	rep.Entities, rep.Lost, err = w.verify(ctx)
	rep.Acked = w.acks
	return rep, err
}

// workload is what the clients share: the actors to draw from and the
// ledger of acknowledged writes.
type workload struct {
	cfg    Config
	http   *http.Client
	run    string // makes this run's keys unique, so runs can repeat on one store
	actors []actorRef
	words  []string // four-letter starts of name words, for searches

	mu      sync.Mutex
	ledger  map[string]*entry // by ID: what each acknowledged write left
	sent    int               // requests started, against cfg.Requests
	acks    int               // mutations acknowledged
	results resultCounts      // what the analytics answers were read from
}

type actorRef struct {
	ID, Key, Name, Typename string
}

// entry is what the store must hold for one entity written: it exists and,
// when a field was updated, holds the last acknowledged value or one sent
// after it whose answer never came.
type entry struct {
	kind    string // Person, Organisation or Link
	field   string // "description" or "weight"; empty: existence only
	value   string
	pending []string
}

// do posts one GraphQL request; a transport error, a status other than 200
// or a GraphQL error is an error.
func (w *workload) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := w.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(raw, &r); err != nil || res.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return fmt.Errorf("status %d: %.300s", res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// loadActors pages through the network's actors, up to MaxActors.
func (w *workload) loadActors(ctx context.Context) error {
	after := ""
	for len(w.actors) < w.cfg.MaxActors {
		var got struct {
			Actors struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []actorRef
			}
		}
		vars := map[string]any{"first": min(1000, w.cfg.MaxActors-len(w.actors))}
		if after != "" {
			vars["after"] = after
		}
		if err := w.do(ctx, `query Actors($first: Int, $after: String) { actors(first: $first, after: $after) {
			pageInfo { hasNextPage endCursor } nodes { id key name typename: __typename } } }`, vars, &got); err != nil {
			return fmt.Errorf("scaleload: read actors: %w", err)
		}
		w.actors = append(w.actors, got.Actors.Nodes...)
		if !got.Actors.PageInfo.HasNextPage {
			break
		}
		after = got.Actors.PageInfo.EndCursor
	}
	if len(w.actors) < 2 {
		return fmt.Errorf("scaleload: the network has %d actors, want at least 2", len(w.actors))
	}
	seen := map[string]bool{}
	for _, a := range w.actors {
		if len(a.Name) >= 4 && !seen[a.Name[:4]] {
			seen[a.Name[:4]] = true
			w.words = append(w.words, a.Name[:4])
		}
	}
	return nil
}

// take reserves one request against cfg.Requests; false when the budget is
// spent.
func (w *workload) take() bool {
	if w.cfg.Requests <= 0 {
		return true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent >= w.cfg.Requests {
		return false
	}
	w.sent++
	return true
}

// drive runs the clients (and the probe) and gathers their samples.
func (w *workload) drive(ctx context.Context) *Report {
	if w.cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.cfg.Duration)
		defer cancel()
	}
	w.ledger = map[string]*entry{}
	rec := newRecorder()
	proc := w.sampleProcess(ctx)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range w.cfg.Clients {
		wg.Go(func() { w.client(ctx, c, rec) })
	}
	var probes probeResult
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	if w.cfg.Probe > 0 {
		pwg.Go(func() { probes = w.probe(ctx, stop) })
	}
	wg.Wait()
	close(stop)
	pwg.Wait()
	rep := rec.report(time.Since(start))
	rep.Visibility = probes
	rep.Process = proc()
	return rep
}

// client sends requests one at a time until the run ends.
func (w *workload) client(ctx context.Context, c int, rec *recorder) {
	rng := rand.New(rand.NewPCG(w.cfg.Seed, uint64(c)))
	own := &owned{client: c}
	for ctx.Err() == nil && w.take() {
		start := time.Now()
		kind, err := w.one(ctx, rng, own)
		took := time.Since(start)
		if ctx.Err() != nil && err != nil {
			break // cut by the end of the run, not an error of the server
		}
		rec.add(kind, took, err)
	}
}

// owned is what one client wrote: only it updates these, so the last value
// it saw acknowledged is the one the store must hold.
type owned struct {
	client int
	seq    int
	people []string // IDs
	links  []string
}

func (w *workload) pick(rng *rand.Rand) actorRef { return w.actors[rng.IntN(len(w.actors))] }

func (w *workload) pair(rng *rand.Rand) (a, b actorRef) {
	a = w.pick(rng)
	for b = w.pick(rng); b.ID == a.ID; b = w.pick(rng) {
	}
	return a, b
}

// one sends one request drawn from the mix: WriteShare% writes, and of the
// rest, half reads, a fifth shortest paths, a tenth k shortest paths,
// a fifth analytics.
func (w *workload) one(ctx context.Context, rng *rand.Rand, own *owned) (string, error) {
	if rng.IntN(100) < w.cfg.WriteShare {
		return w.write(ctx, rng, own)
	}
	switch p := rng.IntN(100); {
	case p < 20:
		return "read:actor", w.do(ctx, `query Actor($key: String!) { actor(key: $key) { id name
			links(first: 10) { totalCount nodes { type from weight source { name } target { name } evidence { source quote } } }
			participations { role programme { name } } } }`, map[string]any{"key": w.pick(rng).Key}, nil)
	case p < 35:
		return "read:search", w.do(ctx, `query Search($q: String!) { actors(search: $q, first: 10) { nodes { key name } } }`,
			map[string]any{"q": w.words[rng.IntN(len(w.words))]}, nil)
	case p < 50:
		return "read:links", w.do(ctx, `query Links($types: [LinkType!], $from: Date) {
			links(filter: {types: $types, activeFrom: $from}, first: 50) { pageInfo { hasNextPage endCursor }
			nodes { id type weight from to source { key } target { key } evidence { source } } } }`,
			map[string]any{"types": []string{linkTypes[rng.IntN(len(linkTypes))]}, "from": fmt.Sprintf("%d-01-01", 2010+rng.IntN(15))}, nil)
	case p < 70:
		a, b := w.pair(rng)
		return "shortest", w.do(ctx, `query Path($a: ID!, $b: ID!) { knowledgePaths(from: $a, to: $b) { hops actors { name } } }`,
			map[string]any{"a": a.ID, "b": b.ID}, nil)
	case p < 80:
		a, b := w.pair(rng)
		return "kpaths", w.do(ctx, `query Paths($a: ID!, $b: ID!) { knowledgePaths(from: $a, to: $b, k: 5) { hops actors { name } steps { link { type } } } }`,
			map[string]any{"a": a.ID, "b": b.ID}, nil)
	case p < 90:
		var got struct{ BrokerRanking struct{ Result answerResult } }
		err := w.do(ctx, `query Brokers { brokerRanking(first: 5, consistency: LATEST) {
			result { version stale method } brokers { rank score actor { name } } } }`, nil, &got)
		return "analytics:brokers", w.answered(err, got.BrokerRanking.Result)
	default:
		var got struct{ NetworkSummary struct{ Result answerResult } }
		err := w.do(ctx, `query Summary { networkSummary(consistency: LATEST) { actors links density components largestComponent
			result { version stale method } } }`, nil, &got)
		return "analytics:summary", w.answered(err, got.NetworkSummary.Result)
	}
}

// answerResult is what an analytics answer says of the result it was read
// from (AnalyticsResult).
type answerResult struct {
	Version json.Number
	Stale   bool
	Method  string
}

// answered counts an analytics answer by freshness and method.
func (w *workload) answered(err error, r answerResult) error {
	if err == nil {
		w.mu.Lock()
		w.results.add(r)
		w.mu.Unlock()
	}
	return err
}

var linkTypes = []string{"AFFILIATION", "MEMBERSHIP", "PARTNERSHIP", "COLLABORATION", "KNOWLEDGE_EXCHANGE", "GOVERNANCE", "FUNDING"}
