package netfile_test

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestLoadDatasets loads every network in testdata/networks and checks the
// sizes its README gives (SNAP edge counts include the self-loops, which the snapshot
// keeps in Loops).
func TestLoadDatasets(t *testing.T) {
	cases := []struct {
		file         string
		directed     bool
		nodes, edges int
		loops        int  // nodes with a self-loop
		weighted     bool // has weights other than 1
	}{
		{"karate.graphml", false, 34, 78, 0, false},
		{"lesmis.graphml", false, 77, 254, 0, true},
		{"netscience.graphml", false, 1589, 2742, 0, true},
		{"florentine_marriage.graphml", false, 16, 20, 0, false},
		{"florentine_business.graphml", false, 16, 15, 0, false},
		{"southern_women.graphml", false, 32, 89, 0, false},
		{"krackhardt_advice.graphml", true, 21, 190, 0, false},
		{"krackhardt_friendship.graphml", true, 21, 102, 0, false},
		{"krackhardt_reportsto.graphml", true, 21, 20, 0, false},
		{"strike.graphml", false, 24, 38, 0, false},
		{"ca-grqc.txt", false, 5242, 14496 - 12, 12, false},
		{"ca-hepth.txt", false, 9877, 25998 - 25, 25, false},
	}
	var files []string
	for _, c := range cases {
		files = append(files, c.file)
	}
	if !slices.Equal(slices.Sorted(slices.Values(files)), slices.Sorted(slices.Values(testnet.Networks))) {
		t.Errorf("cases cover %v, testnet.Networks is %v", files, testnet.Networks)
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			g, err := netfile.LoadGraph(testnet.Path(t, c.file), false, true)
			if err != nil {
				t.Fatal(err)
			}
			loops, weighted := 0, 0
			for _, l := range g.Loops {
				if l > 0 {
					loops++
				}
			}
			for _, e := range g.Edges {
				if e.Weight != 1 {
					weighted++
				}
			}
			if g.Directed != c.directed || g.N() != c.nodes || len(g.Edges) != c.edges || loops != c.loops {
				t.Errorf("got directed=%v n=%d edges=%d loops=%d, want %v %d %d %d",
					g.Directed, g.N(), len(g.Edges), loops, c.directed, c.nodes, c.edges, c.loops)
			}
			if (weighted > 0) != c.weighted {
				t.Errorf("got %d edges weighing other than 1, want weights: %v", weighted, c.weighted)
			}
		})
	}
}

func TestLoadAttributes(t *testing.T) {
	g, err := netfile.LoadGraph(testnet.Path(t, "krackhardt_advice.graphml"), false, false)
	if err != nil {
		t.Fatal(err)
	}
	v := g.Index("1")
	if got := []string{g.Attrs["dept"][v], g.Attrs["level"][v], g.Attrs["age"][v], g.Attrs["tenure"][v]}; !slices.Equal(got, []string{"4", "3", "33.0", "9.333"}) {
		t.Errorf("node 1 attributes: got %v", got)
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func arcs(g *analysis.Graph) [][2]string {
	var out [][2]string
	for _, e := range g.Edges {
		out = append(out, [2]string{g.Keys[e.U], g.Keys[e.V]})
	}
	slices.SortFunc(out, func(a, b [2]string) int {
		if a[0] != b[0] {
			return map[bool]int{true: -1, false: 1}[a[0] < b[0]]
		}
		return map[bool]int{true: -1, false: 1}[a[1] < b[1]]
	})
	return out
}

func TestLoadDirection(t *testing.T) {
	mixed := writeFile(t, "mixed.graphml", `<graphml><graph edgedefault="directed">
<edge source="a" target="b"/><edge source="b" target="c" directed="false"/></graph></graphml>`)
	list := writeFile(t, "pairs.edgelist", "a b\nb c\nc b\n")
	for _, c := range []struct {
		name     string
		path     string
		dir      netfile.Direction
		directed bool
		want     [][2]string
	}{
		{"GraphMLFromFile", mixed, netfile.FromFile, true, [][2]string{{"a", "b"}, {"b", "c"}, {"c", "b"}}},
		{"GraphMLUndirected", mixed, netfile.Undirected, false, [][2]string{{"a", "b"}, {"b", "c"}}},
		{"EdgeListFromFile", list, netfile.FromFile, false, [][2]string{{"a", "b"}, {"b", "c"}}},
		{"EdgeListDirected", list, netfile.Directed, true, [][2]string{{"a", "b"}, {"b", "c"}, {"c", "b"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := netfile.Load(c.path, netfile.LoadOptions{Direction: c.dir})
			if err != nil {
				t.Fatal(err)
			}
			if got := arcs(g); g.Directed != c.directed || !slices.Equal(got, c.want) {
				t.Errorf("got directed=%v %v, want %v %v", g.Directed, got, c.directed, c.want)
			}
		})
	}
	// LoadGraph's directed argument forces a directed graph.
	g, err := netfile.LoadGraph(list, true, false)
	if err != nil || !g.Directed {
		t.Errorf("LoadGraph(directed): got %v, %v", g, err)
	}
}

func TestLoadWeights(t *testing.T) {
	path := writeFile(t, "w.txt", "a b 3\nb a 5\nb c\n")
	g, err := netfile.LoadGraph(path, false, true)
	if err != nil {
		t.Fatal(err)
	}
	var ws []float64
	for _, e := range g.Edges {
		ws = append(ws, e.Weight)
	}
	if !slices.Equal(ws, []float64{5, 1}) { // parallel pair merged, strongest kept; missing weight is 1
		t.Errorf("weights: got %v, want [5 1]", ws)
	}
	if g, _ := netfile.LoadGraph(path, false, false); g.Edges[0].Weight != 1 {
		t.Errorf("unweighted load kept weight %v", g.Edges[0].Weight)
	}
	bad := writeFile(t, "bad.txt", "a b 1\nb c 0\n")
	_, err = netfile.LoadGraph(bad, false, true)
	if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorMessage(err) != bad+":2: weight 0: tie strength must be positive" {
		t.Errorf("got %v", err)
	}
}

func TestLoadFormats(t *testing.T) {
	gz := filepath.Join(t.TempDir(), "net.txt.gz")
	f, err := os.Create(gz)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte("# gzipped\n1 2\n2 3\n"))
	zw.Close()
	f.Close()
	if g, err := netfile.LoadGraph(gz, false, false); err != nil || g.N() != 3 || len(g.Edges) != 2 {
		t.Errorf("gzipped edge list: got %v, %v", g, err)
	}
	if _, err := netfile.LoadGraph(writeFile(t, "net.csv", "a,b\n"), false, false); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("unknown extension: got %v, want EINVALID", err)
	}
	if _, err := netfile.LoadGraph(filepath.Join(t.TempDir(), "missing.txt"), false, false); err == nil {
		t.Error("missing file: no error")
	}
}
