package analysis

import (
	"slices"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestCutsNetworkx compares cut-points, bridges, components and density
// with networkx (scripts/reference/holes.py) on every dataset.
func TestCutsNetworkx(t *testing.T) {
	for _, name := range refAllNetworks {
		t.Run(name, func(t *testing.T) {
			g := refLoadNetwork(t, name)
			var ref struct {
				Nodes, Components, Largest int
				Density                    float64
				ArticulationPoints         []string   `json:"articulation_points"`
				Bridges                    [][]string `json:"bridges"`
			}
			refReadJSON(t, refPath("cuts_"+name+".json"), &ref)
			if g.N() != ref.Nodes {
				t.Fatalf("got %d nodes, want %d", g.N(), ref.Nodes)
			}
			if got := Density(g); !testnet.Near(got, ref.Density) {
				t.Errorf("density %v, want %v", got, ref.Density)
			}
			comp, sizes := Components(g)
			if len(sizes) != ref.Components || slices.Max(append(sizes, 0)) != int32(ref.Largest) {
				t.Errorf("%d components, largest %d; want %d, %d", len(sizes), slices.Max(append(sizes, 0)), ref.Components, ref.Largest)
			}
			checkComponents(t, g, comp, sizes)
			var got []string
			for _, v := range CutPoints(g) {
				got = append(got, g.Keys[v])
			}
			slices.Sort(got)
			if !slices.Equal(got, ref.ArticulationPoints) {
				t.Errorf("cut-points %v, want %v", got, ref.ArticulationPoints)
			}
			var gotB, wantB []string
			for _, b := range Bridges(g) {
				gotB = append(gotB, pairKey(g.Keys[b[0]], g.Keys[b[1]]))
			}
			for _, b := range ref.Bridges {
				wantB = append(wantB, pairKey(b[0], b[1]))
			}
			slices.Sort(gotB)
			slices.Sort(wantB)
			if !slices.Equal(gotB, wantB) {
				t.Errorf("bridges %v, want %v", gotB, wantB)
			}
		})
	}
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "\x00" + b
}

// checkComponents checks that ties never cross components, sizes add up
// and components are numbered by their smallest node.
func checkComponents(t *testing.T, g *Graph, comp, sizes []int32) {
	t.Helper()
	count := make([]int32, len(sizes))
	next := int32(0)
	for v, c := range comp {
		count[c]++
		if c == next {
			next++
		} else if c > next {
			t.Fatalf("component %d numbered before %d", c, next)
		}
		out, _ := g.Out(int32(v))
		for _, w := range out {
			if comp[w] != c {
				t.Fatalf("tie %d–%d crosses components", v, w)
			}
		}
	}
	if !slices.Equal(count, sizes) {
		t.Errorf("sizes %v, counted %v", sizes, count)
	}
}

func TestCutsSmall(t *testing.T) {
	for _, tc := range []struct {
		name     string
		directed bool
		n        int
		edges    [][2]int32
		points   []int32
		bridges  [][2]int32
	}{
		{name: "Empty"},
		{name: "Single", n: 1},
		{name: "Dyad", n: 2, edges: [][2]int32{{0, 1}}, bridges: [][2]int32{{0, 1}}},
		{name: "Path", n: 3, edges: [][2]int32{{0, 1}, {1, 2}}, points: []int32{1}, bridges: [][2]int32{{0, 1}, {1, 2}}},
		{name: "Triangle", n: 3, edges: [][2]int32{{0, 1}, {1, 2}, {2, 0}}},
		{name: "BowTie", n: 5, edges: [][2]int32{{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 2}}, points: []int32{2}},
		// A mutual pair of arcs is one undirected tie, so still a bridge.
		{name: "DirectedMutual", directed: true, n: 3, edges: [][2]int32{{0, 1}, {1, 0}, {1, 2}}, points: []int32{1}, bridges: [][2]int32{{0, 1}, {1, 2}}},
		{name: "DirectedCycle", directed: true, n: 3, edges: [][2]int32{{0, 1}, {1, 2}, {2, 0}}},
		{name: "SelfLoop", n: 2, edges: [][2]int32{{0, 0}, {0, 1}}, bridges: [][2]int32{{0, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(tc.directed)
			for i := range tc.n {
				b.Node(strconv.Itoa(i))
			}
			for _, e := range tc.edges {
				b.Edge(e[0], e[1], 1, -1)
			}
			g := b.Build()
			if got := CutPoints(g); !slices.Equal(got, tc.points) {
				t.Errorf("cut-points %v, want %v", got, tc.points)
			}
			if got := Bridges(g); !slices.Equal(got, tc.bridges) {
				t.Errorf("bridges %v, want %v", got, tc.bridges)
			}
		})
	}
}

// TestCutsDeep runs on a path of 300,000 nodes: a DFS that deep needs the
// explicit stack.
func TestCutsDeep(t *testing.T) {
	const n = 300_000
	b := NewBuilder(false)
	for i := range n {
		b.Node(strconv.Itoa(i))
	}
	for i := range int32(n - 1) {
		b.Edge(i, i+1, 1, -1)
	}
	g := b.Build()
	if got := len(CutPoints(g)); got != n-2 {
		t.Errorf("%d cut-points, want %d", got, n-2)
	}
	if got := len(Bridges(g)); got != n-1 {
		t.Errorf("%d bridges, want %d", got, n-1)
	}
}

func TestDensity(t *testing.T) {
	b := NewBuilder(true)
	x, y := b.Node("x"), b.Node("y")
	b.Edge(x, y, 1, -1)
	b.Edge(x, x, 1, -1)
	b.Edge(x, x, 1, -1) // a repeated loop is one edge, as in networkx
	if got := Density(b.Build()); got != 1 {
		t.Errorf("density %v, want 1", got)
	}
	if got := Density(NewBuilder(false).Build()); got != 0 {
		t.Errorf("empty density %v, want 0", got)
	}
}
