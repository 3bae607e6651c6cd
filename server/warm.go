package server

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/rs/zerolog"
)

// warmMap computes, off the request path, what the explorer's first
// opening of the whole network waits for: its layout (kept with the
// snapshot, as networkGraph computes it) and then its betweenness (kept by
// the background engine, as brokers computes it). One after the other, so
// that the layout, which the map waits for, has the cores first. The first
// opening after a start, such as after an import, then finds them done or
// under way rather than starting them. A failure (a network beyond
// networkGraph's bounds, say) only leaves them to that opening.
func warmMap(log zerolog.Logger, snaps insight.Snapshots, bg *insight.Background, q insight.GraphQuery) {
	ctx, cancel := context.WithTimeout(context.Background(), insight.LayoutBudget*2)
	defer cancel()
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
