package analysis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// Reference values: networkx's (and igraph's) for every network, written by
// scripts/reference/communities.py to testdata/reference/communities_*.json.

type commReference struct {
	Dataset    string
	Directed   bool
	Weighted   bool
	Nodes      int
	Partition  map[string]int32
	Modularity map[string]float64 // by resolution: "0.5", "1", "2"
	Louvain    commRuns
	Igraph     *commRuns
}

type commRuns struct {
	Version    string
	Seeds      []uint64
	Modularity []float64
	Best       float64
}

// commQualitySlack is how far below the reference tools' best modularity
// over the same seeds our best may fall: 0.5%, as issue 17 asks.
const commQualitySlack = 0.005

func commReadReference(t *testing.T, name string) (*commReference, *analysis.Graph) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", "communities_"+name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref commReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	g, err := netfile.LoadGraph(testnet.Path(t, ref.Dataset), false, ref.Weighted)
	if err != nil {
		t.Fatal(err)
	}
	if g.N() != ref.Nodes || g.Directed != ref.Directed {
		t.Fatalf("%s: loaded n=%d directed=%v, networkx n=%d directed=%v", name, g.N(), g.Directed, ref.Nodes, ref.Directed)
	}
	return &ref, g
}

// TestModularityReference: our Modularity of networkx's Louvain partition is
// networkx's modularity of it, at three resolutions, on every network.
func TestModularityReference(t *testing.T) {
	for _, name := range testnet.Names() {
		t.Run(name, func(t *testing.T) {
			ref, g := commReadReference(t, name)
			part := make([]int32, g.N())
			for v, k := range g.Keys {
				c, ok := ref.Partition[k]
				if !ok {
					t.Fatalf("node %q not in the reference partition", k)
				}
				part[v] = c
			}
			for _, r := range []string{"0.5", "1", "2"} {
				var gamma float64
				fmt.Sscan(r, &gamma)
				got, err := analysis.Modularity(g, part, gamma, ref.Weighted)
				if err != nil {
					t.Fatal(err)
				}
				if want := ref.Modularity[r]; !testnet.Near(got, want) {
					t.Errorf("resolution %s: modularity %.15g, networkx %.15g", r, got, want)
				}
			}
		})
	}
}

// TestCommunitiesQuality: on every network our best modularity over seeds
// 0..9, with Leiden and with Louvain, reaches networkx's Louvain best (and
// igraph's Leiden best, when the reference file has it) minus 0.5%. Our own value is recomputed with
// Modularity, which TestModularityReference ties to networkx.
func TestCommunitiesQuality(t *testing.T) {
	for _, name := range testnet.Names() {
		t.Run(name, func(t *testing.T) {
			ref, g := commReadReference(t, name)
			for _, alg := range analysis.CommunityAlgorithms {
				best := math.Inf(-1)
				for _, seed := range ref.Louvain.Seeds {
					res, err := analysis.Communities(context.Background(), g, analysis.CommunityOptions{Algorithm: alg, Weighted: ref.Weighted, Seed: seed})
					if err != nil {
						t.Fatal(err)
					}
					if alg == analysis.Leiden {
						commCheckConnected(t, g, res.Of, len(res.Sizes))
					}
					q, err := analysis.Modularity(g, res.Of, 1, ref.Weighted)
					if err != nil {
						t.Fatal(err)
					}
					if q != res.Modularity {
						t.Fatalf("seed %d: result's modularity %v, Modularity %v", seed, res.Modularity, q)
					}
					best = max(best, q)
				}
				refs := map[string]*commRuns{"networkx louvain": &ref.Louvain, "igraph leiden": ref.Igraph}
				line := fmt.Sprintf("%s %v best %.6f", name, alg, best)
				for _, tool := range []string{"networkx louvain", "igraph leiden"} {
					r := refs[tool]
					if r == nil {
						continue
					}
					line += fmt.Sprintf(", %s %.6f", tool, r.Best)
					if best < r.Best-commQualitySlack*math.Abs(r.Best) {
						t.Errorf("%s best over seeds %v: %.6f, %s %.6f (-0.5%%: %.6f)", alg, ref.Louvain.Seeds, best, tool, r.Best, r.Best-commQualitySlack*math.Abs(r.Best))
					}
				}
				t.Log(line)
			}
		})
	}
}

