package neo4jtest

import (
	"errors"
	"strings"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
)

// TestGuard points the guard at someone else's database: a second Neo4j this
// test starts, holding 100 nodes and 99 relationships written without the
// guard, as a developer's own server would. Claim, Wipe and open refuse it
// with ErrForeign, also when the opt-in names another server, and write
// nothing (no node, no marker, no schema). The opt-in naming this server lets
// Wipe delete everything but the marker; from then on the database is the
// tests', and an empty database is claimed without the opt-in.
func TestGuard(t *testing.T) {
	cfg := StartServer(t).Config()
	ctx := t.Context()
	write(t, cfg, `UNWIND range(1, 100) AS i CREATE (:Person {i: i, name: 'a developers data'})`)
	write(t, cfg, `MATCH (a:Person), (b:Person {i: a.i + 1}) CREATE (a)-[:KNOWS]->(b)`)
	want := look(t, cfg)
	if want != (state{nodes: 100, sum: 5050, rels: 99}) {
		t.Fatalf("foreign data written as %+v, want 100 nodes (i summing to 5050), 99 relationships", want)
	}

	t.Setenv(OptIn, "bolt://127.0.0.1:7687") // another server's URI: no opt-in for this one
	refusals := map[string]func() error{
		"Claim": func() error { return Claim(ctx, cfg) },
		"Wipe":  func() error { return Wipe(ctx, cfg) },
		"open": func() error {
			s, err := open(ctx, cfg)
			if err == nil {
				s.Close()
			}
			return err
		},
	}
	for name, f := range refusals {
		err := f()
		if !errors.Is(err, ErrForeign) {
			t.Errorf("%s on foreign data: got %v, want ErrForeign", name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "100 nodes") || !strings.Contains(msg, OptIn+"="+cfg.URI) {
			t.Errorf("%s: the error does not say what it found and how to opt in: %s", name, msg)
		}
	}
	if got := look(t, cfg); got != want {
		t.Fatalf("after the refusals the database is %+v, want it untouched: %+v", got, want)
	}

	t.Setenv(OptIn, cfg.URI)
	if err := Wipe(ctx, cfg); err != nil {
		t.Fatalf("Wipe with %s naming the server: %v", OptIn, err)
	}
	if got := look(t, cfg); got != (state{markers: 1, constraints: want.constraints}) {
		t.Errorf("after the opted-in wipe the database is %+v, want the marker alone", got)
	}

	// Now the tests' own: used and wiped without the opt-in, the marker stays.
	t.Setenv(OptIn, "")
	s, err := open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateActor(ctx, &graph.Actor{Key: "k", Kind: graph.KindPerson, Name: "Test"}); err != nil {
		t.Fatal(err)
	}
	if err := Wipe(ctx, cfg); err != nil {
		t.Fatalf("Wipe of the tests' own database: %v", err)
	}
	if got := look(t, cfg); got.nodes != 0 || got.markers != 1 {
		t.Errorf("after a wipe of the tests' own database: %+v, want the marker alone", got)
	}

	// An empty database is claimed without the opt-in.
	write(t, cfg, `MATCH (m:`+Marker+`) DELETE m`)
	if err := Claim(ctx, cfg); err != nil {
		t.Fatalf("Claim of an empty database: %v", err)
	}
	if got := look(t, cfg); got.nodes != 0 || got.markers != 1 {
		t.Errorf("after claiming an empty database: %+v, want the marker alone", got)
	}
}

// state is what the test checks of a database: nodes and relationships other
// than the marker, the sum of the nodes' i, markers and constraints.
type state struct{ nodes, sum, rels, markers, constraints int64 }

func look(t *testing.T, cfg neo4j.Config) state {
	t.Helper()
	var st state
	for q, dst := range map[string]*int64{
		`MATCH (n) WHERE NOT n:` + Marker + ` RETURN count(n)`:              &st.nodes,
		`MATCH (n) WHERE NOT n:` + Marker + ` RETURN coalesce(sum(n.i), 0)`: &st.sum,
		`MATCH ()-[r]->() RETURN count(r)`:                                  &st.rels,
		`MATCH (m:` + Marker + `) RETURN count(m)`:                          &st.markers,
		`SHOW CONSTRAINTS YIELD name RETURN count(name)`:                    &st.constraints,
	} {
		res := query(t, cfg, q)
		*dst, _ = res.Records[0].Values[0].(int64)
	}
	return st
}

func write(t *testing.T, cfg neo4j.Config, q string) {
	t.Helper()
	query(t, cfg, q)
}

func query(t *testing.T, cfg neo4j.Config, q string) *driver.EagerResult {
	t.Helper()
	var res *driver.EagerResult
	err := withDriver(t.Context(), cfg, func(d driver.DriverWithContext) error {
		var err error
		res, err = driver.ExecuteQuery(t.Context(), d, q, nil, driver.EagerResultTransformer)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res
}
