package analysis

import (
	"bufio"
	"context"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// TestBrokerageSNA compares with R's sna::brokerage (raw.nli, exp.nli,
// sd.nli, z.nli) as written by scripts/reference/brokerage.R, within refClose.
func TestBrokerageSNA(t *testing.T) {
	for _, tc := range []struct{ network, attr string }{
		{"strike", "group"},
		{"krackhardt_advice", "dept"},
		{"krackhardt_friendship", "dept"},
		{"krackhardt_reportsto", "dept"},
		{"southern_women", "mode"},
	} {
		t.Run(tc.network+"/"+tc.attr, func(t *testing.T) {
			g := refLoadNetwork(t, tc.network)
			got, err := Brokerage(context.Background(), g, g.Attrs[tc.attr])
			if err != nil {
				t.Fatal(err)
			}
			header, rows := refReadCSV(t, refPath("brokerage_"+tc.network+"_"+tc.attr+".csv"))
			if len(rows) != g.N() {
				t.Fatalf("reference has %d rows, graph %d nodes", len(rows), g.N())
			}
			col := map[string]int{}
			for i, h := range header {
				col[h] = i
			}
			for _, row := range rows {
				v := refNode(t, g, row[col["key"]])
				if l := got.Groups[got.Group[v]]; l != row[col["group"]] {
					t.Errorf("%s: group %q, want %q", row[0], l, row[col["group"]])
				}
				for role := range numBrokerRoles {
					code := role.Code()
					want := func(part string) float64 {
						x, err := strconv.ParseFloat(row[col[part+"_"+code]], 64)
						if err != nil {
							t.Fatal(err)
						}
						return x
					}
					if g, w := float64(got.Raw[v][role]), want("raw"); g != w {
						t.Errorf("%s raw %s = %v, want %v", row[0], code, g, w)
					}
					if g, w := got.Exp[v][role], want("exp"); !testnet.Near(g, w) {
						t.Errorf("%s exp %s = %v, want %v", row[0], code, g, w)
					}
					if g, w := got.SD[v][role], want("sd"); !testnet.Near(g, w) {
						t.Errorf("%s sd %s = %v, want %v", row[0], code, g, w)
					}
					z, ok := got.ZScore(v, role)
					w := want("z")
					finite := !math.IsNaN(w) && !math.IsInf(w, 0)
					if ok != finite || (ok && !testnet.Near(z, w)) {
						t.Errorf("%s z %s = %v (defined %v), want %v", row[0], code, z, ok, w)
					}
				}
			}
		})
	}
}

// TestBrokerageStrikePublished checks raw.nli for the strike network against
// the table published in cllghn/r4sna, kept in testdata/networks.
func TestBrokerageStrikePublished(t *testing.T) {
	g := refLoadNetwork(t, "strike")
	got, err := Brokerage(context.Background(), g, g.Attrs["group"])
	if err != nil {
		t.Fatal(err)
	}
	header, rows := readPublishedBrokerage(t, testnet.Path(t, "strike_sna_brokerage_published.md"))
	if len(rows) != g.N() {
		t.Fatalf("published table has %d rows, graph %d nodes", len(rows), g.N())
	}
	for key, vals := range rows {
		v := refNode(t, g, key)
		for i, code := range header {
			role := BrokerRole(-1)
			for r := range numBrokerRoles {
				if r.Code() == code {
					role = r
				}
			}
			if role < 0 {
				t.Fatalf("unknown column %q", code)
			}
			if got.Raw[v][role] != vals[i] {
				t.Errorf("%s %s = %d, want %d", key, code, got.Raw[v][role], vals[i])
			}
		}
	}
}

// readPublishedBrokerage parses the first raw.nli table printed in the
// markdown file: a header line of role codes, then one line per node.
func readPublishedBrokerage(t *testing.T, path string) (header []string, rows map[string][]int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case header == nil && len(fields) > 0 && fields[0] == "w_I":
			header, rows = fields, map[string][]int64{}
		case header != nil && (len(fields) != len(header)+1):
			return header, rows
		case header != nil:
			vals := make([]int64, len(header))
			for i, s := range fields[1:] {
				if vals[i], err = strconv.ParseInt(s, 10, 64); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			rows[fields[0]] = vals
		}
	}
	if header == nil {
		t.Fatalf("%s: no raw.nli table", path)
	}
	return header, rows
}

