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

// Windowing chooses the windows of a history, trend or series: the
// explicit boundaries At if given, else From..To cut by Step.
type Windowing struct {
	From, To graph.Date
	Step     Period
	// At, if not empty, makes the windows [At[i], At[i+1]) (each ending
	// the day before the next starts); From, To and Step are then ignored.
	At []graph.Date
}

// Span is the windowing that cuts from..to by p.
func Span(from, to graph.Date, p Period) Windowing { return Windowing{From: from, To: to, Step: p} }

// Windows returns the windows w chooses, at most MaxWindows of them. With
// At: at least 2 dates, strictly increasing, else EINVALID on "at".
// Without: consecutive windows of Step, the first starting at From and
// the last ending at To; a missing From or To, or To before From, is
// EINVALID on that field, as are too many windows on "to".
func (w Windowing) Windows() ([]graph.Interval, error) {
	if len(w.At) > 0 {
		if len(w.At) < 2 {
			return nil, graph.Errorf(graph.EINVALID, "at", "at needs at least 2 dates (the windows' boundaries)")
		}
		if len(w.At) > MaxWindows+1 {
			return nil, graph.Errorf(graph.EINVALID, "at", "at most %d windows (%d dates)", MaxWindows, MaxWindows+1)
		}
		out := make([]graph.Interval, len(w.At)-1)
		for i := range out {
			if !w.At[i].Before(w.At[i+1]) {
				return nil, graph.Errorf(graph.EINVALID, "at", "at must be strictly increasing: %s is not before %s", w.At[i], w.At[i+1])
			}
			out[i] = graph.Interval{From: w.At[i], To: w.At[i+1].AddDays(-1)}
		}
		return out, nil
	}
	if w.From.IsZero() {
		return nil, graph.Errorf(graph.EINVALID, "from", "from is required unless at gives the windows")
	}
	if w.To.IsZero() {
		return nil, graph.Errorf(graph.EINVALID, "to", "to is required unless at gives the windows")
	}
	if w.To.Before(w.From) {
		return nil, graph.Errorf(graph.EINVALID, "to", "to (%s) is before from (%s)", w.To, w.From)
	}
	ws := cut(w.From, w.To, w.Step, MaxWindows)
	if len(ws) > MaxWindows {
		return nil, graph.Errorf(graph.EINVALID, "to", "at most %d windows: shorten from..to or use a longer step", MaxWindows)
	}
	return ws, nil
}

// Count is the number of windows Windows would return, capped at
// MaxWindows+1 (and at least 1), to price a request before running it.
func (w Windowing) Count() int {
	if len(w.At) > 0 {
		return min(max(len(w.At)-1, 1), MaxWindows+1)
	}
	if w.From.IsZero() || w.To.IsZero() {
		return 1
	}
	return max(len(cut(w.From, w.To, w.Step, MaxWindows)), 1)
}

// Point is an actor's place by a metric in one time window.
type Point struct {
	From, To     graph.Date
	Score        *float64 // nil if the actor had no ties in the window
	Rank         *int
	ActiveActors int // actors with at least one tie in the window
}

// History computes the metric of actor id in the windows w chooses (see
// Windowing.Windows), each ranked among the actors with ties in that
// window. scope's own window is replaced by the windows'. An actor unknown in
// the scope is ENOTFOUND on field "actor".
func (sv *Service) History(ctx context.Context, id string, m Metric, w Windowing, scope graph.Scope) ([]Point, error) {
	base, snaps, err := sv.windowed(ctx, w, scope)
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

// windowed returns the snapshot of scope over all of w's windows (scope's
// own window replaced) and, projected from it, one per window.
func (sv *Service) windowed(ctx context.Context, w Windowing, scope graph.Scope) (*snapshot.Snapshot, []*snapshot.Snapshot, error) {
	ws, err := w.Windows()
	if err != nil {
		return nil, nil, err
	}
	scope.Window = graph.Interval{From: ws[0].From, To: ws[len(ws)-1].To}
	base, err := sv.Snapshots.Get(ctx, scope)
	if err != nil {
		return nil, nil, err
	}
	snaps := make([]*snapshot.Snapshot, len(ws))
	for i, win := range ws {
		sc := scope
		sc.Window = win
		snaps[i] = snapshot.FromNetwork(base.Actors, base.Links, sc)
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
