package analysis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// Reference values: networkx's, for every network in testnet.Networks, written by
// scripts/reference/centrality.py to testdata/reference/centrality_*.json.
// Every node (and edge) must match as testnet.Near says.

type centReference struct {
	Dataset  string
	Directed bool
	Weighted bool
	Nodes    int
	Edges    int

	Betweenness              map[string]float64
	BetweennessWeighted      map[string]float64 `json:"betweenness_weighted"`
	EdgeBetweenness          []centEdgeValue    `json:"edge_betweenness"`
	EdgeBetweennessWeighted  []centEdgeValue    `json:"edge_betweenness_weighted"`
	Degree                   map[string]float64
	Harmonic                 map[string]float64
	HarmonicWeighted         map[string]float64 `json:"harmonic_weighted"`
	Eigenvector              centEigenReference
	EigenvectorWeighted      *centEigenReference `json:"eigenvector_weighted"`
	EigenvectorExact         centEigenReference  `json:"eigenvector_exact"`
	EigenvectorExactWeighted *centEigenReference `json:"eigenvector_exact_weighted"`
	Sampled                  *centSampledReference
	SampledWeighted          *centSampledReference `json:"sampled_weighted"`
}

type centEigenReference struct {
	Values  map[string]float64
	Error   string // networkx's exception, e.g. PowerIterationFailedConvergence
	Skipped string // why no exact vector: it is not unique
}

type centSampledReference struct {
	K               int
	Seed            int
	Sources         []string
	Betweenness     map[string]float64
	EdgeBetweenness []centEdgeValue `json:"edge_betweenness"`
}

// centEdgeValue is a row [u, v, value] with u < v for undirected graphs.
type centEdgeValue struct {
	U, V  string
	Value float64
}

func (e *centEdgeValue) UnmarshalJSON(b []byte) error {
	var row [3]json.RawMessage
	if err := json.Unmarshal(b, &row); err != nil {
		return err
	}
	return errors.Join(json.Unmarshal(row[0], &e.U), json.Unmarshal(row[1], &e.V), json.Unmarshal(row[2], &e.Value))
}

// centReferenceFiles lists the reference file of every network: listed, not
// globbed, so a file that disappears fails the test.
func centReferenceFiles() []string {
	var files []string
	for _, name := range testnet.Names() {
		files = append(files, filepath.Join("testdata", "reference", "centrality_"+name+".json"))
	}
	return files
}

func centReadReference(t *testing.T, file string) (*centReference, *analysis.Graph) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var ref centReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	g, err := netfile.LoadGraph(testnet.Path(t, ref.Dataset), false, ref.Weighted)
	if err != nil {
		t.Fatal(err)
	}
	if g.N() != ref.Nodes || g.Directed != ref.Directed {
		t.Fatalf("%s: loaded n=%d directed=%v, networkx n=%d directed=%v", ref.Dataset, g.N(), g.Directed, ref.Nodes, ref.Directed)
	}
	return &ref, g
}

func TestCentralityReference(t *testing.T) {
	for _, file := range centReferenceFiles() {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "centrality_"), ".json")
		t.Run(name, func(t *testing.T) {
			ref, g := centReadReference(t, file)
			centCheckBetweenness(t, g, ref)
			t.Run("Degree", func(t *testing.T) { centCompareNodes(t, g, analysis.Degree(g), ref.Degree) })
			t.Run("Harmonic", func(t *testing.T) {
				got, err := analysis.Closeness(context.Background(), g, analysis.ClosenessOptions{})
				centMust(t, err)
				centCompareNodes(t, g, got, ref.Harmonic)
			})
			if ref.Weighted {
				t.Run("HarmonicWeighted", func(t *testing.T) {
					got, err := analysis.Closeness(context.Background(), g, analysis.ClosenessOptions{Weighted: true})
					centMust(t, err)
					centCompareNodes(t, g, got, ref.HarmonicWeighted)
				})
			}
			t.Run("Eigenvector", func(t *testing.T) { centCheckEigenvector(t, g, false, ref.Eigenvector, ref.EigenvectorExact) })
			if ref.Weighted {
				t.Run("EigenvectorWeighted", func(t *testing.T) {
					centCheckEigenvector(t, g, true, *ref.EigenvectorWeighted, *ref.EigenvectorExactWeighted)
				})
			}
		})
	}
}

