package analysis

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// holesReference is one weighting's networkx values by node key (null where
// networkx reports NaN).
type holesReference struct {
	Constraint    map[string]*float64 `json:"constraint"`
	EffectiveSize map[string]*float64 `json:"effective_size"`
	Efficiency    map[string]*float64 `json:"efficiency"`
	Recomputed    []string            `json:"recomputed"`
}

// TestStructuralHolesNetworkx compares with networkx's constraint and
// effective_size (scripts/reference/holes.py) on every dataset, unweighted
// and, where edges carry weights, weighted, within refClose.
func TestStructuralHolesNetworkx(t *testing.T) {
	for _, name := range refAllNetworks {
		t.Run(name, func(t *testing.T) {
			g := refLoadNetwork(t, name)
			var ref struct {
				Unweighted *holesReference `json:"unweighted"`
				Weighted   *holesReference `json:"weighted"`
			}
			refReadJSON(t, refPath("holes_"+name+".json"), &ref)
			checkHoles(t, g, HolesOptions{}, ref.Unweighted)
			if ref.Weighted != nil {
				checkHoles(t, g, HolesOptions{Weighted: true}, ref.Weighted)
			}
		})
	}
	t.Run("krackhardt_advice_weighted", func(t *testing.T) {
		b := NewBuilder(true)
		_, rows := refReadCSV(t, refPath("holes_krackhardt_advice_weighted_edges.csv"))
		for _, r := range rows {
			w, err := strconv.ParseFloat(r[2], 64)
			if err != nil {
				t.Fatal(err)
			}
			b.Edge(b.Node(r[0]), b.Node(r[1]), w, -1)
		}
		var ref struct {
			Weighted *holesReference `json:"weighted"`
		}
		refReadJSON(t, refPath("holes_krackhardt_advice_weighted.json"), &ref)
		checkHoles(t, b.Build(), HolesOptions{Weighted: true}, ref.Weighted)
	})
}

func checkHoles(t *testing.T, g *Graph, opt HolesOptions, ref *holesReference) {
	t.Helper()
	if ref == nil || len(ref.Constraint) != g.N() {
		t.Fatalf("reference for %d nodes missing or incomplete", g.N())
	}
	h, err := StructuralHoles(context.Background(), g, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name string
		got  []float64
		want map[string]*float64
	}{
		{"constraint", h.Constraint, ref.Constraint},
		{"effective size", h.EffectiveSize, ref.EffectiveSize},
		{"efficiency", h.Efficiency, ref.Efficiency},
	} {
		for key, want := range m.want {
			v := refNode(t, g, key)
			switch {
			case want == nil && h.Defined[v]:
				t.Errorf("weighted=%v %s of %s = %v, want undefined", opt.Weighted, m.name, key, m.got[v])
			case want != nil && (!h.Defined[v] || !testnet.Near(m.got[v], *want)):
				t.Errorf("weighted=%v %s of %s = %v (defined %v), want %v", opt.Weighted, m.name, key, m.got[v], h.Defined[v], *want)
			}
		}
	}
}

func TestStructuralHolesEdgeCases(t *testing.T) {
	ctx := context.Background()
	t.Run("Empty", func(t *testing.T) {
		h, err := StructuralHoles(ctx, NewBuilder(true).Build(), HolesOptions{})
		if err != nil || len(h.Constraint) != 0 || len(h.Defined) != 0 {
			t.Errorf("got %+v, %v; want an empty result", h, err)
		}
	})
	t.Run("IsolatedAndLoop", func(t *testing.T) {
		b := NewBuilder(false)
		x, y, z := b.Node("x"), b.Node("y"), b.Node("z")
		b.Edge(x, y, 2, -1)
		b.Edge(z, z, 1, -1) // a self-loop alone is no contact
		h, err := StructuralHoles(ctx, b.Build(), HolesOptions{Weighted: true})
		if err != nil {
			t.Fatal(err)
		}
		if h.Defined[z] || h.Constraint[z] != 0 || math.IsNaN(h.EffectiveSize[z]) {
			t.Errorf("z: defined %v, constraint %v, want undefined and 0", h.Defined[z], h.Constraint[z])
		}
		// A dyad: each is fully constrained by the other, effective size 1.
		if !h.Defined[x] || h.Constraint[x] != 1 || h.EffectiveSize[x] != 1 || h.Efficiency[x] != 1 {
			t.Errorf("x: got %v %v %v, want 1 1 1", h.Constraint[x], h.EffectiveSize[x], h.Efficiency[x])
		}
	})
	t.Run("ZeroWeights", func(t *testing.T) {
		b := NewBuilder(false)
		x, y, z := b.Node("x"), b.Node("y"), b.Node("z")
		b.Edge(x, y, 0, -1)
		b.Edge(y, z, 0, -1)
		b.Edge(x, z, 0, -1)
		h, err := StructuralHoles(ctx, b.Build(), HolesOptions{Weighted: true})
		if err != nil {
			t.Fatal(err)
		}
		for v := range 3 {
			if math.IsNaN(h.Constraint[v]) || math.IsNaN(h.EffectiveSize[v]) || math.IsNaN(h.Efficiency[v]) {
				t.Errorf("node %d: NaN in %v %v %v", v, h.Constraint[v], h.EffectiveSize[v], h.Efficiency[v])
			}
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		g := refLoadNetwork(t, "karate")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := StructuralHoles(cctx, g, HolesOptions{}); err != context.Canceled {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

// BenchmarkStructuralHoles times the three measures on ca-hepth (9,877
// nodes, 25,973 ties).
func BenchmarkStructuralHoles(b *testing.B) {
	g := refLoadNetwork(b, "ca-hepth")
	for b.Loop() {
		if _, err := StructuralHoles(context.Background(), g, HolesOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
