package insight

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"
)

// SeriesPoint is one period of a series: its window and the network summary of the scope
// over that window.
type SeriesPoint struct {
	graph.Interval
	*Summary
}

// Series summarises scope over each window w chooses (see
// Windowing.Windows); scope's own window is replaced by each period's. Each summary is the one networkSummary
// gives for that window's scope, served by b with consistency c, so a
// dashboard polling a series reuses what the background engine keeps.
func (b *Background) Series(ctx context.Context, w Windowing, scope graph.Scope, c Consistency) ([]SeriesPoint, error) {
	ws, err := w.Windows()
	if err != nil {
		return nil, err
	}
	out := make([]SeriesPoint, len(ws))
	for i, win := range ws {
		scope.Window = win
		sm, err := b.Summary(ctx, scope, c)
		if err != nil {
			return nil, err
		}
		out[i] = SeriesPoint{Interval: win, Summary: sm}
	}
	return out, nil
}
