package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestExportImportRoundTrip moves the demo network from one embedded store
// to another through the JSON format and back: nothing lost or changed.
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, filepath.Join(dir, "a"), true)
	m.Close()
	first := filepath.Join(dir, "first.json")
	if _, err := run(t, "export", "--data", filepath.Join(dir, "a"), "--format", "json", "--output", first); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "import", "--data", filepath.Join(dir, "b"), first)
	if err != nil || !strings.Contains(out, "309 created") {
		t.Fatalf("import: %v %s", err, out)
	}
	out, err = run(t, "import", "--data", filepath.Join(dir, "b"), first)
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 309 unchanged") {
		t.Errorf("re-import: %v %s", err, out)
	}
	second, err := run(t, "export", "--data", filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(first)
	if second != string(want) {
		t.Errorf("export after import differs from the original export")
	}
}

func TestImportBadFileChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "partnergraph/1", "actors": [
		{"key": "a", "kind": "Person", "name": "A"},
		{"key": "b", "kind": "Person", "name": "B"}],
		"links": [{"type": "COLLABORATION", "source": "a", "target": "hope-uni"}]}`), 0o644)
	_, err := run(t, "import", "--data", filepath.Join(dir, "db"), bad)
	if err == nil || !strings.Contains(err.Error(), "bad.json:4: target 'hope-uni' does not exist") {
		t.Fatalf("import of a link to a missing actor: %v", err)
	}
	out, err := run(t, "export", "--data", filepath.Join(dir, "db"))
	if err != nil || strings.Contains(out, `"key": "a"`) {
		t.Errorf("the failed import wrote something: %v %s", err, out)
	}
	for name, content := range map[string]string{
		"unknown.json": `{"format": "partnergraph/1", "actors": [{"key": "a", "kind": "Person", "name": "A", "salary": 1}]}`,
		"format.json":  `{"format": "other/2"}`,
		"broken.json":  `{"format": "partnergraph/1", "actors": [`,
		"bad.graphml":  `<graphml><graph><node id="a"/><edge source="a" target="b"><data key="x">1</data></edge></graph></graphml>`,
		"bad.gexf":     `<gexf><graph><nodes><node id="a"/></nodes><edges><edge source="a" target="b" weight="x"/></edges></graph></gexf>`,
		"bad.txt":      "# comment\n1 2\n1 2 3 4\n",
		"bad.csv":      "key,name\nx,X,extra\n",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		_, err := run(t, "import", "--data", filepath.Join(dir, "db"), p)
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s: error %v, want one naming the file and line", name, err)
		}
	}
}

// TestImportCSVBadRow imports 10,000 good links and one bad one: nothing is
// written, and the error names the bad row's file, line and field.
func TestImportCSVBadRow(t *testing.T) {
	dir := t.TempDir()
	actors, links := filepath.Join(dir, "actors.csv"), filepath.Join(dir, "links.csv")
	var a, l strings.Builder
	a.WriteString("key,kind,name,type,sector,age\n")
	for i := range 1000 {
		if i%10 == 0 {
			fmt.Fprintf(&a, "org%d,organisation,Org %d,school,Schools,\n", i, i)
		} else {
			fmt.Fprintf(&a, "p%d,person,Person %d,,,%d\n", i, i, 20+i%50)
		}
	}
	l.WriteString("source,target,type,weight,evidence\n")
	for i := range 10000 {
		fmt.Fprintf(&l, "p%d,org%d,affiliation,%d,register\n", 1+i%999/10*10+i%9, i%100*10, 1+i%3)
		if i == 4321 {
			l.WriteString("p1,hope-uni,collaboration,,\n") // line 4324
		}
	}
	os.WriteFile(actors, []byte(a.String()), 0o644)
	os.WriteFile(links, []byte(l.String()), 0o644)
	db := filepath.Join(dir, "db")
	_, err := run(t, "import", "--data", db, links, actors)
	if err == nil || !strings.HasPrefix(err.Error(), links+":4324: target 'hope-uni' does not exist") {
		t.Fatalf("import with one bad row: %v", err)
	}
	if n := strings.Count(err.Error(), "\n"); n != 0 {
		t.Errorf("the error names %d other rows: %v", n, err)
	}
	if a, l := counts(t, db); a != 0 || l != 0 {
		t.Errorf("a failed import wrote %d actors and %d links", a, l)
	}
	out, err := run(t, "import", "--data", db, "--dry-run", actors)
	if err != nil || !strings.Contains(out, "would import") || !strings.Contains(out, "1000 created") {
		t.Errorf("dry run: %v %s", err, out)
	}
	if a, _ := counts(t, db); a != 0 {
		t.Errorf("a dry run wrote %d actors", a)
	}
	// Fixed, it imports; again, it changes nothing.
	os.WriteFile(links, []byte(strings.Replace(l.String(), "p1,hope-uni,collaboration,,\n", "", 1)), 0o644)
	if out, err := run(t, "import", "--data", db, links, actors); err != nil || !strings.Contains(out, "10900 created, 0 updated") {
		t.Fatalf("import: %v %s", err, out)
	}
	if out, err := run(t, "import", "--data", db, actors, links); err != nil || !strings.Contains(out, "0 created, 0 updated") {
		t.Errorf("re-import: %v %s", err, out)
	}
}

// TestImportCSVMapping reads a spreadsheet whose headers differ, with
// semicolons, through --map.
func TestImportCSVMapping(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "orgs.csv")
	os.WriteFile(p, []byte("\ufeffOrg ID;Organisation;Kind of org;Notes;Size\nhope;Liverpool Hope;University;x;900\nroc;Robert Owen Centre;research centre;;12\n"), 0o644)
	db := filepath.Join(dir, "db")
	if _, err := run(t, "import", "--data", db, "--map", "Org ID=key,Organisation=name,Kind of org=type,Notes=-", p); err != nil {
		t.Fatal(err)
	}
	st := open(t, db)
	as, err := st.ActorsByID(context.Background(), []string{graph.NewID(graph.KindActor, "roc")})
	if err != nil || as[0] == nil {
		t.Fatal(err)
	}
	want := &graph.Actor{ID: as[0].ID, Key: "roc", Kind: graph.KindOrganisation, Name: "Robert Owen Centre",
		OrgType: graph.OrgResearchCentre, Attrs: map[string]string{"Size": "12"}}
	if diff := cmp.Diff(want, as[0]); diff != "" {
		t.Errorf("mapped actor (-want +got):\n%s", diff)
	}
}

func open(t *testing.T, dir string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// counts returns the numbers of actors and links in the store in dir.
func counts(t *testing.T, dir string) (actors, links int) {
	t.Helper()
	st := open(t, dir)
	defer st.Close()
	return storeCounts(t, st)
}

// storeCounts counts the actors and links of st.
func storeCounts(t *testing.T, st graph.Store) (actors, links int) {
	t.Helper()
	ctx := context.Background()
	a, err := st.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	return a.TotalCount, l.TotalCount
}

// scan returns everything in the store in dir.
func scan(t *testing.T, dir string) []graph.Item {
	t.Helper()
	st := open(t, dir)
	defer st.Close()
	var items []graph.Item
	if _, err := st.Scan(context.Background(), func(it graph.Item) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	return items
}

// datasetSizes are the actors and links each shared dataset makes: its
// nodes and edges (README), less self-loops for the SNAP edge lists.
var datasetSizes = map[string][2]int{
	"karate.graphml": {34, 78}, "lesmis.graphml": {77, 254}, "netscience.graphml": {1589, 2742},
	"florentine_marriage.graphml": {16, 20}, "florentine_business.graphml": {16, 15}, "southern_women.graphml": {32, 89},
	"krackhardt_advice.graphml": {21, 190}, "krackhardt_friendship.graphml": {21, 102}, "krackhardt_reportsto.graphml": {21, 20},
	"strike.graphml": {24, 38}, "ca-grqc.txt": {5242, 14496 - 12}, "ca-hepth.txt": {9877, 25998 - 25},
}

// TestDatasetsRoundTrip imports every network in testdata/networks, exports it in every
// format, imports each export into a fresh store and compares: the same
// actors and links with the same attributes; importing it again changes
// nothing.
func TestDatasetsRoundTrip(t *testing.T) {
	for _, name := range testnet.Networks {
		t.Run(name, func(t *testing.T) {
			size, ok := datasetSizes[name]
			if !ok {
				t.Fatalf("no size for %s in datasetSizes", name)
			}
			if testing.Short() && strings.HasPrefix(name, "ca-") {
				t.Skip("large")
			}
			dir := t.TempDir()
			orig := filepath.Join(dir, "orig")
			if out, err := run(t, "import", "--data", orig, testnet.Path(t, name)); err != nil {
				t.Fatalf("import: %v %s", err, out)
			}
			if a, l := counts(t, orig); a != size[0] || l != size[1] {
				t.Fatalf("imported %d actors and %d links, want %d and %d", a, l, size[0], size[1])
			}
			want := scan(t, orig)
			for _, format := range []string{"json", "graphml", "gexf", "csv"} {
				file := filepath.Join(dir, "export."+format)
				files := []string{file}
				if format == "csv" {
					files = []string{filepath.Join(file, "actors.csv"), filepath.Join(file, "links.csv")}
				}
				if out, err := run(t, "export", "--data", orig, "--format", format, "--output", file); err != nil {
					t.Fatalf("export %s: %v %s", format, err, out)
				}
				again := filepath.Join(dir, format)
				if out, err := run(t, append([]string{"import", "--data", again}, files...)...); err != nil {
					t.Fatalf("import of the %s export: %v %s", format, err, out)
				}
				if diff := cmp.Diff(want, scan(t, again)); diff != "" {
					t.Errorf("after a round trip through %s (-want +got):\n%s", format, diff)
				}
				out, err := run(t, append([]string{"import", "--data", again}, files...)...)
				if err != nil || !strings.Contains(out, " 0 created, 0 updated") {
					t.Errorf("importing the %s export again: %v %s", format, err, out)
				}
			}
		})
	}
}

// nxDump is a Python program that reads a GraphML or GEXF file with
// networkx and prints what it read as JSON.
const nxDump = `
import json, sys
import networkx as nx
fmt, path = sys.argv[1], sys.argv[2]
G = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
edges = []
if G.is_multigraph():
    for u, v, k, d in G.edges(keys=True, data=True):
        d = dict(d); d["_key"] = str(k); edges.append([str(u), str(v), d])
else:
    for u, v, d in G.edges(data=True):
        edges.append([str(u), str(v), d])
nodes = {str(n): d for n, d in G.nodes(data=True)}
json.dump({"directed": G.is_directed(), "nodes": nodes, "edges": edges}, sys.stdout, default=str)
`

type nxGraph struct {
	Directed bool
	Nodes    map[string]map[string]any
	Edges    [][3]json.RawMessage
}

// readNX reads path with networkx. Without networkx the test is skipped,
// or fails under CI=true.
func readNX(t *testing.T, format, path string) *nxGraph {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import networkx").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with networkx is needed: %v", err)
		}
		t.Skipf("python3 with networkx not available: %v", err)
	}
	out, err := exec.Command(py, "-c", nxDump, format, path).Output()
	if err != nil {
		var ee *exec.ExitError
		if errAs(err, &ee) {
			t.Fatalf("networkx cannot read %s: %v\n%s", path, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var g nxGraph
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

func errAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*target = e
	return ok
}

// edge is an edge networkx read: its ends (sorted when undirected) and data.
type edge struct {
	u, v string
	data map[string]any
}

func (g *nxGraph) edges(t *testing.T) map[string][]edge {
	t.Helper()
	out := map[string][]edge{}
	for _, e := range g.Edges {
		var u, v string
		var d map[string]any
		json.Unmarshal(e[0], &u)
		json.Unmarshal(e[1], &v)
		json.Unmarshal(e[2], &d)
		if !g.Directed && v < u {
			u, v = v, u
		}
		out[u+"|"+v] = append(out[u+"|"+v], edge{u, v, d})
	}
	return out
}

// sameValue compares two attribute values as networkx typed them.
func sameValue(a, b any) bool {
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok {
		return fa == fb || math.Abs(fa-fb) <= 1e-12*math.Max(math.Abs(fa), math.Abs(fb))
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestNetworkxReadsExports exports every GraphML dataset (imported) as
// GraphML and GEXF and checks that networkx reads the same nodes, edges and
// attributes as it reads from the original file, plus only what export
// adds: a node's label and kind, an edge's type, weight and id.
func TestNetworkxReadsExports(t *testing.T) {
	added := map[string]bool{"label": true, "kind": true, "type": true, "weight": true, "id": true}
	for _, name := range testnet.Networks {
		if !strings.HasSuffix(name, ".graphml") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := testnet.Path(t, name)
			if out, err := run(t, "import", "--data", dir, src); err != nil {
				t.Fatalf("import: %v %s", err, out)
			}
			want := readNX(t, "graphml", src)
			for _, format := range []string{"graphml", "gexf"} {
				file := filepath.Join(dir, "export."+format)
				if out, err := run(t, "export", "--data", dir, "--format", format, "--output", file); err != nil {
					t.Fatalf("export: %v %s", err, out)
				}
				got := readNX(t, format, file)
				compareNX(t, format, want, got, added)
			}
		})
	}
}

func compareNX(t *testing.T, format string, want, got *nxGraph, added map[string]bool) {
	t.Helper()
	if got.Directed != want.Directed || len(got.Nodes) != len(want.Nodes) || len(got.Edges) != len(want.Edges) {
		t.Fatalf("%s: directed %v, %d nodes, %d edges; want %v, %d, %d", format, got.Directed, len(got.Nodes),
			len(got.Edges), want.Directed, len(want.Nodes), len(want.Edges))
	}
	for n, wa := range want.Nodes {
		ga, ok := got.Nodes[n]
		if !ok {
			t.Errorf("%s: node %q missing", format, n)
			continue
		}
		for k, v := range wa {
			if !sameValue(ga[k], v) {
				t.Errorf("%s: node %q %s = %v (%T), want %v (%T)", format, n, k, ga[k], ga[k], v, v)
			}
		}
		for k := range ga {
			if _, ok := wa[k]; !ok && !added[k] {
				t.Errorf("%s: node %q has an attribute %s the original lacks", format, n, k)
			}
		}
	}
	we, ge := want.edges(t), got.edges(t)
	for pair, ws := range we {
		gs := ge[pair]
		if len(gs) != len(ws) {
			t.Errorf("%s: %d edges %s, want %d", format, len(gs), pair, len(ws))
			continue
		}
		for i, w := range ws {
			for k, v := range w.data {
				if !sameValue(gs[i].data[k], v) {
					t.Errorf("%s: edge %s %s = %v, want %v", format, pair, k, gs[i].data[k], v)
				}
			}
			for k := range gs[i].data {
				if _, ok := w.data[k]; !ok && !added[k] {
					t.Errorf("%s: edge %s has an attribute %s the original lacks", format, pair, k)
				}
			}
		}
	}
}

// TestNetworkxReadsDemoWithMetrics exports the demo network (both kinds of
// actor, directed and undirected links, parallel links, dates, evidence)
// with metrics, and checks networkx reads every actor and link with its
// values, and the metrics as numbers.
func TestNetworkxReadsDemoWithMetrics(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, true)
	m.Close()
	var actors []*graph.Actor
	var links []*graph.Link
	for _, it := range scan(t, dir) {
		if it.Actor != nil {
			actors = append(actors, it.Actor)
		} else if it.Link != nil {
			links = append(links, it.Link)
		}
	}
	metrics, err := run(t, "export", "--data", dir, "--format", "json", "--with-metrics", "betweenness,constraint,degree")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Actors []struct {
			Key   string
			Attrs map[string]string
		}
	}
	json.Unmarshal([]byte(metrics), &doc)
	bc := map[string]string{}
	for _, a := range doc.Actors {
		bc[a.Key] = a.Attrs["betweenness"]
	}
	for _, format := range []string{"graphml", "gexf"} {
		file := filepath.Join(dir, "demo."+format)
		if out, err := run(t, "export", "--data", dir, "--format", format, "--with-metrics", "betweenness,constraint,degree", "--output", file); err != nil {
			t.Fatalf("export: %v %s", err, out)
		}
		g := readNX(t, format, file)
		if len(g.Nodes) != len(actors) || len(g.Edges) != len(links) {
			t.Fatalf("%s: networkx read %d nodes and %d edges, want %d and %d", format, len(g.Nodes), len(g.Edges), len(actors), len(links))
		}
		for _, a := range actors {
			n := g.Nodes[a.Key]
			want, _ := strconv.ParseFloat(bc[a.Key], 64)
			if n["label"] != a.Name || n["kind"] != string(a.Kind) || n["sector"] != nilIfEmpty(a.Sector) || !sameValue(n["betweenness"], want) {
				t.Errorf("%s: node %s = %v, want %s, %s, sector %q, betweenness %v", format, a.Key, n, a.Name, a.Kind, a.Sector, want)
			}
			if _, ok := n["degree"].(float64); !ok {
				t.Errorf("%s: node %s degree = %#v, want a number", format, a.Key, n["degree"])
			}
		}
		byKey := map[string]edge{}
		for _, es := range g.edges(t) {
			for _, e := range es {
				k, _ := e.data["_key"].(string)
				if id, ok := e.data["id"].(string); ok {
					k = id
				}
				byKey[k] = e
			}
		}
		for _, l := range links {
			e, ok := byKey[l.Key]
			if !ok {
				t.Errorf("%s: link %s missing", format, l.Key)
				continue
			}
			if e.data["type"] != string(l.Type) || !sameValue(e.data["weight"], l.Weight) || e.data["from"] != nilIfEmpty(l.From.String()) ||
				e.data["evidence_quote"] != nilIfEmpty(l.Evidence.Quote) {
				t.Errorf("%s: link %s = %v, want %+v", format, l.Key, e.data, l)
			}
			// The demo is mixed, so it is written undirected, its directed links marked.
			if d, ok := e.data["directed"]; ok != l.Directed || (ok && d != true) {
				t.Errorf("%s: link %s (directed %v) has directed = %v", format, l.Key, l.Directed, d)
			}
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestExportScope exports the organisations of the demo network only: no
// person, and only links between organisations.
func TestExportScope(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, dir, true)
	m.Close()
	out, err := run(t, "export", "--data", dir, "--format", "json", "--scope", "kinds=organisation,types=partnership|collaboration")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Actors []struct{ Key, Kind string }
		Links  []struct{ Type string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Actors) == 0 || len(doc.Links) == 0 {
		t.Fatalf("scoped export: %d actors, %d links", len(doc.Actors), len(doc.Links))
	}
	for _, a := range doc.Actors {
		if a.Kind != "Organisation" {
			t.Errorf("scoped export has %s, a %s", a.Key, a.Kind)
		}
	}
	for _, l := range doc.Links {
		if l.Type != "PARTNERSHIP" && l.Type != "COLLABORATION" {
			t.Errorf("scoped export has a %s link", l.Type)
		}
	}
	if _, err := run(t, "export", "--data", dir, "--scope", "colour=blue"); err == nil {
		t.Errorf("an unknown scope setting was accepted")
	}
}

// TestImportNetworkxGEXF imports GEXF written by networkx (numbered edge
// ids, attributes of several types, an edge type attribute) twice under
// different key prefixes into one store.
func TestImportNetworkxGEXF(t *testing.T) {
	readNX(t, "graphml", testnet.Path(t, "karate.graphml")) // skips without networkx
	dir := t.TempDir()
	file := filepath.Join(dir, "nx.gexf")
	script := `
import networkx as nx, sys
G = nx.florentine_families_graph()
for i, n in enumerate(G):
    G.nodes[n]["rank"] = i
    G.nodes[n]["rich"] = i % 2 == 0
for u, v in G.edges:
    G.edges[u, v]["type"] = "partnership"
    G.edges[u, v]["weight"] = 2.5
nx.write_gexf(G, sys.argv[1])
`
	if out, err := exec.Command("python3", "-c", script, file).CombinedOutput(); err != nil {
		t.Fatalf("networkx: %v %s", err, out)
	}
	db := filepath.Join(dir, "db")
	for _, prefix := range []string{"a:", "b:"} {
		if out, err := run(t, "import", "--data", db, "--key-prefix", prefix, file); err != nil {
			t.Fatalf("import: %v %s", err, out)
		}
	}
	if a, l := counts(t, db); a != 30 || l != 40 {
		t.Errorf("two prefixed imports of the florentine families: %d actors and %d links, want 30 and 40", a, l)
	}
	for _, it := range scan(t, db) {
		if a := it.Actor; a != nil && (a.Attrs["rank"] == "" || (a.Attrs["rich"] != "true" && a.Attrs["rich"] != "false")) {
			t.Errorf("actor %s attrs = %v", a.Key, a.Attrs)
		}
		if l := it.Link; l != nil && (l.Type != graph.LinkPartnership || l.Weight != 2.5) {
			t.Errorf("link %s = %+v", l.Key, l)
		}
	}
}
