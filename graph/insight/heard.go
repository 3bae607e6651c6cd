package insight

import (
	"cmp"
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Heard is an actor that could have heard from another by a date.
type Heard struct {
	Actor *graph.Actor
	// Earliest is the first day it could have heard; zero if there is no
	// first day (undated links, active at all times, all the way).
	Earliest graph.Date
}

// ReachableBy returns the actors that knowledge leaving actor from could
// have reached by the date by, along links taken forward in time (each
// link on a day it was active, the days non-decreasing), earliest first,
// ties by key; at most n, and how many there are in all. The scope's window
// bounds the days too. A zero by is EINVALID on field "by"; an actor
// unknown in the scope is ENOTFOUND on field "from".
func (sv *Service) ReachableBy(ctx context.Context, from string, by graph.Date, scope graph.Scope, n int) ([]Heard, int, error) {
	if by.IsZero() {
		return nil, 0, graph.Errorf(graph.EINVALID, "by", "by: a date is needed")
	}
	ctx, cancel, s, v, err := sv.around(ctx, "from", from, scope)
	if err != nil {
		return nil, 0, err
	}
	defer cancel()
	win := analysis.Always
	if w := window(scope.Window); w != nil {
		win = *w
	}
	win.To = min(win.To, snapshot.Day(by))
	days, err := analysis.EarliestArrivals(ctx, s.G, v, analysis.IntervalSlice(s.Times), analysis.TimeOptions{Window: &win})
	if err != nil {
		return nil, 0, sv.searchError(err)
	}
	type hit struct {
		node int32
		day  int
	}
	var hits []hit
	for u, d := range days {
		if int32(u) != v && d != analysis.NoEnd {
			hits = append(hits, hit{int32(u), d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(s.Actors[a.node].Key, s.Actors[b.node].Key))
	})
	out := make([]Heard, 0, min(n, len(hits)))
	for _, h := range hits[:min(n, len(hits))] {
		hd := Heard{Actor: s.Actors[h.node]}
		if h.day != analysis.NoStart {
			hd.Earliest = snapshot.DateOfDay(h.day)
		}
		out = append(out, hd)
	}
	return out, len(hits), nil
}
