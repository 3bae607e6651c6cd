package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// detAnalytic is one parallel analytic, run with a given worker count (0 =
// GOMAXPROCS) and flattened to a vector of numbers for bitwise comparison.
// Analytics without a Workers option run on GOMAXPROCS workers.
type detAnalytic struct {
	name    string
	workers bool // takes a worker count; otherwise only GOMAXPROCS varies
	run     func(ctx context.Context, workers int) ([]float64, error)
}

func detAnalytics(g *Graph) []detAnalytic {
	groups := make([]string, g.N())
	for v := range groups {
		if v%7 != 0 { // every seventh node unlabelled: a group of its own
			groups[v] = fmt.Sprint("g", v%4)
		}
	}
	bc := func(opt BetweennessOptions) func(context.Context, int) ([]float64, error) {
		return func(ctx context.Context, w int) ([]float64, error) {
			opt.Workers = w
			return Betweenness(ctx, g, opt)
		}
	}
	eb := func(opt BetweennessOptions) func(context.Context, int) ([]float64, error) {
		return func(ctx context.Context, w int) ([]float64, error) {
			opt.Workers = w
			return EdgeBetweenness(ctx, g, opt)
		}
	}
	cl := func(weighted bool) func(context.Context, int) ([]float64, error) {
		return func(ctx context.Context, w int) ([]float64, error) {
			return Closeness(ctx, g, ClosenessOptions{Weighted: weighted, Workers: w})
		}
	}
	return []detAnalytic{
		{"Betweenness", true, bc(BetweennessOptions{Normalized: true})},
		{"BetweennessWeighted", true, bc(BetweennessOptions{Weighted: true})},
		{"BetweennessSampled", true, bc(BetweennessOptions{Samples: g.N() / 3, Seed: 5})},
		{"BetweennessSources", true, bc(BetweennessOptions{Sources: []int32{3, 1, 4, 15, 9, 2, 6}})},
		{"EdgeBetweenness", true, eb(BetweennessOptions{Normalized: true})},
		{"EdgeBetweennessWeighted", true, eb(BetweennessOptions{Weighted: true})},
		{"EdgeBetweennessSampled", true, eb(BetweennessOptions{Samples: g.N() / 3, Seed: 5, Weighted: true})},
		{"BetweennessKadabra", true, func(ctx context.Context, w int) ([]float64, error) {
			bc, _, err := BetweennessKadabra(ctx, g, KadabraOptions{Epsilon: 0.05, Delta: 0.1, Seed: 9, Workers: w})
			return bc, err
		}},
		{"Closeness", true, cl(false)},
		{"ClosenessWeighted", true, cl(true)},
		{"Eigenvector", false, func(ctx context.Context, _ int) ([]float64, error) {
			return Eigenvector(ctx, g, EigenvectorOptions{Weighted: true})
		}},
		{"StructuralHoles", false, func(ctx context.Context, _ int) ([]float64, error) {
			h, err := StructuralHoles(ctx, g, HolesOptions{Weighted: true})
			if err != nil {
				return nil, err
			}
			out := append(append(append([]float64{}, h.Constraint...), h.EffectiveSize...), h.Efficiency...)
			for _, d := range h.Defined {
				out = append(out, float64(detBool(d)))
			}
			return out, nil
		}},
		{"Brokerage", false, func(ctx context.Context, _ int) ([]float64, error) {
			r, err := Brokerage(ctx, g, groups)
			if err != nil {
				return nil, err
			}
			var out []float64
			for v := range r.Raw {
				for role := range numBrokerRoles {
					out = append(out, float64(r.Raw[v][role]), r.Z[v][role])
				}
			}
			return out, nil
		}},
		{"RemovalImpact", false, func(ctx context.Context, _ int) ([]float64, error) {
			im, err := RemovalImpact(ctx, g, []int32{0, 2, 5})
			if err != nil {
				return nil, err
			}
			out := []float64{float64(im.DisconnectedPairs), float64(im.ConnectedPairs), im.DistanceBefore, im.DistanceAfter,
				float64(im.After.Components), float64(im.After.UnreachablePairs), im.After.LargestShare}
			for _, v := range im.Isolated {
				out = append(out, float64(v))
			}
			return out, nil
		}},
	}
}

