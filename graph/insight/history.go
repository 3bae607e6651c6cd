package insight

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// MaxWindows bounds a history.
const MaxWindows = 50

// Period is the length of the windows a history or trend cuts from..to into.
type Period int

const (
	// Year: consecutive years from `from` (from, from + 1 year, ...).
	Year Period = iota
	// AcademicYear: 1 September to 31 August, the first and last clipped
	// to from..to.
	AcademicYear
	// Quarter: calendar quarters starting 1 January, April, July and
	// October, the first and last clipped to from..to.
	Quarter
	// Month: calendar months, the first and last clipped to from..to.
	Month
)

// next returns the start of the window after the one that holds start.
func (p Period) next(start graph.Date) graph.Date {
	t := start.Time()
	switch p {
	case AcademicYear:
		y := t.Year()
		if t.Month() >= time.September {
			y++
		}
		return graph.DateOf(time.Date(y, time.September, 1, 0, 0, 0, 0, time.UTC))
	case Quarter:
		// time.Date normalises month 13 to January of the next year.
		m := (t.Month()-1)/3*3 + 4
		return graph.DateOf(time.Date(t.Year(), m, 1, 0, 0, 0, 0, time.UTC))
	case Month:
		return graph.DateOf(time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC))
	default:
		return start.AddYears(1)
	}
}

// cut returns the windows of p that cover from..to, at most limit+1 of
// them (so a caller can tell that there are too many without building
// them all).
func cut(from, to graph.Date, p Period, limit int) []graph.Interval {
	var out []graph.Interval
	for start := from; !to.Before(start) && len(out) <= limit; start = p.next(start) {
		end := p.next(start).AddDays(-1)
		if to.Before(end) {
			end = to
		}
		out = append(out, graph.Interval{From: start, To: end})
	}
	return out
}

// Windows cuts from..to into consecutive windows of p, the first starting
// at from and the last ending at to. to before from is an EINVALID error on
// field "to", as are more than MaxWindows windows.
func Windows(from, to graph.Date, p Period) ([]graph.Interval, error) {
	if from.IsZero() || to.Before(from) {
		return nil, graph.Errorf(graph.EINVALID, "to", "to (%s) is before from (%s)", to, from)
	}
	ws := cut(from, to, p, MaxWindows)
	if len(ws) > MaxWindows {
		return nil, graph.Errorf(graph.EINVALID, "to", "at most %d windows: shorten from..to or use a longer step", MaxWindows)
	}
	return ws, nil
}

// WindowCount is the number of windows Windows would return, capped at
// MaxWindows+1 (and at least 1), to price a request before running it.
func WindowCount(from, to graph.Date, p Period) int {
	return max(len(cut(from, to, p, MaxWindows)), 1)
}

// Point is an actor's place by a metric in one time window.
type Point struct {
	From, To     graph.Date
	Score        *float64 // nil if the actor had no ties in the window
	Rank         *int
	ActiveActors int // actors with at least one tie in the window
}

// History computes the metric of actor id in the windows of p that cover
// from..to (see Windows), each ranked among the actors with ties in that
// window. scope's own window is replaced by from..to. An actor unknown in
// the scope is ENOTFOUND on field "actor".
func (sv *Service) History(ctx context.Context, id string, m Metric, from, to graph.Date, p Period, scope graph.Scope) ([]Point, error) {
	base, snaps, err := sv.windowed(ctx, from, to, p, scope)
	if err != nil {
		return nil, err
	}
	if _, err := base.Node("actor", id); err != nil {
		return nil, err
	}
	var out []Point
	for _, s := range snaps {
		rs, active, err := ranking(ctx, s, m)
		if err != nil {
			return nil, err
		}
		pt := Point{From: s.Scope.Window.From, To: s.Scope.Window.To, ActiveActors: active}
		v, _ := s.Node("actor", id)
		for _, r := range rs {
			if r.Node == v {
				pt.Score, pt.Rank = &r.Score, &r.Rank
			}
		}
		out = append(out, pt)
	}
	return out, nil
}

// windowed returns the snapshot of scope over from..to (scope's own
// window replaced) and, projected from it, one per window of p.
func (sv *Service) windowed(ctx context.Context, from, to graph.Date, p Period, scope graph.Scope) (*snapshot.Snapshot, []*snapshot.Snapshot, error) {
	ws, err := Windows(from, to, p)
	if err != nil {
		return nil, nil, err
	}
	scope.Window = graph.Interval{From: from, To: to}
	base, err := sv.Snapshots.Get(ctx, scope)
	if err != nil {
		return nil, nil, err
	}
	snaps := make([]*snapshot.Snapshot, len(ws))
	for i, win := range ws {
		w := scope
		w.Window = win
		snaps[i] = snapshot.FromNetwork(base.Actors, base.Links, w)
	}
	return base, snaps, nil
}

// ranking ranks the actors with ties in s by m, and says how many there are.
func ranking(ctx context.Context, s *snapshot.Snapshot, m Metric) ([]Ranked, int, error) {
	var active []int32
	for v := range int32(s.G.N()) {
		if len(undirected(s.G, v)) > 0 {
			active = append(active, v)
		}
	}
	sc, err := Compute(ctx, s, m, BySector)
	if err != nil {
		return nil, len(active), err
	}
	return Rank(s, sc, m.Ascending(), active), len(active), nil
}
