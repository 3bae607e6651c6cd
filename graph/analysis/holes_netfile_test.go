package analysis_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestHolesThroughNetfile runs the structural-hole measures and brokerage on
// networks read by the service's own loader, netfile.LoadGraph, and checks
// them against the networkx and sna references, so the loader's direction,
// weights and attributes are the ones the references assume.
func TestHolesThroughNetfile(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		weighted bool
	}{{"lesmis", true}, {"krackhardt_advice", false}, {"netscience", true}} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := netfile.LoadGraph(testnet.Path(t, tc.name+".graphml"), false, tc.weighted)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join("testdata", "reference", "holes_"+tc.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var ref map[string]json.RawMessage
			if err := json.Unmarshal(raw, &ref); err != nil {
				t.Fatal(err)
			}
			part := "unweighted"
			if tc.weighted {
				part = "weighted"
			}
			var want struct {
				Constraint map[string]*float64 `json:"constraint"`
			}
			if err := json.Unmarshal(ref[part], &want); err != nil {
				t.Fatal(err)
			}
			h, err := analysis.StructuralHoles(ctx, g, analysis.HolesOptions{Weighted: tc.weighted})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Constraint) != g.N() {
				t.Fatalf("reference has %d nodes, graph %d", len(want.Constraint), g.N())
			}
			for key, w := range want.Constraint {
				v := g.Index(key)
				switch {
				case v < 0:
					t.Fatalf("node %q missing", key)
				case w == nil && h.Defined[v], w != nil && (!h.Defined[v] || !testnet.Near(h.Constraint[v], *w)):
					t.Errorf("constraint of %s = %v (defined %v), want %v", key, h.Constraint[v], h.Defined[v], w)
				}
			}
		})
	}
	t.Run("strike brokerage", func(t *testing.T) {
		g, err := netfile.LoadGraph(testnet.Path(t, "strike.graphml"), false, false)
		if err != nil {
			t.Fatal(err)
		}
		b, err := analysis.Brokerage(ctx, g, g.Attrs["group"])
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join("testdata", "reference", "brokerage_strike_group.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.Comment = '#'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, row := range rows[1:] {
			v := g.Index(row[col["key"]])
			for role := analysis.Coordinator; role <= analysis.AnyRole; role++ {
				if got, want := strconv.FormatInt(b.Raw[v][role], 10), row[col["raw_"+role.Code()]]; got != want {
					t.Errorf("%s %s = %s, want %s", row[0], role.Code(), got, want)
				}
			}
		}
	})
}
