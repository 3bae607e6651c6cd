package analysis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

// benchFiles are the datasets the betweenness benchmark runs on; override
// with PARTNERGRAPH_BENCH_FILES (comma-separated paths or dataset names).
func benchFiles(b *testing.B) []string {
	dir := datasets(b)
	names := []string{"ca-grqc.txt", "ca-hepth.txt"}
	if env := os.Getenv("PARTNERGRAPH_BENCH_FILES"); env != "" {
		names = strings.Split(env, ",")
	}
	for i, n := range names {
		if !strings.ContainsRune(n, '/') {
			names[i] = filepath.Join(dir, n)
		}
	}
	return names
}

// BenchmarkBetweenness times exact unweighted betweenness (networkx's
// betweenness_centrality(G)) on the SNAP collaboration networks, on all
// GOMAXPROCS cores. scripts/bench-betweenness runs it next to networkx,
// igraph and graph-tool and prints the ratios.
func BenchmarkBetweenness(b *testing.B) {
	for _, path := range benchFiles(b) {
		g, err := netfile.LoadGraph(path, false, false)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(path), func(b *testing.B) {
			b.ReportMetric(float64(g.N()), "nodes")
			for b.Loop() {
				if _, err := analysis.Betweenness(context.Background(), g, analysis.BetweennessOptions{Normalized: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCentrality times the other centralities on ca-hepth.
func BenchmarkCentrality(b *testing.B) {
	g, err := netfile.LoadGraph(filepath.Join(datasets(b), "ca-hepth.txt"), false, false)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("EdgeBetweenness", func(b *testing.B) {
		for b.Loop() {
			analysis.EdgeBetweenness(ctx, g, analysis.BetweennessOptions{Normalized: true})
		}
	})
	b.Run("BetweennessWeighted", func(b *testing.B) {
		for b.Loop() {
			analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Normalized: true, Weighted: true})
		}
	})
	b.Run("Closeness", func(b *testing.B) {
		for b.Loop() {
			analysis.Closeness(ctx, g, analysis.ClosenessOptions{})
		}
	})
	b.Run("Eigenvector", func(b *testing.B) {
		for b.Loop() {
			analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{})
		}
	})
}

// TestSnapshotMemory builds a snapshot of one million links (a random
// collaboration-like network: 200,000 nodes, degrees skewed) through the
// Builder, as a store would, with link identifiers, then runs sampled
// betweenness on it, and reports the heap the snapshot keeps and the peak
// heap while building and analysing. The budget is 200 MB.
func TestSnapshotMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million-link snapshot")
	}
	const nodes, links, budget = 200_000, 1_000_000, 200 << 20
	keys := make([]string, nodes)
	for i := range keys {
		keys[i] = fmt.Sprintf("actor-%06d", i)
	}
	base := heapInUse()
	peak := trackPeak()
	g := buildRandom(keys, links)
	kept := heapInUse() - base
	_, err := analysis.Betweenness(context.Background(), g, analysis.BetweennessOptions{Normalized: true, Samples: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	high := peak() - base
	t.Logf("snapshot of %d links, %d merged edges, %d nodes: %.1f MB kept, %.1f MB peak heap (build and sampled betweenness); budget %d MB",
		links, len(g.Edges), g.N(), float64(kept)/(1<<20), float64(high)/(1<<20), budget>>20)
	if kept > budget || high > budget {
		t.Errorf("over the %d MB budget", budget>>20)
	}
	runtime.KeepAlive(keys)
	runtime.KeepAlive(g)
}

func buildRandom(keys []string, links int) *analysis.Graph {
	r := rand.New(rand.NewPCG(1, 2))
	b := analysis.NewBuilder(false)
	for _, k := range keys {
		b.Node(k)
	}
	n := len(keys)
	for l := range links {
		// A quadratic bias gives a few hubs and many low-degree nodes.
		u := int32(r.Float64() * r.Float64() * float64(n))
		v := int32(r.IntN(n))
		b.Edge(u, v, 1+float64(r.IntN(5)), int32(l))
	}
	return b.Build()
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// trackPeak samples the heap in use every millisecond until the returned
// function is called, which returns the highest value seen.
func trackPeak() func() uint64 {
	var high atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > high.Load() {
				high.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(stop)
		wg.Wait()
		return high.Load()
	}
}
