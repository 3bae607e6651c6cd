package server

import (
	"context"
	"sync"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/rs/zerolog"
)

// warmer runs the start-up preparation (warmMap) until it ends or the
// server closes: Close stops it and waits, so that it never reads a store
// its owner closes next.
type warmer struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newWarmer() *warmer {
	ctx, cancel := context.WithTimeout(context.Background(), insight.LayoutBudget*2)
	return &warmer{ctx: ctx, cancel: cancel}
}

func (w *warmer) start(f func(context.Context)) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer w.cancel()
		f(w.ctx)
	}()
}

func (w *warmer) stop() {
	w.cancel()
	w.wg.Wait()
}

// warmMap computes, off the request path, what the explorer's first
// opening of the whole network waits for: its layout (kept with the
// snapshot, as networkGraph computes it) and then its betweenness (kept by
// the background engine, as brokers computes it). One after the other, so
// that the layout, which the map waits for, has the cores first. The first
// opening after a start, such as after an import, then finds them done or
// under way rather than starting them. A failure (a network beyond
// networkGraph's bounds, say) only leaves them to that opening.
func warmMap(ctx context.Context, log zerolog.Logger, snaps insight.Snapshots, bg *insight.Background, q insight.GraphQuery) {
	s, err := snaps.Get(ctx, graph.Scope{})
	if err == nil {
		_, err = insight.NetworkGraph(ctx, s, q)
	}
	if err == nil {
		_, err = bg.Scores(ctx, graph.Scope{}, insight.Betweenness, insight.BySector, insight.Latest)
	}
	if err != nil {
		log.Info().Err(err).Msg("map not prepared at start: the first opening computes it")
	}
}
