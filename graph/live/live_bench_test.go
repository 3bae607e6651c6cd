package live_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// BenchmarkWriteWithSubscribers times one write (an actor's update on the
// embedded store, followed by Notify as the server does) with 0, 1 and 100
// subscribers draining their changes: writers never wait for subscribers,
// so what grows is only the hub's reading and fan-out competing for the CPU.
// Compare the three ns/op of one run.
func BenchmarkWriteWithSubscribers(b *testing.B) {
	for _, n := range []int{0, 1, 100} {
		b.Run(fmt.Sprint("subscribers=", n), func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			a, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindPerson, Key: "p", Name: "p"})
			if err != nil {
				b.Fatal(err)
			}
			h := live.New(s, live.Options{Queue: 1 << 16})
			defer h.Close()
			sctx, cancel := context.WithCancel(ctx)
			defer cancel()
			for range n {
				sub, err := h.Subscribe(sctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				go func() {
					for range sub.C {
					}
				}()
			}
			b.ResetTimer()
			for i := range b.N {
				name := fmt.Sprint("p", i)
				if _, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: a.ID, Name: &name}); err != nil {
					b.Fatal(err)
				}
				h.Notify()
			}
		})
	}
}