// TestBrokerageUnlabelled checks that an empty label is a group of its own:
// the result equals sna's for a unique label per unlabelled node.
func TestBrokerageUnlabelled(t *testing.T) {
	g := refLoadNetwork(t, "krackhardt_advice")
	blank := append([]string(nil), g.Attrs["dept"]...)
	unique := append([]string(nil), blank...)
	for v := range blank {
		if v%3 == 0 {
			blank[v], unique[v] = "", "unlabelled-"+g.Keys[v]
		}
	}
	got, err := Brokerage(context.Background(), g, blank)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Brokerage(context.Background(), g, unique)
	if err != nil {
		t.Fatal(err)
	}
	for v := range g.N() {
		if got.Raw[v] != want.Raw[v] || got.Exp[v] != want.Exp[v] || got.SD[v] != want.SD[v] || got.Z[v] != want.Z[v] {
			t.Errorf("node %s: got %v %v, want %v %v", g.Keys[v], got.Raw[v], got.Z[v], want.Raw[v], want.Z[v])
		}
	}
	if len(got.Groups) != len(want.Groups) {
		t.Errorf("got %d groups, want %d", len(got.Groups), len(want.Groups))
	}
}

// TestBrokerageDirected checks the role of each two-path on a hand-made
// directed graph: p, q in group a, r in b, s in c; arcs p⇄q, q⇄r, q⇄s and
// s→p.
func TestBrokerageDirected(t *testing.T) {
	b := NewBuilder(true)
	for _, k := range []string{"p", "q", "r", "s"} {
		b.Node(k)
	}
	for _, e := range [][2]int32{{0, 1}, {1, 0}, {1, 2}, {2, 1}, {1, 3}, {3, 1}, {3, 0}} {
		b.Edge(e[0], e[1], 1, -1)
	}
	g := b.Build()
	got, err := Brokerage(context.Background(), g, []string{"a", "a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	// Through q: p→q→r and p→q→s representative (a→a→b, a→a→c);
	// r→q→p gatekeeper (b→a→a); r→q→s and s→q→r liaison; s→q→p is closed
	// by s→p.
	want := []RoleCounts{
		0: {}, // s→p→q is closed by s→q
		1: {Representative: 2, Gatekeeper: 1, Liaison: 2, AnyRole: 5},
		2: {},
		3: {}, // q→s→p is closed by q→p
	}
	for v := range want {
		if got.Raw[v] != want[v] {
			t.Errorf("node %s: got %v, want %v", g.Keys[v], got.Raw[v], want[v])
		}
	}
}

func TestBrokerageEdgeCases(t *testing.T) {
	ctx := context.Background()
	t.Run("Empty", func(t *testing.T) {
		r, err := Brokerage(ctx, NewBuilder(false).Build(), nil)
		if err != nil || len(r.Raw) != 0 || len(r.Groups) != 0 || r.Density != 0 {
			t.Errorf("got %+v, %v; want an empty result", r, err)
		}
	})
	t.Run("SingleNode", func(t *testing.T) {
		b := NewBuilder(true)
		b.Node("x")
		r, err := Brokerage(ctx, b.Build(), []string{"g"})
		if err != nil {
			t.Fatal(err)
		}
		assertNoNaN(t, r)
		if _, ok := r.ZScore(0, AnyRole); ok {
			t.Error("z defined for a single node")
		}
	})
	t.Run("Complete", func(t *testing.T) {
		b := NewBuilder(false)
		for i := range int32(4) {
			b.Node(strconv.Itoa(int(i)))
			for j := range i {
				b.Edge(i, j, 1, -1)
			}
		}
		r, err := Brokerage(ctx, b.Build(), []string{"a", "a", "b", ""})
		if err != nil {
			t.Fatal(err)
		}
		assertNoNaN(t, r)
	})
	t.Run("ErrGroupsLength", func(t *testing.T) {
		b := NewBuilder(false)
		b.Node("x")
		_, err := Brokerage(ctx, b.Build(), nil)
		if !errors.Is(err, ErrBadOption) {
			t.Errorf("got %v, want ErrBadOption", err)
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		g := refLoadNetwork(t, "strike")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Brokerage(cctx, g, g.Attrs["group"]); err != context.Canceled {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func assertNoNaN(t *testing.T, r *BrokerageResult) {
	t.Helper()
	for v := range r.Exp {
		for role := range numBrokerRoles {
			for _, x := range []float64{r.Exp[v][role], r.SD[v][role], r.Z[v][role]} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("node %d role %s: %v", v, role, x)
				}
			}
		}
	}
}

func BenchmarkBrokerage(b *testing.B) {
	g := refLoadNetwork(b, "ca-hepth")
	groups := make([]string, g.N())
	for v := range groups {
		groups[v] = strconv.Itoa(v % 7)
	}
	for b.Loop() {
		if _, err := Brokerage(context.Background(), g, groups); err != nil {
			b.Fatal(err)
		}
	}
}
