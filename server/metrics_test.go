package server_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
)

// scrape returns the value of each sample at /metrics, by name and labels as
// exposed (`name{label="value"}`).
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET /metrics = %d", res.StatusCode)
	}
	samples := map[string]float64{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z_]+(?:\{[^}]*\})?) (\S+)$`).FindAllStringSubmatch(string(body), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		samples[m[1]] = v
	}
	return samples
}

func TestMetrics(t *testing.T) {
	st := openStore(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	ts := limitedServer(t, st, server.Config{ComplexityLimit: 50_000})
	ok(t, do(t, ts.URL, `query People { people(first: 3) { nodes { name links(first: 2) { nodes { key } } } } }`, nil, nil))
	ok(t, do(t, ts.URL, `query People { people(first: 1) { totalCount } }`, nil, nil))
	ok(t, do(t, ts.URL, `{ brokers(first: 3) { score } again: brokers(first: 3, metric: DEGREE) { score } }`, nil, nil))
	ok(t, do(t, ts.URL, `query($s: ID!, $t: ID!) { knowledgePaths(from: $s, to: $t) { hops } }`,
		map[string]any{"s": actorID("croxteth-community-primary-school"), "t": actorID("tina-cook")}, nil))
	do(t, ts.URL, `query Missing { brokerProfile(actor: "nobody") { betweenness } }`, nil, nil)
	do(t, ts.URL, `{ a: brokers { score } b: brokers { score } c: brokers { score } d: brokers { score } e: brokers { score } }`, nil, nil)
	do(t, ts.URL, `{ people { `, nil, nil)

	got := scrape(t, ts.URL)
	for sample, want := range map[string]float64{
		`partnergraph_graphql_request_duration_seconds_count{operation="People"}`:                  2,
		`partnergraph_graphql_request_duration_seconds_count{operation="anonymous"}`:               2,
		`partnergraph_graphql_request_duration_seconds_count{operation="Missing"}`:                 1,
		`partnergraph_graphql_request_duration_seconds_count{operation="invalid"}`:                 2,
		`partnergraph_graphql_errors_total{code="NOT_FOUND"}`:                                      1,
		`partnergraph_graphql_errors_total{code="COMPLEXITY_LIMIT_EXCEEDED"}`:                      1,
		`partnergraph_graphql_errors_total{code="GRAPHQL_PARSE_FAILED"}`:                           1,
		`partnergraph_analytics_duration_seconds_count{field="brokers",outcome="ok"}`:              2,
		`partnergraph_analytics_duration_seconds_count{field="knowledgePaths",outcome="ok"}`:       1,
		`partnergraph_analytics_duration_seconds_count{field="brokerProfile",outcome="NOT_FOUND"}`: 1,
		`partnergraph_store_call_duration_seconds_count{method="FindActors",outcome="ok"}`:         2,
		`partnergraph_store_call_duration_seconds_count{method="Scan",outcome="ok"}`:               1,
		`partnergraph_store_calls_in_flight`:                                                       0,
		`partnergraph_snapshot_cache_misses_total`:                                                 1,
		`partnergraph_snapshot_cache_hits_total`:                                                   3,
		// The parse failure too: GraphQL over HTTP answers application/json clients 200.
		`partnergraph_http_requests_total{route="/graphql",status="200"}`: 7,
	} {
		if v, ok := got[sample]; !ok || v != want {
			t.Errorf("%s = %v (exposed: %v), want %v", sample, v, ok, want)
		}
	}
	if got[`partnergraph_store_call_duration_seconds_count{method="LinkPages",outcome="ok"}`] < 1 {
		t.Errorf("no LinkPages store calls counted")
	}
	if got["partnergraph_snapshot_cache_bytes"] <= 0 {
		t.Errorf("snapshot cache bytes = %v, want the cached network counted", got["partnergraph_snapshot_cache_bytes"])
	}
	if _, ok := got["go_goroutines"]; !ok {
		t.Errorf("no Go runtime metrics")
	}
}

func TestMetricsOperationNamesBounded(t *testing.T) {
	ts := limitedServer(t, openStore(t), server.Config{})
	for i := range 210 {
		ok(t, do(t, ts.URL, `query Q`+strconv.Itoa(i)+` { people(first: 1) { totalCount } }`, nil, nil))
	}
	got := scrape(t, ts.URL)
	n := 0
	for s := range got {
		if regexp.MustCompile(`^partnergraph_graphql_request_duration_seconds_count\{operation="Q\d+"\}$`).MatchString(s) {
			n++
		}
	}
	if n != 200 || got[`partnergraph_graphql_request_duration_seconds_count{operation="other"}`] != 10 {
		t.Errorf("%d operation names kept and %v other, want 200 and 10", n, got[`partnergraph_graphql_request_duration_seconds_count{operation="other"}`])
	}
}

// TestMetricsSnapshotFollows: the cache reads the store once, then follows
// its change log after a write, and says so.
func TestMetricsSnapshotFollows(t *testing.T) {
	st := openStore(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	ts := limitedServer(t, st, server.Config{})
	ok(t, do(t, ts.URL, `{ brokers(first: 3) { score } }`, nil, nil))
	if _, err := st.CreateActor(context.Background(), &graph.Actor{Key: "new-person", Kind: graph.KindPerson, Name: "New Person"}); err != nil {
		t.Fatal(err)
	}
	ok(t, do(t, ts.URL, `{ brokers(first: 3) { score } }`, nil, nil))
	got := scrape(t, ts.URL)
	for sample, want := range map[string]float64{
		`partnergraph_snapshot_base_scans_total`:                                        1,
		`partnergraph_snapshot_base_follows_total`:                                      1,
		`partnergraph_store_call_duration_seconds_count{method="Changes",outcome="ok"}`: 1,
	} {
		if v, ok := got[sample]; !ok || v != want {
			t.Errorf("%s = %v (exposed: %v), want %v", sample, v, ok, want)
		}
	}
}

// TestSnapshotScanMethod: through the metered store, snapshots read Neo4j
// with its fuzzy scan, which blocks no writer, and the embedded store with
// its Scan.
func TestSnapshotScanMethod(t *testing.T) {
	onStores(t, func(t *testing.T, open func(*testing.T) graph.Store) {
		st := open(t)
		if _, err := seed.Load(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		ts := limitedServer(t, st, server.Config{})
		ok(t, do(t, ts.URL, `{ brokers(first: 3) { score } }`, nil, nil))
		want, not := "Scan", "FuzzyScan"
		if _, fuzzy := st.(graph.FuzzyScanner); fuzzy {
			want, not = not, want
		}
		got := scrape(t, ts.URL)
		count := func(method string) float64 {
			return got[`partnergraph_store_call_duration_seconds_count{method="`+method+`",outcome="ok"}`]
		}
		if count(want) < 1 || count(not) != 0 {
			t.Errorf("store calls: %s %v, %s %v; want the snapshot read by %s", want, count(want), not, count(not), want)
		}
	})
}
