package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestImportNeo4j imports datasets into Neo4j with the command, checks the
// counts and that a second import changes nothing, and exports GraphML that
// an embedded store reads back the same.
func TestImportNeo4j(t *testing.T) {
	st := neo4jtest.Open(t) // an empty database, held for this test
	cfg := neo4jtest.Config()
	neo := []string{"--store", "neo4j", "--neo4j-uri", cfg.URI}
	edges := filepath.Join(t.TempDir(), "edges.txt")
	used := writeEdgeList(t, edges, 3000, 600)
	files := []string{testnet.Path(t, "krackhardt_advice.graphml"), edges}
	out, err := run(t, append(append([]string{"import"}, neo...), files...)...)
	if err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	ctx := context.Background()
	a, err := st.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	// krackhardt's 21 managers are keyed 1…21, as are nodes of the edge
	// list, whose nodes only create actors that are missing.
	if wantA, wantL := used+21-countShared(t, edges), 190+3000; a.TotalCount != wantA || l.TotalCount != wantL {
		t.Errorf("Neo4j holds %d actors and %d links, want %d and %d", a.TotalCount, l.TotalCount, wantA, wantL)
	}
	out, err = run(t, append(append([]string{"import"}, neo...), files...)...)
	if err != nil || !strings.Contains(out, " 0 created, 0 updated") {
		t.Errorf("import again: %v %s", err, out)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "export.graphml")
	if out, err := run(t, append([]string{"export", "--format", "graphml", "--output", file}, neo...)...); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	if out, err := run(t, "import", "--data", filepath.Join(dir, "db"), file); err != nil {
		t.Fatalf("import of the export: %v %s", err, out)
	}
	var want []graph.Item
	if _, err := st.Scan(ctx, func(it graph.Item) error { want = append(want, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, scan(t, filepath.Join(dir, "db"))); diff != "" {
		t.Errorf("Neo4j → GraphML → embedded (-want +got):\n%s", diff)
	}
}

// countShared counts the keys 1…21 that the edge list at path also uses.
func countShared(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && !strings.HasPrefix(line, "#") {
			ids[f[0]], ids[f[1]] = true, true
		}
	}
	n := 0
	for i := 1; i <= 21; i++ {
		if ids[strconv.Itoa(i)] {
			n++
		}
	}
	return n
}
