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

// Series summarises scope over each window of p covering from..to (see
// Windows: at most MaxWindows, else EINVALID on "to"); scope's own window
// is replaced by each period's. Each summary is the one networkSummary
// gives for that window's scope, served by b with consistency c, so a
// dashboard polling a series reuses what the background engine keeps.
func (b *Background) Series(ctx context.Context, from, to graph.Date, p Period, scope graph.Scope, c Consistency) ([]SeriesPoint, error) {
	ws, err := Windows(from, to, p)
	if err != nil {
		return nil, err
	}
	out := make([]SeriesPoint, len(ws))
	for i, w := range ws {
		scope.Window = w
		sm, err := b.Summary(ctx, scope, c)
		if err != nil {
			return nil, err
		}
		out[i] = SeriesPoint{Interval: w, Summary: sm}
	}
	return out, nil
}