// commCheckConnected fails t unless each community induces a connected
// subgraph (arcs followed both ways): Leiden's guarantee (Traag et al. 2019),
// which Louvain lacks (ours leaves one community of ca-hepth disconnected
// for some seed).
func commCheckConnected(t *testing.T, g *analysis.Graph, of []int32, k int) {
	t.Helper()
	seen := make([]bool, g.N())
	started := make([]bool, k)
	for s := range int32(g.N()) {
		if seen[s] {
			continue
		}
		if started[of[s]] {
			t.Fatalf("community %d is not connected (node %q is cut off)", of[s], g.Keys[s])
		}
		started[of[s]] = true
		seen[s] = true
		for stack := []int32{s}; len(stack) > 0; {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			out, _ := g.Out(v)
			in, _ := g.In(v)
			for _, u := range append(slices.Clone(out), in...) {
				if !seen[u] && of[u] == of[s] {
					seen[u] = true
					stack = append(stack, u)
				}
			}
		}
	}
}

// commPlanted returns a stochastic block model: blocks of size nodes, each
// pair linked with probability pIn inside a block and pOut across, and the
// planted block of each node.
func commPlanted(seed uint64, blocks, size int, pIn, pOut float64) (*analysis.Graph, []int32) {
	r := rand.New(rand.NewPCG(seed, 3))
	b := analysis.NewBuilder(false)
	n := blocks * size
	truth := make([]int32, n)
	for v := range n {
		b.Node(fmt.Sprint("n", v))
		truth[v] = int32(v / size)
	}
	for u := range n {
		for v := u + 1; v < n; v++ {
			p := pOut
			if truth[u] == truth[v] {
				p = pIn
			}
			if r.Float64() < p {
				b.Edge(int32(u), int32(v), 1+r.Float64(), -1)
			}
		}
	}
	return b.Build(), truth
}

// commNMI is the normalised mutual information of two partitions,
// I(X;Y) / ((H(X)+H(Y))/2) (Danon et al. 2005; sklearn's arithmetic mean).
func commNMI(x, y []int32) float64 {
	n := float64(len(x))
	joint := map[[2]int32]float64{}
	px, py := map[int32]float64{}, map[int32]float64{}
	for i := range x {
		joint[[2]int32{x[i], y[i]}]++
		px[x[i]]++
		py[y[i]]++
	}
	entropy := func(p map[int32]float64) float64 {
		var h float64
		for _, c := range p {
			h -= c / n * math.Log(c/n)
		}
		return h
	}
	var mi float64
	for k, c := range joint {
		mi += c / n * math.Log(c*n/(px[k[0]]*py[k[1]]))
	}
	hx, hy := entropy(px), entropy(py)
	if hx+hy == 0 {
		return 1
	}
	return mi / ((hx + hy) / 2)
}

func TestCommunitiesNMIHelper(t *testing.T) {
	a := []int32{0, 0, 1, 1, 2, 2}
	if got := commNMI(a, []int32{5, 5, 3, 3, 9, 9}); math.Abs(got-1) > 1e-12 {
		t.Errorf("relabelled partition: NMI %v, want 1", got)
	}
	if got := commNMI([]int32{0, 0, 1, 1}, []int32{0, 1, 0, 1}); math.Abs(got) > 1e-12 {
		t.Errorf("independent partitions: NMI %v, want 0", got)
	}
}

