package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// snapshotBench builds the whole network's snapshot from a Neo4j store
// both ways — the consistent Scan, which holds the write lock, and the
// fuzzy scan with the change log's replay — while a writer renames one
// actor every --every, and prints each build's time and how long the
// writes took during it, against the same writes with no build running.
// It changes one actor's name and sets it back at the end.
func snapshotBench(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("snapshot", flag.ExitOnError)
	uri := fl.String("neo4j-uri", "", "Bolt URI of the Neo4j holding the network (required)")
	runs := fl.Int("runs", 2, "builds of each kind, alternating")
	every := fl.Duration("every", 100*time.Millisecond, "interval between the writer's writes")
	fl.Parse(args)
	if *uri == "" {
		return fmt.Errorf("snapshot: --neo4j-uri is required")
	}
	st, err := neo4j.Open(ctx, neo4j.Config{URI: *uri})
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 1})
	if err != nil || len(p.Items) == 0 {
		return fmt.Errorf("snapshot: no actor to write to (%v)", err)
	}
	a := p.Items[0]
	defer st.UpdateActor(context.WithoutCancel(ctx), graph.ActorUpdate{ID: a.ID, Name: &a.Name})
	w := &renamer{st: st, id: a.ID, name: a.Name}

	idle := w.during(ctx, *every, func() { time.Sleep(20 * *every) })
	fmt.Printf("writes with no build: %s\n", idle)
	builds := []struct {
		name  string
		store graph.Store
	}{
		{"consistent Scan (write lock)", struct{ graph.Store }{st}}, // hides FuzzyScan
		{"fuzzy scan + log replay", st},
	}
	for r := range *runs {
		for _, b := range builds {
			var took time.Duration
			var s *snapshot.Snapshot
			var berr error
			ws := w.during(ctx, *every, func() {
				start := time.Now()
				s, berr = snapshot.Build(ctx, b.store, graph.Scope{})
				took = time.Since(start)
			})
			if berr != nil {
				return fmt.Errorf("snapshot: %s: %w", b.name, berr)
			}
			fmt.Printf("run %d, %-29s build %6.2fs (%d actors, %d links, version %d); writes during it: %s\n",
				r+1, b.name, took.Seconds(), len(s.Actors), len(s.Links), s.Version, ws)
		}
	}
	return w.err
}

// renamer renames one actor, timing each write.
type renamer struct {
	st   graph.Store
	id   string
	name string
	n    int
	err  error
}

// latencies summarises write times.
type latencies []time.Duration

func (l latencies) String() string {
	if len(l) == 0 {
		return "none"
	}
	s := slices.Sorted(slices.Values(l))
	return fmt.Sprintf("%d, median %s, max %s", len(s), s[len(s)/2].Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond))
}

// during runs fn while writing every interval (a write that takes longer
// delays the next), and returns the writes' times.
func (w *renamer) during(ctx context.Context, every time.Duration, fn func()) latencies {
	done := make(chan struct{})
	var out latencies
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			w.n++
			name := fmt.Sprintf("%s (%d)", w.name, w.n)
			start := time.Now()
			if _, err := w.st.UpdateActor(ctx, graph.ActorUpdate{ID: w.id, Name: &name}); err != nil && w.err == nil {
				w.err = err
			}
			out = append(out, time.Since(start))
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return out
}
