package insight_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/internal/cputime"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

// BenchmarkAfterWrite times what a query costs right after a single write
// (a link's weight changed) on a network in the embedded store — ca-HepTh
// by default, or the file PARTNERGRAPH_BENCH_NETWORK names — timing only
// the query:
//
//   - follow: the cache brings its base network up to date from the
//     change log, then projects the scope (what the service does now);
//   - rescan: a cache with no base network to follow scans the store, then
//     projects — what the cache did after every write before the change log;
//   - unchanged: no write, the snapshot is cached (the floor).
//
// Besides wall time it reports the process's CPU time per query, which a
// busy machine disturbs less. Run it with scripts/bench-after-write, which
// prints the ratios.
func BenchmarkAfterWrite(b *testing.B) {
	path := os.Getenv("PARTNERGRAPH_BENCH_NETWORK")
	if path == "" {
		path = testnet.Path(b, "ca-hepth.txt")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := netfile.Import(ctx, st, []netfile.Source{netfile.FileSource(path)}, netfile.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	links, err := st.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		b.Fatal(err)
	}
	edited := links.Items[0]
	weight := 1.0
	write := func(b *testing.B) {
		weight = 3 - weight // 1, 2, 1, …: every write changes the link
		if _, err := st.UpdateLink(ctx, graph.LinkUpdate{ID: edited.ID, Weight: &weight}); err != nil {
			b.Fatal(err)
		}
	}
	cache := snapshot.NewCache(st, snapshot.CacheOptions{})
	q := pathQuery(b, ctx, cache)

	for _, mode := range []string{"unchanged", "follow", "rescan"} {
		// prepare makes the write (if any) and returns the cache the query asks.
		prepare := func(b *testing.B) *snapshot.Cache {
			switch mode {
			case "follow":
				write(b)
			case "rescan":
				write(b)
				return snapshot.NewCache(st, snapshot.CacheOptions{})
			}
			return cache
		}
		b.Run("get/"+mode, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				c := prepare(b)
				b.StartTimer()
				start := cputime.Process()
				if _, err := c.Get(ctx, graph.Scope{}); err != nil {
					b.Fatal(err)
				}
				cpu += cputime.Process() - start
			}
			reportCPU(b, cpu)
		})
		b.Run("path/"+mode, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				sv := &insight.Service{Snapshots: prepare(b)}
				b.StartTimer()
				start := cputime.Process()
				if ps, err := sv.KnowledgePaths(ctx, q); err != nil || len(ps) == 0 {
					b.Fatalf("paths: %d, %v", len(ps), err)
				}
				cpu += cputime.Process() - start
			}
			reportCPU(b, cpu)
		})
	}
}

// reportCPU reports the process's CPU time per query: on a machine busy
// with other work, wall time mostly measures the wait for a core.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// pathQuery returns a query for the shortest path between the first node
// and the first node, by key, at least four hops from it.
func pathQuery(b *testing.B, ctx context.Context, cache *snapshot.Cache) insight.PathQuery {
	s, err := cache.Get(ctx, graph.Scope{})
	if err != nil {
		b.Fatal(err)
	}
	sv := &insight.Service{Snapshots: cache}
	for _, to := range s.Actors[1:] {
		q := insight.PathQuery{From: s.Actors[0].ID, To: to.ID, K: 1, MaxHops: insight.MaxHops}
		if ps, err := sv.KnowledgePaths(ctx, q); err == nil && len(ps) > 0 && ps[0].Cost >= 4 {
			return q
		}
	}
	b.Fatal("no pair four hops apart")
	return insight.PathQuery{}
}
