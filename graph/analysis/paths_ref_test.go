package analysis_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// pathsRef is one file written by scripts/reference/paths.py (networkx).
type pathsRef struct {
	Dataset  string
	Directed bool
	Weighted bool
	K        int
	Pairs    []pathsPair
}

type pathsPair struct {
	S, T         string
	Hops         *int
	Wcost        *float64
	KHops        []float64  `json:"k_hops"`
	KHopsSure    [][]string `json:"k_hops_sure"`
	KW           []float64  `json:"k_w"`
	KWSure       [][]string `json:"k_w_sure"`
	AllHops      *float64   `json:"all_hops"`
	AllHopsPaths [][]string `json:"all_hops_paths"`
	AllW         *float64   `json:"all_w"`
	AllWPaths    [][]string `json:"all_w_paths"`
	Introducers  map[string]float64
	Connectivity int
	Adjacent     bool
	MinCut       []string `json:"min_cut"`
	Critical     []string
}

// TestPathsReference compares every path search with networkx on a sample
// of node pairs of every network in testnet.Networks (each one's reference
// file is expected, not globbed); lengths and costs within testnet.Near.
func TestPathsReference(t *testing.T) {
	for _, name := range testnet.Names() {
		file := filepath.Join("testdata", "reference", "paths_"+name+".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var ref pathsRef
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			g, err := netfile.LoadGraph(testnet.Path(t, ref.Dataset), false, ref.Weighted)
			if err != nil {
				t.Fatal(err)
			}
			if g.Directed != ref.Directed {
				t.Fatalf("loaded directed=%v, reference %v", g.Directed, ref.Directed)
			}
			for _, p := range ref.Pairs {
				pathsCheckPair(t, g, &ref, p)
			}
		})
	}
}

func pathsCheckPair(t *testing.T, g *analysis.Graph, ref *pathsRef, pr pathsPair) {
	t.Helper()
	ctx := context.Background()
	sk, tk, k := pr.S, pr.T, ref.K
	s, d := g.Index(sk), g.Index(tk)
	if s < 0 || d < 0 {
		t.Fatalf("%s or %s not in graph", sk, tk)
	}
	name := sk + "→" + tk
	sp, err := analysis.ShortestPath(ctx, g, s, d, analysis.PathOptions{})
	pathsMust(t, err)
	conn, err := analysis.Resilience(ctx, g, s, d)
	pathsMust(t, err)
	if conn.Independent != pr.Connectivity {
		t.Errorf("%s: connectivity %d, want %d", name, conn.Independent, pr.Connectivity)
	}
	pathsCheckDisjoint(t, g, s, d, conn)
	if pr.Hops == nil {
		if sp.Nodes != nil {
			t.Errorf("%s: path %v, want none", name, sp.Nodes)
		}
		return
	}
	if sp.Hops() != *pr.Hops {
		t.Errorf("%s: %d hops, want %d", name, sp.Hops(), *pr.Hops)
	}
	r, err := analysis.Reach(ctx, g, s, *pr.Hops)
	pathsMust(t, err)
	if i := slices.Index(r.Nodes, d); i < 0 || int(r.Dist[i]) != *pr.Hops || r.Dist[len(r.Dist)-1] != int32(*pr.Hops) {
		t.Errorf("%s: Reach within %d hops misses t or goes further", name, *pr.Hops)
	}
	pathsCheckK(t, g, name, s, d, k, analysis.PathOptions{}, pr.KHops, pr.KHopsSure)
	pathsCheckAll(t, g, name, s, d, analysis.PathOptions{}, pr.AllHops, pr.AllHopsPaths)
	if pr.Introducers != nil {
		in, err := analysis.Introducers(ctx, g, s, d, analysis.PathOptions{})
		pathsMust(t, err)
		got := map[string]float64{}
		for _, x := range in {
			got[g.Keys[x.Node]] = x.Share
		}
		if diff := cmp.Diff(pr.Introducers, got, cmp.Comparer(testnet.Near)); diff != "" {
			t.Errorf("%s: introducers differ (-want +got):\n%s", name, diff)
		}
	}
	if pr.Critical != nil {
		// networkx's minimum_node_cut can come back empty on directed
		// graphs (its auxiliary graph's minimum cut may fall on an edge
		// arc); the brute-force list is the one to match.
		crit := pathsKeys(g, conn.Critical)
		if len(pr.MinCut) > 0 && !slices.Contains(crit, pr.MinCut[0]) {
			t.Errorf("%s: critical %v lacks networkx's cut %v", name, crit, pr.MinCut)
		}
		if diff := cmp.Diff(pr.Critical, crit); diff != "" {
			t.Errorf("%s: critical nodes differ (-want +got):\n%s", name, diff)
		}
	} else if len(conn.Critical) > 0 {
		t.Errorf("%s: critical %v, want none", name, conn.Critical)
	}
	if !ref.Weighted {
		return
	}
	opt := analysis.PathOptions{Weighted: true}
	wp, err := analysis.ShortestPath(ctx, g, s, d, opt)
	pathsMust(t, err)
	if !testnet.Near(wp.Cost, *pr.Wcost) {
		t.Errorf("%s: weighted cost %v, want %v", name, wp.Cost, *pr.Wcost)
	}
	pathsCheckK(t, g, name+" weighted", s, d, k, opt, pr.KW, pr.KWSure)
	pathsCheckAll(t, g, name+" weighted", s, d, opt, pr.AllW, pr.AllWPaths)
}

func pathsMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pathsCheckK compares the costs of the first k paths and checks that the
// paths every correct answer shares are there.
func pathsCheckK(t *testing.T, g *analysis.Graph, name string, s, d int32, k int, opt analysis.PathOptions, costs []float64, sure [][]string) {
	t.Helper()
	ps, err := analysis.KShortestPaths(context.Background(), g, s, d, k, opt)
	pathsMust(t, err)
	var got []float64
	have := map[string]bool{}
	for _, p := range ps {
		pathsCheckPath(t, g, p, s, d, opt.Weighted)
		got = append(got, p.Cost)
		have[strings.Join(pathsKeys(g, p.Nodes), " ")] = true
	}
	if diff := cmp.Diff(costs, got, cmp.Comparer(testnet.Near)); diff != "" {
		t.Errorf("%s: k-shortest costs differ (-want +got):\n%s", name, diff)
	}
	for _, p := range sure {
		if !have[strings.Join(p, " ")] {
			t.Errorf("%s: k-shortest paths lack %v", name, p)
		}
	}
}

func pathsCheckAll(t *testing.T, g *analysis.Graph, name string, s, d int32, opt analysis.PathOptions, count *float64, paths [][]string) {
	t.Helper()
	all, err := analysis.AllShortestPaths(context.Background(), g, s, d, opt, 25)
	pathsMust(t, err)
	if count != nil && all.Count != *count {
		t.Errorf("%s: %v shortest paths, want %v", name, all.Count, *count)
	}
	if paths == nil {
		return
	}
	var got [][]string
	for _, p := range all.Paths {
		got = append(got, pathsKeys(g, p.Nodes))
	}
	slices.SortFunc(got, slices.Compare)
	if diff := cmp.Diff(paths, got); diff != "" {
		t.Errorf("%s: shortest paths differ (-want +got):\n%s", name, diff)
	}
}

func pathsKeys(g *analysis.Graph, vs []int32) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, g.Keys[v])
	}
	return out
}

// pathsCheckPath verifies that p is a simple path from s to t along real
// edges whose cost is the hops, or Σ 1/Weight summed from s.
func pathsCheckPath(t *testing.T, g *analysis.Graph, p analysis.Path, s, d int32, weighted bool) {
	t.Helper()
	if len(p.Nodes) != len(p.Edges)+1 || p.Nodes[0] != s || p.Nodes[len(p.Nodes)-1] != d {
		t.Fatalf("malformed path %v", p)
	}
	seen := map[int32]bool{}
	cost := 0.0
	for i, v := range p.Nodes {
		if seen[v] {
			t.Fatalf("path %v repeats node %d", p.Nodes, v)
		}
		seen[v] = true
		if i == 0 {
			continue
		}
		e, u := g.Edges[p.Edges[i-1]], p.Nodes[i-1]
		if !(e.U == u && e.V == v) && (g.Directed || !(e.U == v && e.V == u)) {
			t.Fatalf("edge %d does not join %d and %d", p.Edges[i-1], u, v)
		}
		if weighted {
			cost += 1 / e.Weight
		} else {
			cost++
		}
	}
	if p.Cost != cost {
		t.Fatalf("cost %v, want %v", p.Cost, cost)
	}
}

// pathsCheckDisjoint checks the independent paths: valid, and sharing no
// node but s and t.
func pathsCheckDisjoint(t *testing.T, g *analysis.Graph, s, d int32, c analysis.Connection) {
	t.Helper()
	if len(c.Paths) != c.Independent {
		t.Fatalf("%d paths for connectivity %d", len(c.Paths), c.Independent)
	}
	used := map[int32]bool{}
	for _, p := range c.Paths {
		pathsCheckPath(t, g, p, s, d, false)
		for _, v := range p.Nodes[1 : len(p.Nodes)-1] {
			if used[v] {
				t.Fatalf("node %d on two independent paths", v)
			}
			used[v] = true
		}
	}
}
