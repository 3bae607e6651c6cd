package neo4j_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// BenchmarkApply bulk-loads a synthetic network through Apply in batches and
// reports links per second:
//
//	scripts/neo4j start
//	go test -run '^$' -bench Apply -benchtime 1x ./graph/neo4j
//
// Load: NEO4J_BENCH_LINKS links (default 100,000) between a fifth as many
// actors, every seventh link brokered, every tenth in one of 50 programmes,
// in batches of NEO4J_BENCH_BATCH links (default 5,000) carrying the actors
// they first mention. Reapply: the same batches again, all unchanged (an
// idempotent re-import).
func BenchmarkApply(b *testing.B) {
	s := neo4jtest.Open(b)
	nLinks, size := envInt("NEO4J_BENCH_LINKS", 100_000), envInt("NEO4J_BENCH_BATCH", 5_000)
	batches := synthetic(nLinks, size)
	ctx := context.Background()
	load := func(b *testing.B, want func(*graph.ApplyResult) bool) {
		for _, bt := range batches {
			res, err := graph.Apply(ctx, s, bt)
			if err != nil {
				b.Fatal(err)
			}
			if !want(res) {
				b.Fatalf("apply result %+v", res)
			}
		}
	}
	b.Run("Load", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if err := neo4jtest.Wipe(ctx, neo4jtest.Config()); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			load(b, func(r *graph.ApplyResult) bool { return r.Updated == 0 && r.Unchanged == 0 })
		}
		b.ReportMetric(float64(nLinks*b.N)/b.Elapsed().Seconds(), "links/s")
	})
	b.Run("Reapply", func(b *testing.B) {
		for range b.N {
			load(b, func(r *graph.ApplyResult) bool { return r.Created == 0 && r.Updated == 0 })
		}
		b.ReportMetric(float64(nLinks*b.N)/b.Elapsed().Seconds(), "links/s")
	})
	p, err := s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		b.Fatal(err)
	}
	if p.TotalCount != nLinks {
		b.Errorf("store holds %d links, want %d", p.TotalCount, nLinks)
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// synthetic returns batches of size links with the actors and programmes
// they mention first, from a fixed seed.
func synthetic(nLinks, size int) []*graph.Batch {
	rng := rand.New(rand.NewPCG(1, 2))
	nActors := max(nLinks/5, 3)
	actorID := func(i int) string { return graph.NewID(graph.KindActor, fmt.Sprintf("a%06d", i)) }
	progID := func(i int) string { return graph.NewID(graph.KindProgramme, fmt.Sprintf("prog%02d", i)) }
	seen := make([]bool, nActors)
	var batches []*graph.Batch
	var bt *graph.Batch
	mention := func(i int) string {
		if !seen[i] {
			seen[i] = true
			a := &graph.Actor{Key: fmt.Sprintf("a%06d", i), Kind: graph.KindPerson, Name: fmt.Sprintf("Person %d", i), Title: "Dr"}
			if i%3 == 0 {
				a = &graph.Actor{Key: fmt.Sprintf("a%06d", i), Kind: graph.KindOrganisation, Name: fmt.Sprintf("Organisation %d", i),
					OrgType: graph.OrgTypes[i%len(graph.OrgTypes)], Sector: "Sector " + strconv.Itoa(i%7), Region: "Region " + strconv.Itoa(i%5)}
			}
			bt.Actors = append(bt.Actors, a)
		}
		return actorID(i)
	}
	for i := range nLinks {
		if i%size == 0 {
			bt = &graph.Batch{}
			batches = append(batches, bt)
			if i == 0 {
				for p := range 50 {
					bt.Programmes = append(bt.Programmes, &graph.Programme{Key: fmt.Sprintf("prog%02d", p), Name: fmt.Sprintf("Programme %d", p),
						Start: graph.MustDate("2018-01-01").AddDays(p * 30), Tags: []string{"bench"}})
				}
			}
		}
		src := rng.IntN(nActors)
		dst := (src + 1 + rng.IntN(nActors-1)) % nActors
		l := &graph.Link{Key: fmt.Sprintf("l%07d", i), Type: graph.LinkTypes[i%len(graph.LinkTypes)],
			SourceID: mention(src), TargetID: mention(dst), Directed: i%2 == 0, Weight: 1 + float64(rng.IntN(5)),
			Interval: graph.Interval{From: graph.MustDate("2015-01-01").AddDays(rng.IntN(3000))},
			Evidence: graph.Evidence{Source: "bench", Quote: "link " + strconv.Itoa(i)}}
		if i%7 == 0 {
			if br := rng.IntN(nActors); br != src && br != dst {
				l.BrokeredByID = mention(br)
			}
		}
		if i%10 == 0 {
			l.ProgrammeID = progID(rng.IntN(50))
		}
		bt.Links = append(bt.Links, l)
	}
	return batches
}