func centCheckBetweenness(t *testing.T, g *analysis.Graph, ref *centReference) {
	ctx := context.Background()
	type variant struct {
		name  string
		opt   analysis.BetweennessOptions
		nodes map[string]float64
		edges []centEdgeValue
	}
	vs := []variant{{"Betweenness", analysis.BetweennessOptions{Normalized: true}, ref.Betweenness, ref.EdgeBetweenness}}
	if ref.Weighted {
		vs = append(vs, variant{"BetweennessWeighted", analysis.BetweennessOptions{Normalized: true, Weighted: true},
			ref.BetweennessWeighted, ref.EdgeBetweennessWeighted})
	}
	for i, s := range []*centSampledReference{ref.Sampled, ref.SampledWeighted} {
		if s == nil {
			continue
		}
		opt := analysis.BetweennessOptions{Normalized: true, Weighted: i == 1}
		for _, key := range s.Sources {
			opt.Sources = append(opt.Sources, g.Index(key))
		}
		vs = append(vs, variant{fmt.Sprintf("Sampled%s/k=%d", map[bool]string{true: "Weighted"}[i == 1], s.K),
			opt, s.Betweenness, s.EdgeBetweenness})
	}
	for _, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			got, err := analysis.Betweenness(ctx, g, v.opt)
			centMust(t, err)
			centCompareNodes(t, g, got, v.nodes)
			eb, err := analysis.EdgeBetweenness(ctx, g, v.opt)
			centMust(t, err)
			centCompareEdges(t, g, eb, v.edges)
		})
	}
}

// centCheckEigenvector compares networkx's defaults with networkx's power
// iteration, and a tight tolerance with the exact (ARPACK) eigenvector.
func centCheckEigenvector(t *testing.T, g *analysis.Graph, weighted bool, power, exact centEigenReference) {
	ctx := context.Background()
	got, err := analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{Weighted: weighted})
	switch {
	case power.Error != "":
		if !errors.Is(err, analysis.ErrNotConverged) {
			t.Errorf("networkx: %s; got error %v, want ErrNotConverged", power.Error, err)
		}
	default:
		centMust(t, err)
		centCompareNodes(t, g, got, power.Values)
	}
	if exact.Values == nil {
		t.Logf("no exact vector: %s", exact.Skipped)
		return
	}
	got, err = analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{Weighted: weighted, Tol: 1e-15, MaxIter: 100000})
	centMust(t, err)
	// Both vectors are accurate norm-wise, not entry by entry: the iteration
	// stops once the L1 change is below n·Tol (1e-11 on ca-hepth) and
	// ARPACK's residual is relative to the norm, so tiny entries differ by
	// about 1e-12. Entries of these unit vectors are compared to an
	// absolute centEigenTol.
	centCompareNodesWithin(t, g, got, exact.Values, func(got, want float64) bool {
		return math.Abs(got-want) <= centEigenTol
	})
}

// centEigenTol bounds the entry-wise difference from the exact (ARPACK)
// eigenvector of unit norm; the differences seen are below 2e-12.
const centEigenTol = 1e-10

func centMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func centCompareNodes(t *testing.T, g *analysis.Graph, got []float64, want map[string]float64) {
	t.Helper()
	centCompareNodesWithin(t, g, got, want, testnet.Near)
}

func centCompareNodesWithin(t *testing.T, g *analysis.Graph, got []float64, want map[string]float64, close func(got, want float64) bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values, want %d", len(got), len(want))
	}
	bad := 0
	for i, key := range g.Keys {
		w, ok := want[key]
		if !ok {
			t.Fatalf("node %q not in reference", key)
		}
		if !close(got[i], w) {
			if bad++; bad <= 5 {
				t.Errorf("node %q: got %.17g, want %.17g (diff %.3g)", key, got[i], w, got[i]-w)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d of %d nodes differ", bad, len(got))
	}
}

func centCompareEdges(t *testing.T, g *analysis.Graph, got []float64, want []centEdgeValue) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d edges, want %d", len(got), len(want))
	}
	idx := make(map[[2]string]float64, len(want))
	for _, e := range want {
		idx[[2]string{e.U, e.V}] = e.Value
	}
	var bad []string
	for i, e := range g.Edges {
		u, v := g.Keys[e.U], g.Keys[e.V]
		if !g.Directed && v < u {
			u, v = v, u
		}
		w, ok := idx[[2]string{u, v}]
		if !ok {
			t.Fatalf("edge %q-%q not in reference", u, v)
		}
		if !testnet.Near(got[i], w) {
			bad = append(bad, fmt.Sprintf("edge %q-%q: got %.17g, want %.17g", u, v, got[i], w))
		}
	}
	sort.Strings(bad)
	for i, b := range bad {
		if i == 5 {
			t.Errorf("%d of %d edges differ", len(bad), len(got))
			break
		}
		t.Error(b)
	}
}
