package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"go.uber.org/goleak"
	"golang.org/x/time/rate"
)

// limitedServer serves st with cfg's limits (rate limits off unless set).
func limitedServer(t *testing.T, st graph.Store, cfg server.Config) *httptest.Server {
	t.Helper()
	ts, _ := clockedServer(t, st, cfg)
	return ts
}

// clockedServer is limitedServer whose rate limits read the time from the
// clock it returns, which moves only when the test advances it: a test
// counts tokens exactly, however slowly its requests run.
func clockedServer(t *testing.T, st graph.Store, cfg server.Config) (*httptest.Server, *fakeClock) {
	t.Helper()
	cfg.Store, cfg.Logger = st, zerolog.Nop()
	if cfg.Limits.RateLimit == 0 {
		cfg.Limits.RateLimit = rate.Inf
	}
	s, clock := server.New(cfg), newFakeClock()
	server.SetClock(s, clock.now)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, clock
}

// fakeClock is a clock that stands still until advanced; safe for the
// server's concurrent handlers.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// post sends body to /graphql and returns the status, headers and the
// decoded response (failing if it is not JSON).
func post(t *testing.T, c *http.Client, url string, body io.Reader) (int, http.Header, *response) {
	t.Helper()
	res, err := c.Post(url+"/graphql", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body not JSON: %v: %.300s", res.StatusCode, err, b)
	}
	return res.StatusCode, res.Header, &r
}

func gqlBody(query string, vars map[string]any) io.Reader {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return bytes.NewReader(b)
}

// graphiqlIntrospection is the introspection query GraphiQL sends (graphql-js
// getIntrospectionQuery with descriptions and specifiedByURL), the deepest
// document a normal client sends.
const graphiqlIntrospection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

func TestDepthLimit(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{})
	for name, tc := range map[string]struct {
		query, code string
	}{
		"OK":                  {`{ people(first: 5) { nodes { links(first: 5) { nodes { source { name } } } } } }`, ""},
		"GraphiQLIntrospects": {graphiqlIntrospection, ""},
		"OKAtTheLimit":        {nested(15), ""},
		"ErrTooDeep":          {nested(16), "DEPTH_LIMIT_EXCEEDED"},
		"ErrTooDeepThroughFragments": {`{ people(first: 1) { nodes { ...L } } } fragment L on Person { links(first: 1) { nodes { source { ...M } } } }
			fragment M on Actor { links(first: 1) { nodes { target { links(first: 1) { nodes { source { links(first: 1) { nodes { target {
			links(first: 1) { nodes { key } } } } } } } } } } } }`, "DEPTH_LIMIT_EXCEEDED"},
		// Each level of lists multiplies the answer by the number of types or
		// fields; gqlparser's validation stops it.
		"ErrIntrospectionLists": {`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`, "GRAPHQL_VALIDATION_FAILED"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(tc.query, nil))
			if r.code() != tc.code {
				t.Errorf("code %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
		})
	}
}

