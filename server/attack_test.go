package server_test

// Regression tests for the attacks of issue 13: each reproduces one and
// checks that the server refuses it cheaply, with a clear code.

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAttackQuadraticValidation: 8,000 copies of one field took 5.8 s in
// gqlparser's overlapping-fields rule; the size limit refuses the document
// before it is parsed.
func TestAttackQuadraticValidation(t *testing.T) {
	ts := newServer(t, openStore(t))
	for name, q := range map[string]string{
		"Fields":     "{" + strings.Repeat(" __typename", 8000) + "}",
		"Aliases":    "{" + strings.Repeat(" a: __typename", 8000) + "}",
		"Directives": "{ __typename" + strings.Repeat(" @skip(if: false)", 8000) + "}",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			status, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(q, nil))
			t.Logf("refused in %v", time.Since(start)) // reported, never asserted
			if got, want := r.code(), "QUERY_TOO_LARGE"; got != want {
				t.Fatalf("code %q (status %d, %d errors), want %q", got, status, len(r.Errors), want)
			}
			if status != http.StatusUnprocessableEntity || len(r.Errors) != 1 {
				t.Errorf("status %d with %d errors, want 422 and one error", status, len(r.Errors))
			}
		})
	}
	t.Run("IntrospectionStillAnswers", func(t *testing.T) {
		if _, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(graphiqlIntrospection, nil)); len(r.Errors) > 0 {
			t.Fatalf("introspection refused: %v", r.Errors[0].Message)
		}
	})
}

// TestAttackNodesList: nodes(ids:) priced one item whatever the list's
// length, and loaded each ID in a loader batch of its own (2,000 unknown IDs
// took 7.2 s). The list is now priced by its length, bounded, and loaded in
// one batch per kind.
func TestAttackNodesList(t *testing.T) {
	st := &countingStore{Store: openStore(t), calls: map[string]int{}}
	b := &graph.Batch{Actors: []*graph.Actor{{Key: "known", Kind: graph.KindPerson, Name: "Known"}}}
	if _, err := graph.Apply(context.Background(), st, b); err != nil {
		t.Fatal(err)
	}
	ts := newServer(t, st)
	ids := func(n int) []string {
		out := []string{graph.NewID(graph.KindActor, "known")}
		for i := 1; i < n; i++ {
			out = append(out, graph.NewID(graph.KindActor, fmt.Sprintf("unknown%d", i)))
		}
		return out
	}
	t.Run("PricedByLength", func(t *testing.T) {
		q := `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Organisation { links(first: 1000) { nodes { id } } } } }`
		_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(q, map[string]any{"ids": ids(300)}))
		if got, want := r.code(), "COMPLEXITY_LIMIT_EXCEEDED"; got != want {
			t.Errorf("code %q, want %q", got, want)
		}
	})
	t.Run("ErrTooManyIDs", func(t *testing.T) {
		_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(graph.MaxPageSize + 1)}))
		if got, want := r.code(), graph.EINVALID; got != want {
			t.Fatalf("code %q, want %q", got, want)
		}
		if got := r.Errors[0].Extensions["field"]; got != "ids" {
			t.Errorf("field %v, want ids", got)
		}
	})
	t.Run("OneBatchPerKind", func(t *testing.T) {
		st.calls = map[string]int{}
		start := time.Now()
		var got struct{ Nodes []*struct{ ID string } }
		ok(t, do(t, ts.URL, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(graph.MaxPageSize)}, &got))
		t.Logf("%d ids in %v", graph.MaxPageSize, time.Since(start))
		if len(got.Nodes) != graph.MaxPageSize || got.Nodes[0] == nil || got.Nodes[1] != nil {
			t.Fatalf("got %d nodes, want %d with only the first known", len(got.Nodes), graph.MaxPageSize)
		}
		// Loaders batch by a time window: slack for a busy machine, where
		// unbatched loading costs one call per ID.
		if n := st.calls["ActorsByID"]; n > 5 {
			t.Errorf("%d ActorsByID calls for %d ids, want one batch", n, graph.MaxPageSize)
		}
	})
}

// TestAttackConnectionFlood: idle connections were unbounded (20,000 of them
// exhausted the server's file descriptors and /healthz stopped answering).
// A flood of idle connections from one client address now keeps only that
// client's share, and another client's /healthz still answers.
func TestAttackConnectionFlood(t *testing.T) {
	const perClient, flood = 8, 300
	srv := server.New(server.Config{Store: openStore(t), Logger: zerolog.Nop(),
		Conns: server.ConnLimits{MaxConns: 64, MaxConnsPerClient: perClient}})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	// The flood comes from another loopback address than the probes.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	conns := make([]net.Conn, 0, flood)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range flood {
		c, err := d.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	start := time.Now()
	res, err := http.Get("http://" + srv.Addr() + "/healthz")
	if err != nil {
		t.Fatalf("healthz under the flood: %v", err)
	}
	res.Body.Close()
	t.Logf("healthz answered %d in %v with %d idle connections open", res.StatusCode, time.Since(start), flood)
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz status %d, want 200", res.StatusCode)
	}
	// Only the flooding client's share of connections is served: the others
	// were closed on arrival.
	served := 0
	for _, c := range conns {
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", srv.Addr())
		if r, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil && r.StatusCode == http.StatusOK {
			served++
		}
	}
	if served != perClient {
		t.Errorf("%d of the flood's connections served, want %d", served, perClient)
	}
}

