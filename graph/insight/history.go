package insight

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// MaxWindows bounds a history.
const MaxWindows = 50

// Point is an actor's place by a metric in one time window.
type Point struct {
	From, To     graph.Date
	Score        *float64 // nil if the actor had no ties in the window
	Rank         *int
	ActiveActors int // actors with at least one tie in the window
}

// History computes the metric of actor id in consecutive yearly windows
// from..to, each ranked among the actors with ties in that window. scope's
// own window is replaced by from..to. to before from is an EINVALID error
// on field "to", as are more than MaxWindows windows; an actor unknown in
// the scope is ENOTFOUND on field "actor".
func (sv *Service) History(ctx context.Context, id string, m Metric, from, to graph.Date, scope graph.Scope) ([]Point, error) {
	if from.IsZero() || to.Before(from) {
		return nil, graph.Errorf(graph.EINVALID, "to", "to (%s) is before from (%s)", to, from)
	}
	if to.Year()-from.Year() >= MaxWindows {
		return nil, graph.Errorf(graph.EINVALID, "to", "at most %d windows: shorten from..to", MaxWindows)
	}
	scope.Window = graph.Interval{From: from, To: to}
	base, err := sv.Snapshots.Get(ctx, scope)
	if err != nil {
		return nil, err
	}
	if _, err := base.Node("actor", id); err != nil {
		return nil, err
	}
	var out []Point
	for start := from; !to.Before(start); start = start.AddYears(1) {
		end := start.AddYears(1).AddDays(-1)
		if to.Before(end) {
			end = to
		}
		w := scope
		w.Window = graph.Interval{From: start, To: end}
		pt, err := point(ctx, snapshot.FromNetwork(base.Actors, base.Links, w), id, m)
		if err != nil {
			return nil, err
		}
		pt.From, pt.To = start, end
		out = append(out, pt)
	}
	return out, nil
}

// point ranks the actors with ties in s by m and reports id's place.
func point(ctx context.Context, s *snapshot.Snapshot, id string, m Metric) (Point, error) {
	var active []int32
	for v := range int32(s.G.N()) {
		if len(undirected(s.G, v)) > 0 {
			active = append(active, v)
		}
	}
	pt := Point{ActiveActors: len(active)}
	sc, err := Compute(ctx, s, m, BySector)
	if err != nil {
		return pt, err
	}
	v, _ := s.Node("actor", id)
	for _, r := range Rank(s, sc, m.Ascending(), active) {
		if r.Node == v {
			pt.Score, pt.Rank = &r.Score, &r.Rank
		}
	}
	return pt, nil
}
