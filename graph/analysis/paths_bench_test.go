package analysis

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/internal/testnet"
)

// The job scripts/bench-paths times: load a network, then answer k=10 Yen
// for a list of node pairs. PARTNERGRAPH_BENCH_INPUT and
// PARTNERGRAPH_BENCH_PAIRS (lines "s t" of node keys) choose the files;
// by default ca-hepth and 100 fixed-seed pairs of connected nodes.

func benchInput(b *testing.B) string {
	if in := os.Getenv("PARTNERGRAPH_BENCH_INPUT"); in != "" {
		return in
	}
	return testnet.Path(b, "ca-hepth.txt")
}

// benchPairs reads the pairs file, or picks 100 connected pairs with a
// fixed seed.
func benchPairs(b *testing.B, g *Graph) [][2]int32 {
	var out [][2]int32
	if f := os.Getenv("PARTNERGRAPH_BENCH_PAIRS"); f != "" {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if fs := strings.Fields(sc.Text()); len(fs) == 2 {
				out = append(out, [2]int32{g.Index(fs[0]), g.Index(fs[1])})
			}
		}
		return out
	}
	r := rand.New(rand.NewPCG(2026, 1))
	for len(out) < 100 {
		s, t := int32(r.IntN(g.N())), int32(r.IntN(g.N()))
		if p, _ := ShortestPath(context.Background(), g, s, t, PathOptions{}); p.Nodes != nil {
			out = append(out, [2]int32{s, t})
		}
	}
	return out
}

// BenchmarkPathsJob is one whole job per iteration: load, then k=10 Yen
// for every pair.
func BenchmarkPathsJob(b *testing.B) {
	in := benchInput(b)
	g0, _, err := plLoad(in)
	if err != nil {
		b.Fatal(err)
	}
	pairs := benchPairs(b, g0)
	var out []string
	paths, first := 0, true
	for b.Loop() {
		g, _, err := plLoad(in)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pairs {
			ps, err := KShortestPaths(context.Background(), g, p[0], p[1], 10, PathOptions{})
			if err != nil {
				b.Fatal(err)
			}
			paths += len(ps)
			if first {
				out = append(out, benchCosts(ps))
			}
		}
		first = false
	}
	if f := os.Getenv("PARTNERGRAPH_BENCH_OUT"); f != "" {
		if err := os.WriteFile(f, []byte(strings.Join(out, "")), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(paths)/float64(b.N), "paths/job")
}

// BenchmarkKShortestPaths times the searches alone, per pair.
func BenchmarkKShortestPaths(b *testing.B) {
	g, _, err := plLoad(benchInput(b))
	if err != nil {
		b.Fatal(err)
	}
	pairs := benchPairs(b, g)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		i++
		if _, err := KShortestPaths(context.Background(), g, p[0], p[1], 10, PathOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCosts formats path costs as networkx's side of bench-paths does.
func benchCosts(ps []Path) string {
	var f []string
	for _, p := range ps {
		f = append(f, strconv.Itoa(p.Hops()))
	}
	return strings.Join(f, " ") + "\n"
}
