package main

import (
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/internal/scaleload"
	"github.com/partnergraph/partnergraph/seed"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

// TestLoad runs a bounded load on loopback against the demo network with
// the scale test's driver (internal/scaleload): many concurrent clients
// (PARTNERGRAPH_LOAD_CLIENTS, default 50) for a fixed time
// (PARTNERGRAPH_LOAD_DURATION, default 10s), mixing reads, path queries,
// analytics and 20% writes. It fails on any error or lost write and reports
// throughput and latency percentiles by class; timing never decides the
// outcome. The embedded store is the default, PARTNERGRAPH_LOAD_STORE=neo4j
// uses Neo4j. scripts/load-test runs it and prints the figures.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test of several seconds")
	}
	clients := loadEnv(t, "PARTNERGRAPH_LOAD_CLIENTS", 50, strconv.Atoi)
	duration := loadEnv(t, "PARTNERGRAPH_LOAD_DURATION", 10*time.Second, time.ParseDuration)
	base, backend := loadTarget(t)
	rep, err := scaleload.Run(t.Context(), scaleload.Config{URL: base, Clients: clients, Duration: duration, Seed: 42,
		WriteShare: 20, Probe: 2 * time.Second, PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	var out testWriter
	rep.Print(&out)
	t.Logf("load: %s store, %d clients (service and load generator in one process)", backend, clients)
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		t.Logf("load: %s", line)
	}
	if n := rep.ErrorCount(); n > 0 {
		t.Errorf("%d errors, first: %q", n, rep.Errors)
	}
	if len(rep.Lost) > 0 {
		t.Errorf("%d of %d written entities lost: %q", len(rep.Lost), rep.Entities, rep.Lost)
	}
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