func detBool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestParallelDeterminism runs every parallel analytic many times with
// 1, 2, 3, 4, 7 and 16 workers (and the default, GOMAXPROCS) under several
// GOMAXPROCS settings, while other goroutines burn CPU so that the workers
// are descheduled at random, and requires every result to be bit for bit
// the one a single worker gives. The graphs are big enough for many work
// chunks and full of ties, twins and leaves (see centRandomGraph).
func TestParallelDeterminism(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	detBurnCPU(t, 2)
	ctx := context.Background()
	reps := 3
	if testing.Short() {
		reps = 1
	}
	workers := []int{1, 2, 3, 4, 7, 16, 0}
	procs := []int{1, 2, 3, 8}
	for _, directed := range []bool{false, true} {
		g := centRandomGraph(23, 400, 1400, directed)
		for _, a := range detAnalytics(g) {
			t.Run(fmt.Sprintf("%s/directed=%v", a.name, directed), func(t *testing.T) {
				runtime.GOMAXPROCS(1)
				want, err := a.run(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				ws := workers
				if !a.workers {
					ws = []int{0}
				}
				for rep := range reps {
					for i, w := range ws {
						p := procs[(i+rep)%len(procs)]
						if !a.workers {
							p = procs[rep%len(procs)]
						}
						runtime.GOMAXPROCS(p)
						got, err := a.run(ctx, w)
						if err != nil {
							t.Fatal(err)
						}
						detSameBits(t, fmt.Sprintf("workers=%d GOMAXPROCS=%d run %d", w, p, rep), got, want)
					}
				}
			})
		}
	}
}

// detSameBits fails unless got and want hold the same float64 bit patterns.
func detSameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: value %d is %.17g, want %.17g as with one worker", what, i, got[i], want[i])
		}
	}
}

// detBurnCPU keeps n goroutines spinning until the test ends, so that the
// analytics' workers compete for processors and are preempted at random.
func detBurnCPU(t *testing.T, n int) {
	var stop atomic.Bool
	var sink atomic.Uint64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			x := uint64(i + 1)
			for !stop.Load() {
				for range 1 << 12 {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
			sink.Add(x)
		})
	}
	t.Cleanup(func() {
		stop.Store(true)
		wg.Wait()
	})
}

// TestCentralitySumOrder checks the reduction itself: whatever the worker
// count, centralitySum adds the tasks in order within fixed chunks and the
// chunks in order, even when the first chunk finishes after all the others
// that fit in the buffer pool (it waits for the last of them to start).
// The values span sixty binary orders of magnitude, so any other order of
// additions gives other bits.
func TestCentralitySumOrder(t *testing.T) {
	const tasks = 1000
	x := func(i int) float64 { return math.Ldexp(1+float64(i%13)/3, (i*7)%60-30) }
	chunk := centralityChunkSize(tasks)
	var want, flat [2]float64
	for lo := 0; lo < tasks; lo += chunk {
		var part [2]float64
		for i := lo; i < min(lo+chunk, tasks); i++ {
			part[0] += x(i)
			part[1] -= 3 * x(i)
			flat[0] += x(i)
		}
		want[0] += part[0]
		want[1] += part[1]
	}
	if flat[0] == want[0] {
		t.Fatal("the test values give the same sum in any order: choose others")
	}
	for _, workers := range []int{1, 2, 3, 4, 7, 16} {
		gate := make(chan struct{})
		last := (2*workers - 1) * chunk // the first task of the last chunk that can start while chunk 0 holds its buffer
		got, err := centralitySum(context.Background(), tasks, workers, 2, func(_, i int, acc []float64) {
			switch {
			case workers == 1:
			case i == 0:
				<-gate
			case i == last:
				close(gate)
			}
			acc[0] += x(i)
			acc[1] -= 3 * x(i)
		})
		if err != nil {
			t.Fatal(err)
		}
		detSameBits(t, fmt.Sprintf("workers=%d", workers), got, want[:])
	}
}

// TestCentralitySumCancel cancels the context while chunk 0 holds up the
// reduction and the other workers wait for buffers: every worker must stop
// and the error must be the context's.
func TestCentralitySumCancel(t *testing.T) {
	const tasks, workers = 1000, 3
	ctx, cancel := context.WithCancel(context.Background())
	gate := make(chan struct{})
	last := (2*workers - 1) * centralityChunkSize(tasks)
	_, err := centralitySum(ctx, tasks, workers, 1, func(_, i int, acc []float64) {
		switch i {
		case 0:
			<-gate
		case last:
			cancel()
			close(gate)
		}
		acc[0]++
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
