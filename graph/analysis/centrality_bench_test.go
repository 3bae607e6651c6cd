package analysis_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// centBenchFiles are the datasets the betweenness benchmark runs on; override
// with PARTNERGRAPH_BENCH_FILES (comma-separated paths or dataset names).
func centBenchFiles(b *testing.B) []string {
	dir := testnet.Dir(b)
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
	for _, path := range centBenchFiles(b) {
		g, err := netfile.LoadGraph(path, false, false)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(path), func(b *testing.B) {
			cpu0 := centCPUTime()
			for b.Loop() {
				if _, err := analysis.Betweenness(context.Background(), g, analysis.BetweennessOptions{Normalized: true}); err != nil {
					b.Fatal(err)
				}
			}
			// The machine is shared: CPU time per run is steadier than wall time.
			b.ReportMetric(float64(centCPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkCentrality times the other centralities on ca-hepth, and sampled
// betweenness (100 sources), where each source is a chunk of its own.
func BenchmarkCentrality(b *testing.B) {
	g, err := netfile.LoadGraph(testnet.Path(b, "ca-hepth.txt"), false, false)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"EdgeBetweenness", func() error {
			_, err := analysis.EdgeBetweenness(ctx, g, analysis.BetweennessOptions{Normalized: true})
			return err
		}},
		{"BetweennessWeighted", func() error {
			_, err := analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Normalized: true, Weighted: true})
			return err
		}},
		{"BetweennessSampled", func() error {
			_, err := analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Normalized: true, Samples: 100, Seed: 1})
			return err
		}},
		{"Closeness", func() error {
			_, err := analysis.Closeness(ctx, g, analysis.ClosenessOptions{})
			return err
		}},
		{"Eigenvector", func() error {
			_, err := analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{})
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := centCPUTime()
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(centCPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestSnapshotMemory builds a snapshot of one million links (a random
// network of 200,000 nodes with skewed degrees) through the Builder, as a
// store would, with link identifiers, then runs sampled betweenness on it
// (exact betweenness at this size takes hours; sampling is what the service
// runs), and reports the heap the snapshot keeps and the peak heap in use
// (live data plus garbage not yet collected) while building and analysing.
// The budget is 200 MB.
func TestSnapshotMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million-link snapshot")
	}
	const nodes, links, budget = 200_000, 1_000_000, 200 << 20
	keys := make([]string, nodes)
	for i := range keys {
		keys[i] = fmt.Sprintf("actor-%06d", i)
	}
	base := centHeapInUse()
	peak := centTrackPeak()
	g := centBuildRandom(keys, links)
	buildPeak := peak() - base
	kept := centHeapInUse() - base
	peak = centTrackPeak()
	_, err := analysis.Betweenness(context.Background(), g, analysis.BetweennessOptions{Normalized: true, Samples: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	runPeak := peak() - base
	mb := func(b uint64) float64 { return float64(b) / (1 << 20) }
	t.Logf("snapshot of %d links (%d merged edges, %d nodes): %.1f MB kept; peak heap in use %.1f MB while building, %.1f MB during sampled betweenness (GOGC=%s); budget %d MB",
		links, len(g.Edges), g.N(), mb(kept), mb(buildPeak), mb(runPeak), cmp.Or(os.Getenv("GOGC"), "100"), budget>>20)
	if kept > budget || buildPeak > budget || runPeak > budget {
		t.Errorf("over the %d MB budget", budget>>20)
	}
	runtime.KeepAlive(keys)
	runtime.KeepAlive(g)
}

// centCPUTime returns the CPU time this process has used.
func centCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func centBuildRandom(keys []string, links int) *analysis.Graph {
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

func centHeapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// centTrackPeak samples the heap in use every millisecond until the returned
// function is called, which returns the highest value seen.
func centTrackPeak() func() uint64 {
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

// BenchmarkBetweennessWeighted times exact betweenness with lengths 1/Weight
// (Dijkstra) on ca-grqc, every edge weighing 1 or 2 so that paths tie.
func BenchmarkBetweennessWeighted(b *testing.B) {
	g, err := netfile.LoadGraph(testnet.Path(b, "ca-grqc.txt"), false, false)
	if err != nil {
		b.Fatal(err)
	}
	for i := range g.Edges {
		g.Edges[i].Weight = float64(1 + i%2)
	}
	cpu0 := centCPUTime()
	for b.Loop() {
		if _, err := analysis.Betweenness(context.Background(), g, analysis.BetweennessOptions{Normalized: true, Weighted: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(centCPUTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