func TestComplexityLimit(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{ComplexityLimit: 20_000})
	for name, tc := range map[string]struct {
		query, code string
	}{
		"OKPage":             {`{ people(first: 1000) { nodes { key name } } }`, ""},
		"ErrPageOfPages":     {`{ people(first: 100) { nodes { links(first: 100) { nodes { key } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"OKOneAnalytics":     {`{ brokers(first: 10) { score actor { key } } }`, ""},
		"ErrTwoAnalytics":    {`{ a: brokers { score } b: networkSummary { density } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"ErrSummaryAndTop":   {`{ networkSummary { density topBrokers { score } } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"ErrHistoryOfYears":  {`{ brokerHistory(actor: "x", from: "2001-01-01", to: "2010-12-31") { score } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"OKFewPaths":         {`{ knowledgePaths(from: "a", to: "b", k: 5) { hops } }`, "NOT_FOUND"},
		"ErrManyPaths":       {`{ knowledgePaths(from: "a", to: "b", k: 10) { hops } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"ErrPathsThroughVia": {`{ knowledgePaths(from: "a", to: "b", k: 4, via: ["c", "d"]) { hops } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"ErrWideReach":       {`{ reach(from: "a", maxHops: 10) { totalCount } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"ErrAliases": {`{ a: connectionResilience(from: "a", to: "b") { independentPaths } b: connectionResilience(from: "a", to: "b") { independentPaths }
			c: allShortestPaths(from: "a", to: "b") { count } }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		// Each fragment doubles the one before: 2^40 fields once expanded,
		// refused without expanding them.
		"ErrExponentialFragments": {exponentialFragments(40), "COMPLEXITY_LIMIT_EXCEEDED"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(tc.query, nil))
			if r.code() != tc.code {
				t.Errorf("code %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
		})
	}
}

// exponentialFragments returns a document of n fragments, each spreading
// the next twice.
func exponentialFragments(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n - 1 {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n-1)
	return b.String()
}

// nested returns a query whose fields nest depth (at least 3) deep: people,
// nodes, then links, nodes and an end actor, repeated, then the end; one
// item per page, so only the depth counts.
func nested(depth int) string {
	ends := []string{"key", "links(first: 1) { totalCount }", "links(first: 1) { nodes { key } }"}
	q := ends[(depth-3)%3]
	for range (depth - 3) / 3 {
		q = "links(first: 1) { nodes { source { " + q + " } } }"
	}
	return "{ people(first: 1) { nodes { " + q + " } } }"
}

func TestPageSizeLimit(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{Limits: server.Limits{MaxPageSize: 20}})
	for name, tc := range map[string]struct {
		query string
		vars  map[string]any
		code  string
	}{
		"OK":                {`{ people(first: 20) { totalCount } }`, nil, ""},
		"ErrLiteral":        {`{ people(first: 21) { totalCount } }`, nil, graph.EINVALID},
		"ErrVariable":       {`query($n: Int) { people(first: $n) { totalCount } }`, map[string]any{"n": 500}, graph.EINVALID},
		"ErrNested":         {`{ people(first: 5) { nodes { links(first: 100) { totalCount } } } }`, nil, graph.EINVALID},
		"ErrInFragment":     {`{ ...Q } fragment Q on Query { organisations(first: 21) { totalCount } }`, nil, graph.EINVALID},
		"ErrAnalyticsFirst": {`{ brokers(first: 1000) { score } }`, nil, graph.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(tc.query, tc.vars))
			if r.code() != tc.code {
				t.Fatalf("code %q (%+v), want %q", r.code(), r.Errors, tc.code)
			}
			if tc.code != "" && r.Errors[0].Extensions["field"] != "first" {
				t.Errorf("error names field %v, want first", r.Errors[0].Extensions["field"])
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{MaxBodyBytes: 1000})
	small := `{ people { totalCount } }`
	big := `{ people { totalCount } }` + strings.Repeat(" ", 1000)
	if status, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(small, nil)); status != 200 || r.code() != "" {
		t.Fatalf("small body: %d %+v", status, r.Errors)
	}
	// With a Content-Length, and streamed without one.
	for name, body := range map[string]io.Reader{
		"ContentLength": gqlBody(big, nil),
		"Chunked":       io.MultiReader(gqlBody(big, nil)),
	} {
		t.Run(name, func(t *testing.T) {
			status, _, r := post(t, http.DefaultClient, ts.URL, body)
			if status != http.StatusRequestEntityTooLarge || r.code() != "REQUEST_TOO_LARGE" {
				t.Errorf("large body: %d %q, want 413 REQUEST_TOO_LARGE", status, r.code())
			}
		})
	}
}

// clientFrom returns an HTTP client whose connections come from ip (any
// 127/8 address works on loopback), so a test can be several clients.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

func TestRateLimit(t *testing.T) {
	ts, clock := clockedServer(t, openStore(t), server.Config{Limits: server.Limits{RateLimit: 0.5, RateBurst: 3, RateLimitLoopback: true}})
	a, b := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	query := `{ people { totalCount } }`
	for i := range 3 {
		if status, _, r := post(t, a, ts.URL, gqlBody(query, nil)); status != 200 || r.code() != "" {
			t.Fatalf("request %d within the burst: %d %+v", i, status, r.Errors)
		}
	}
	status, h, r := post(t, a, ts.URL, gqlBody(query, nil))
	if status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" {
		t.Fatalf("request beyond the burst: %d %q, want 429 RATE_LIMITED", status, r.code())
	}
	if got := h.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (s) at half a request a second", got)
	}
	// Retry-After is true: after it, exactly one more request is allowed.
	clock.advance(2 * time.Second)
	if status, _, r := post(t, a, ts.URL, gqlBody(query, nil)); status != 200 || r.code() != "" {
		t.Errorf("request after Retry-After: %d %+v, want 200", status, r.Errors)
	}
	if status, _, _ := post(t, a, ts.URL, gqlBody(query, nil)); status != http.StatusTooManyRequests {
		t.Errorf("second request after Retry-After: %d, want 429", status)
	}
	// Another client has its own bucket.
	if status, _, r := post(t, b, ts.URL, gqlBody(query, nil)); status != 200 || r.code() != "" {
		t.Errorf("another client: %d %+v", status, r.Errors)
	}
	// Loopback clients are exempt unless limited explicitly.
	exempt := limitedServer(t, openStore(t), server.Config{Limits: server.Limits{RateLimit: 0.5, RateBurst: 1}})
	for i := range 3 {
		if status, _, r := post(t, a, exempt.URL, gqlBody(query, nil)); status != 200 || r.code() != "" {
			t.Fatalf("loopback request %d: %d %+v", i, status, r.Errors)
		}
	}
	// Probes are not rate limited.
	res, err := a.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("healthz of a limited client = %d", res.StatusCode)
	}
}

// slowStore delays every read until its context ends or the delay passes.
type slowStore struct {
	graph.Store
	delay time.Duration
}

func (s *slowStore) wait(ctx context.Context) error {
	select {
	case <-time.After(s.delay):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *slowStore) FindActors(ctx context.Context, f graph.ActorFilter, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.FindActors(ctx, f, p)
}

func (s *slowStore) Scan(ctx context.Context, fn func(graph.Item) error) (int64, error) {
	if err := s.wait(ctx); err != nil {
		return 0, err
	}
	return s.Store.Scan(ctx, fn)
}

func TestTimeouts(t *testing.T) {
	st := openStore(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	slow := &slowStore{Store: st, delay: time.Minute}
	for name, lim := range map[string]server.Limits{
		// The snapshot's scan is shared and outlives the request that
		// started it; the store timeout ends it when the store stalls.
		"Request": {RequestTimeout: 200 * time.Millisecond, StoreTimeout: 300 * time.Millisecond},
		"Store":   {StoreTimeout: 200 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			// Cancelled calls leave nothing running behind them.
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			cfg := server.Config{Store: slow, Logger: zerolog.Nop(), Limits: lim}
			ts := httptest.NewServer(server.New(cfg).Handler())
			defer ts.Close()
			client := &http.Client{Transport: &http.Transport{}}
			defer client.CloseIdleConnections()
			for _, q := range []string{`{ people { totalCount } }`, `{ brokers { score } }`} {
				start := time.Now()
				status, _, r := post(t, client, ts.URL, gqlBody(q, nil))
				if status != 200 || r.code() != graph.ETIMEOUT {
					t.Errorf("%s on a store that hangs: %d %+v, want TIMEOUT", q, status, r.Errors)
				}
				// Not a timing assertion: the store waits a minute, so only
				// a cancelled call answers within the test's lifetime.
				if d := time.Since(start); d > 30*time.Second {
					t.Errorf("%s answered after %v", q, d)
				}
			}
		})
	}
}

// TestRateLimitPerKey: with access control on, each API key has its own
// bucket, also on loopback, where anonymous callers are not limited.
func TestRateLimitPerKey(t *testing.T) {
	st := openStore(t)
	a, _ := mintKey(t, st, graph.AccessViewer)
	b, _ := mintKey(t, st, graph.AccessViewer)
	ts, _ := clockedServer(t, st, server.Config{Auth: &server.Auth{PublicRead: true},
		Limits: server.Limits{RateLimit: 0.5, RateBurst: 2}})
	query := `{ people { totalCount } }`
	for i := range 2 {
		if status, _, r := doAs(t, ts.URL, a, query, nil, nil); status != 200 || r.code() != "" {
			t.Fatalf("key a, request %d within the burst: %d %+v", i, status, r.Errors)
		}
	}
	status, h, r := doAs(t, ts.URL, a, query, nil, nil)
	if status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || h.Get("Retry-After") != "2" {
		t.Fatalf("key a beyond the burst: %d %q Retry-After %q, want 429 RATE_LIMITED after 2", status, r.code(), h.Get("Retry-After"))
	}
	if status, _, r := doAs(t, ts.URL, b, query, nil, nil); status != 200 || r.code() != "" {
		t.Errorf("key b from the same address: %d %+v", status, r.Errors)
	}
	for i := range 3 {
		if status, _, r := doAs(t, ts.URL, "", query, nil, nil); status != 200 || r.code() != "" {
			t.Errorf("anonymous loopback request %d: %d %+v", i, status, r.Errors)
		}
	}
}

// TestSlowBody: a body that does not arrive within the request timeout is
// refused with 408, not waited for.
func TestSlowBody(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{Limits: server.Limits{RequestTimeout: 300 * time.Millisecond}})
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\"")
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), graph.ETIMEOUT) {
		t.Errorf("slow body: %d %s, want 408 TIMEOUT", res.StatusCode, b)
	}
}