// TestAttackCrossSite: with access control off, any web page could post a
// multipart upload (a content type browsers send cross-site without a
// preflight) and, through DNS rebinding, read everything.
func TestAttackCrossSite(t *testing.T) {
	ts := newServer(t, openStore(t))
	multipartBody := func(key string) (*bytes.Buffer, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("operations", fmt.Sprintf(`{"query": "mutation { createPerson(input: {key: \"%s\", name: \"Forged\"}) { id } }"}`, key))
		w.WriteField("map", "{}")
		w.Close()
		return &b, w.FormDataContentType()
	}
	for name, tc := range map[string]struct {
		header map[string]string
		code   string
	}{
		"ErrCrossSiteMultipart": {map[string]string{"Origin": "https://evil.example"}, "CSRF_REFUSED"},
		"ErrNoOriginNoHeader":   {nil, "CSRF_REFUSED"},
		"ErrTextPlain":          {map[string]string{"Content-Type": "text/plain"}, "CSRF_REFUSED"},
		"SameOrigin":            {map[string]string{"Origin": ts.URL}, ""},
		"PreflightedHeader":     {map[string]string{"Apollo-Require-Preflight": "true"}, ""},
		"ErrRebindingHost":      {map[string]string{"Apollo-Require-Preflight": "true", "Host": "rebound.evil.example"}, "HOST_NOT_ALLOWED"},
	} {
		t.Run(name, func(t *testing.T) {
			body, ctype := multipartBody(name)
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", body)
			req.Header.Set("Content-Type", ctype)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			req.Host = cmp.Or(tc.header["Host"], req.Host)
			status, r := decode(t, req)
			if r.code() != tc.code {
				t.Errorf("status %d code %q, want code %q", status, r.code(), tc.code)
			}
		})
	}
	t.Run("ErrRebindingRead", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/graphql?query={people{totalCount}}", nil)
		req.Host = "rebound.evil.example:8080"
		if status, r := decode(t, req); status != http.StatusMisdirectedRequest || r.code() != "HOST_NOT_ALLOWED" {
			t.Errorf("status %d code %q, want 421 HOST_NOT_ALLOWED", status, r.code())
		}
	})
	t.Run("PagesRefuseFraming", func(t *testing.T) {
		for _, path := range []string{"/", "/explore"} {
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("%s: Content-Security-Policy %q, want scripts from self and frame-ancestors 'none'", path, csp)
			}
		}
	})
}

// decode sends req and decodes its GraphQL answer.
func decode(t *testing.T, req *http.Request) (int, *response) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("decode response (status %d): %v", res.StatusCode, err)
	}
	return res.StatusCode, &r
}

// TestAttackErrorFlood: a document of unknown directives once answered with
// 679,999 errors, and a malformed body was quoted back whole.
func TestAttackErrorFlood(t *testing.T) {
	ts := newServer(t, openStore(t))
	_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody("{ __typename"+strings.Repeat(" @nope", 3000)+" }", nil))
	if len(r.Errors) != 101 || r.Errors[100].Extensions["code"] != "TOO_MANY_ERRORS" {
		t.Errorf("%d errors, want 100 and one saying how many more", len(r.Errors))
	}
	junk := `{"query": ` + strings.Repeat("x", 10_000)
	status, _, r := post(t, http.DefaultClient, ts.URL, strings.NewReader(junk))
	if status != http.StatusBadRequest || r.code() != graph.EINVALID || len(r.Errors[0].Message) > 200 {
		t.Errorf("malformed body: status %d code %q message of %d bytes, want 400 %s and a short message", status, r.code(), len(r.Errors[0].Message), graph.EINVALID)
	}
}

// TestAttackLongSearch: searches of thousands of words ran for seconds, and
// programmes(search:) over about 1,000 words failed with INTERNAL.
func TestAttackLongSearch(t *testing.T) {
	ts := newServer(t, openStore(t))
	words := strings.Repeat("word ", 1000)
	for _, q := range []string{`query($q: String) { programmes(search: $q) { totalCount } }`, `query($q: String) { actors(search: $q) { totalCount } }`} {
		_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(q, map[string]any{"q": words}))
		if r.code() != graph.EINVALID {
			t.Errorf("%s: code %q, want %s", q, r.code(), graph.EINVALID)
		}
	}
	_, _, r := post(t, http.DefaultClient, ts.URL, gqlBody(`{ actors(search: "hope university") { totalCount } }`, nil))
	if len(r.Errors) > 0 {
		t.Errorf("a short search: %v", r.Errors[0].Message)
	}
}

// TestAttackOpsAddress: with every connection slot of the API port taken,
// probes on the operations address still answer; metrics are served there
// and not on the API port.
func TestAttackOpsAddress(t *testing.T) {
	const slots = 16
	srv := server.New(server.Config{Store: openStore(t), Logger: zerolog.Nop(), OpsAddr: "127.0.0.1:0",
		Conns: server.ConnLimits{MaxConns: slots, MaxConnsPerClient: -1}})
	if err := srv.Open("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(context.Background()) })
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	// Every slot taken by a connection with a request under way, so none is
	// idle to be reused.
	for range slots {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
		if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		res, err := http.Get("http://" + srv.OpsAddr() + path)
		if err != nil {
			t.Fatalf("%s on the operations address: %v", path, err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s on the operations address: %d, want %d", path, res.StatusCode, want)
		}
	}
	conns[0].Close() // a slot for the next check
	conns = conns[1:]
	res, err := http.Get("http://" + srv.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the API port: %d, want 404", res.StatusCode)
	}
}
