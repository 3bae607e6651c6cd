package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// FuzzGraphQL sends documents and variables through the real handler, on the
// demo network in the embedded store. Whatever they are, the answer is JSON,
// never a 5xx, and no resolver panics (gqlgen would recover a panic and
// answer "internal error"; the log tells). Seeds are in testdata/fuzz;
// scripts/fuzz-short runs it briefly.
func FuzzGraphQL(f *testing.F) {
	for _, seedQuery := range []struct{ doc, vars string }{
		{`{ organisations(first: 20, filter: {types: [UNIVERSITY]}) { totalCount nodes { key name links(first: 3) { nodes { type source { name } evidence { quote } } } } } }`, `{}`},
		{`query($id: ID!) { node(id: $id) { id ... on Actor { name participations { role programme { name } } } } }`, `{"id": "` + actorID("liverpool-hope-university") + `"}`},
		{`{ brokers(metric: BROKERAGE, first: 5) { rank score actor { key } } networkSummary { density components topBrokers { score } } }`, `{}`},
		{`query($s: ID!, $t: ID!) { knowledgePaths(from: $s, to: $t, k: 3, timeRespecting: true) { hops steps { day link { key } } } }`,
			`{"s": "` + actorID("croxteth-community-primary-school") + `", "t": "` + actorID("tina-cook") + `"}`},
		{`mutation($k: String!) { createPerson(input: {key: $k, name: "Fuzz"}) { id } }`, `{"k": "fuzz-person"}`},
		{`{ brokerHistory(actor: "x", from: "2019-01-01", to: "2018-01-01") { score } }`, `{}`},
		{`{ __schema { types { name fields { name } } } }`, `null`},
	} {
		f.Add(seedQuery.doc, seedQuery.vars)
	}
	st, err := sqlite.Open(context.Background(), f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if _, err := seed.Load(context.Background(), st); err != nil {
		f.Fatal(err)
	}
	var panics atomic.Int64
	log := zerolog.New(zerolog.Nop()).Hook(zerolog.HookFunc(func(_ *zerolog.Event, _ zerolog.Level, msg string) {
		if msg == "resolver panic" {
			panics.Add(1)
		}
	}))
	h := server.New(server.Config{Store: st, Logger: log,
		Limits: server.Limits{RateLimit: rate.Inf, RequestTimeout: 5 * time.Second}}).Handler()
	f.Fuzz(func(t *testing.T, doc, vars string) {
		req := map[string]any{"query": doc}
		if json.Valid([]byte(vars)) {
			req["variables"] = json.RawMessage(vars)
		} else {
			req["variables"] = vars
		}
		body, _ := json.Marshal(req)
		before := panics.Load()
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		// Without it the CSRF check (browser.go) refuses every input unread.
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, r)
		if bytes.Contains(w.Body.Bytes(), []byte(`"CSRF_REFUSED"`)) {
			t.Fatalf("refused before GraphQL ran: %.500s", w.Body)
		}
		if w.Code >= 500 {
			t.Errorf("status %d: %.500s", w.Code, w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Errorf("status %d, body not JSON: %.500s", w.Code, w.Body)
		}
		if panics.Load() != before {
			t.Errorf("a resolver panicked on %q with %q", doc, vars)
		}
	})
}