// TestCommunitiesPlanted: four blocks of 50 (p_in 0.3, p_out 0.01) are
// recovered with NMI ≥ 0.9 by both algorithms, weighted or not, every seed.
func TestCommunitiesPlanted(t *testing.T) {
	g, truth := commPlanted(17, 4, 50, 0.3, 0.01)
	for _, alg := range analysis.CommunityAlgorithms {
		for _, weighted := range []bool{false, true} {
			for seed := range uint64(5) {
				res, err := analysis.Communities(context.Background(), g, analysis.CommunityOptions{Algorithm: alg, Weighted: weighted, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				if nmi := commNMI(res.Of, truth); nmi < 0.9 {
					t.Errorf("%s weighted=%v seed %d: NMI %.3f < 0.9 (sizes %v)", alg, weighted, seed, nmi, res.Sizes)
				}
			}
		}
	}
}

// TestCommunitiesDeterministic: the same seed gives the same partition, bit
// for bit, whatever GOMAXPROCS and however often it runs; numbering follows
// each community's smallest node.
func TestCommunitiesDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	planted, _ := commPlanted(3, 5, 30, 0.2, 0.02)
	_, lesmis := commReadReference(t, "lesmis")
	for name, g := range map[string]*analysis.Graph{"planted": planted, "lesmis": lesmis} {
		for _, alg := range analysis.CommunityAlgorithms {
			opt := analysis.CommunityOptions{Algorithm: alg, Weighted: true, Seed: 11, Resolution: 1.3}
			runtime.GOMAXPROCS(1)
			want, err := analysis.Communities(context.Background(), g, opt)
			if err != nil {
				t.Fatal(err)
			}
			for c, next := int32(0), int32(0); c < int32(len(want.Of)); c++ {
				if want.Of[c] > next {
					t.Fatalf("%s %s: node %d in community %d before community %d appeared", name, alg, c, want.Of[c], next)
				}
				if want.Of[c] == next {
					next++
				}
			}
			for _, p := range []int{1, 2, 8} {
				runtime.GOMAXPROCS(p)
				for rep := range 3 {
					got, err := analysis.Communities(context.Background(), g, opt)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got.Of, want.Of) || got.Modularity != want.Modularity {
						t.Fatalf("%s %s GOMAXPROCS=%d run %d: a different partition", name, alg, p, rep)
					}
				}
			}
		}
	}
}

// TestModularityHand: two triangles joined by one edge, split in two:
// m = 7, L = 3 each, d = 7 each: Q = 2(3/7 − (7/14)²) = 5/14.
func TestModularityHand(t *testing.T) {
	b := analysis.NewBuilder(false)
	for _, e := range [][2]int32{{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}, {2, 3}} {
		b.Node(fmt.Sprint(e[0]))
		b.Node(fmt.Sprint(e[1]))
		b.Edge(e[0], e[1], 1, -1)
	}
	g := b.Build()
	got, err := analysis.Modularity(g, []int32{0, 0, 0, 1, 1, 1}, 1, false)
	if err != nil || math.Abs(got-5.0/14) > 1e-15 {
		t.Errorf("Modularity = %v, %v; want 5/14", got, err)
	}
	for _, alg := range analysis.CommunityAlgorithms {
		res, err := analysis.Communities(context.Background(), g, analysis.CommunityOptions{Algorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Of, []int32{0, 0, 0, 1, 1, 1}) || !slices.Equal(res.Sizes, []int{3, 3}) || math.Abs(res.Modularity-5.0/14) > 1e-15 {
			t.Errorf("%s: %+v, want the two triangles", alg, res)
		}
	}
}

func TestCommunitiesErrors(t *testing.T) {
	b := analysis.NewBuilder(false)
	b.Node("a")
	b.Node("b")
	b.Edge(0, 1, -2, -1)
	g := b.Build()
	ctx := context.Background()
	for name, err := range map[string]error{
		"ModularityLength":     second(analysis.Modularity(g, []int32{0}, 1, false)),
		"ModularityLabel":      second(analysis.Modularity(g, []int32{0, 2}, 1, false)),
		"ModularityResolution": second(analysis.Modularity(g, []int32{0, 1}, -1, false)),
		"NegativeWeight":       second(analysis.Communities(ctx, g, analysis.CommunityOptions{Weighted: true})),
		"Algorithm":            second(analysis.Communities(ctx, g, analysis.CommunityOptions{Algorithm: 9})),
		"Resolution":           second(analysis.Communities(ctx, g, analysis.CommunityOptions{Resolution: math.NaN()})),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	planted, _ := commPlanted(1, 2, 20, 0.5, 0.05)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, alg := range analysis.CommunityAlgorithms {
		if _, err := analysis.Communities(cancelled, planted, analysis.CommunityOptions{Algorithm: alg}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s on a cancelled context: %v, want context.Canceled", alg, err)
		}
	}
	empty := analysis.NewBuilder(false)
	empty.Node("x")
	empty.Node("y")
	res, err := analysis.Communities(ctx, empty.Build(), analysis.CommunityOptions{})
	if err != nil || !slices.Equal(res.Of, []int32{0, 1}) || res.Modularity != 0 {
		t.Errorf("no edges: %+v, %v; want singletons and modularity 0", res, err)
	}
	if q, err := analysis.Modularity(empty.Build(), res.Of, 1, false); err != nil || !math.IsNaN(q) {
		t.Errorf("Modularity with no edges = %v, %v; want NaN (undefined, as networkx)", q, err)
	}
}

func second[T any](_ T, err error) error { return err }
