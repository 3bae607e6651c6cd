package analysis_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

func loadNet(t testing.TB, name string) *analysis.Graph {
	t.Helper()
	g, err := netfile.LoadGraph(testnet.Path(t, name), false, false)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func layout(t testing.TB, g *analysis.Graph, opt analysis.LayoutOptions) *analysis.Layout {
	t.Helper()
	l, err := analysis.ForceAtlas2(context.Background(), g, opt)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// checkPlaced fails unless every node has a finite position inside the
// layout's extent.
func checkPlaced(t *testing.T, g *analysis.Graph, l *analysis.Layout) {
	t.Helper()
	if len(l.X) != g.N() || len(l.Y) != g.N() {
		t.Fatalf("got %d×%d positions for %d nodes", len(l.X), len(l.Y), g.N())
	}
	for v := range l.X {
		x, y := l.X[v], l.Y[v]
		if math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > 1000.005 || math.Abs(y) > 1000.005 {
			t.Fatalf("node %s at (%v, %v)", g.Keys[v], x, y)
		}
	}
}

// TestForceAtlas2Deterministic: the same graph and seed give the same bits
// whatever the worker count; another seed gives another picture.
func TestForceAtlas2Deterministic(t *testing.T) {
	g := loadNet(t, "netscience.graphml")
	one := layout(t, g, analysis.LayoutOptions{Seed: 7, Iterations: 150, Workers: 1})
	four := layout(t, g, analysis.LayoutOptions{Seed: 7, Iterations: 150, Workers: 4})
	if !slices.Equal(one.X, four.X) || !slices.Equal(one.Y, four.Y) {
		t.Error("1 and 4 workers placed nodes differently")
	}
	other := layout(t, g, analysis.LayoutOptions{Seed: 8, Iterations: 150, Workers: 4})
	if slices.Equal(one.X, other.X) {
		t.Error("seeds 7 and 8 placed nodes identically")
	}
	checkPlaced(t, g, one)
	if !one.Complete || one.Iterations != 150 {
		t.Errorf("got complete %v after %d iterations, want true after 150", one.Complete, one.Iterations)
	}
}

// TestForceAtlas2Components: ca-GrQc's 355 components each sit in a square
// of their own, with no node of another inside it, and a component's nodes
// are spread out (not collapsed onto a point).
func TestForceAtlas2Components(t *testing.T) {
	g := loadNet(t, "ca-grqc.txt")
	start := time.Now()
	l := layout(t, g, analysis.LayoutOptions{Seed: 1})
	t.Logf("ca-grqc (%d nodes, %d edges): %d iterations in %v", g.N(), len(g.Edges), l.Iterations, time.Since(start))
	checkPlaced(t, g, l)
	comp, sizes := analysis.Components(g)
	if len(sizes) < 2 {
		t.Fatalf("ca-grqc has %d components; the test needs several", len(sizes))
	}
	type box struct{ x0, y0, x1, y1 float64 }
	boxes := make([]box, len(sizes))
	for i := range boxes {
		boxes[i] = box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	}
	for v, c := range comp {
		b := &boxes[c]
		b.x0, b.x1 = min(b.x0, l.X[v]), max(b.x1, l.X[v])
		b.y0, b.y1 = min(b.y0, l.Y[v]), max(b.y1, l.Y[v])
	}
	for i, a := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			b := boxes[j]
			if a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1 {
				t.Fatalf("components %d %+v and %d %+v overlap", i, a, j, b)
			}
		}
		if sizes[i] > 1 && (a.x1-a.x0)+(a.y1-a.y0) == 0 {
			t.Errorf("component %d's %d nodes share one point", i, sizes[i])
		}
	}
}

// TestForceAtlas2Budget: a budget that has run out before the first
// iteration still places every node (at its packed starting point) and
// says the layout is incomplete.
func TestForceAtlas2Budget(t *testing.T) {
	g := loadNet(t, "ca-grqc.txt")
	l := layout(t, g, analysis.LayoutOptions{Budget: time.Nanosecond})
	checkPlaced(t, g, l)
	if l.Complete || l.Iterations != 0 {
		t.Errorf("got complete %v after %d iterations, want false after 0", l.Complete, l.Iterations)
	}
}

func TestForceAtlas2Small(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edges [][2]string
		nodes []string
	}{
		{"Empty", nil, nil},
		{"OneNode", nil, []string{"a"}},
		{"TwoIsolates", nil, []string{"a", "b"}},
		{"Pair", [][2]string{{"a", "b"}}, nil},
		{"Triangle", [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := analysis.NewBuilder(false)
			for _, n := range tc.nodes {
				b.Node(n)
			}
			for _, e := range tc.edges {
				b.Edge(b.Node(e[0]), b.Node(e[1]), 1, -1)
			}
			g := b.Build()
			l := layout(t, g, analysis.LayoutOptions{})
			checkPlaced(t, g, l)
			if g.N() >= 2 && l.X[0] == l.X[1] && l.Y[0] == l.Y[1] {
				t.Errorf("nodes 0 and 1 share the point (%v, %v)", l.X[0], l.Y[0])
			}
		})
	}
}

func TestForceAtlas2BadOptions(t *testing.T) {
	g := loadNet(t, "karate.graphml")
	for _, opt := range []analysis.LayoutOptions{{Iterations: -1}, {Budget: -time.Second}} {
		if _, err := analysis.ForceAtlas2(context.Background(), g, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := analysis.ForceAtlas2(ctx, g, analysis.LayoutOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}
