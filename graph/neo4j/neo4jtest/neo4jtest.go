// Package neo4jtest gives tests of any package a real, empty Neo4j store, and
// never lets them touch a database holding data they did not write.
//
// The server is the one NEO4J_URI names (default bolt://127.0.0.1:17687, what
// `scripts/neo4j start` runs: not Neo4j's usual 7687, where a developer's own
// server may hold their data), with NEO4J_USER, NEO4J_PASSWORD and
// NEO4J_DATABASE if it needs them. Without a reachable server, tests skip;
// under CI=true they fail.
//
// Every store Open returns starts empty: Open wipes the database, but only
// once the guard (Claim) has found it to be the tests' own; a database
// holding anything else fails the test and is left as it was. Test
// binaries of several packages (go test ./... runs them in parallel) share the
// server, so Open also takes a lock file per URI, held until the test ends:
// tests that use Neo4j run one at a time across processes. Within a process,
// such tests must not run in parallel (t.Parallel) either.
package neo4jtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph/neo4j"
)

// Config returns the configuration of the test server.
func Config() neo4j.Config {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://127.0.0.1:17687"
	}
	return neo4j.Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE")}
}

var (
	reachOnce sync.Once
	reachErr  error
)

// Open returns an empty store on the test server, closed when t ends, or
// skips t (fails it under CI=true) if the server cannot be reached. A
// database the guard refuses (see Claim) fails t, whatever CI says.
func Open(t testing.TB) *neo4j.Store {
	t.Helper()
	cfg := Config()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	reachOnce.Do(func() {
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		// Connectivity only: opening a store would create its schema, a
		// write, before the guard has looked at the database.
		reachErr = withDriver(c, cfg, func(d driver.DriverWithContext) error { return d.VerifyConnectivity(c) })
	})
	if reachErr != nil {
		msg := fmt.Sprintf("no Neo4j at %s (start one with scripts/neo4j start): %v", cfg.URI, reachErr)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	lock(t, cfg.URI)
	s, err := open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// open wipes the database, if the guard lets it, and only then opens a store
// on it (which creates the schema).
func open(ctx context.Context, cfg neo4j.Config) (*neo4j.Store, error) {
	if err := Wipe(ctx, cfg); err != nil {
		return nil, err
	}
	return neo4j.Open(ctx, cfg)
}

var (
	lockMu    sync.Mutex
	lockFile  *os.File
	lockCount int
)

// lock holds a lock file for uri until t ends; nested holders in one process
// share it.
func lock(t testing.TB, uri string) {
	t.Helper()
	lockMu.Lock()
	defer lockMu.Unlock()
	if lockCount == 0 {
		h := sha256.Sum256([]byte(uri))
		path := filepath.Join(os.TempDir(), "partnergraph-neo4j-"+hex.EncodeToString(h[:8])+".lock")
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			t.Fatal(err)
		}
		lockFile = f
	}
	lockCount++
	t.Cleanup(func() {
		lockMu.Lock()
		defer lockMu.Unlock()
		if lockCount--; lockCount == 0 {
			lockFile.Close() // releases the flock
			lockFile = nil
		}
	})
}

// Count returns the numbers of nodes and relationships in the database,
// leaving out the guard's marker node.
func Count(ctx context.Context, cfg neo4j.Config) (nodes, rels int64, err error) {
	err = withDriver(ctx, cfg, func(d driver.DriverWithContext) error {
		res, err := driver.ExecuteQuery(ctx, d, `CALL () { MATCH (n) WHERE NOT n:`+Marker+` RETURN count(n) AS nodes }
			CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels`, nil,
			driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase(cfg.Database),
			driver.ExecuteQueryWithReadersRouting())
		if err != nil {
			return fmt.Errorf("neo4jtest: count: %w", err)
		}
		nodes, _ = res.Records[0].Values[0].(int64)
		rels, _ = res.Records[0].Values[1].(int64)
		return nil
	})
	return nodes, rels, err
}

func withDriver(ctx context.Context, cfg neo4j.Config, fn func(driver.DriverWithContext) error) error {
	auth := driver.NoAuth()
	if cfg.User != "" {
		auth = driver.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := driver.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return fmt.Errorf("neo4jtest: %w", err)
	}
	defer d.Close(ctx)
	return fn(d)
}
