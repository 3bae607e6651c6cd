package insight

import (
	"cmp"
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// MaxTrendLinks caps the new and lost links listed for each trend.
const MaxTrendLinks = 10

// TrendWindow is one window of a trend with its ranking.
type TrendWindow struct {
	graph.Interval
	ActiveActors int
	Ranking      []Ranked // every actor with ties in the window, best first
}

// Place is an actor's rank and score in one window.
type Place struct {
	Rank  int
	Score float64
}

// Trend is how an actor's rank changed from the first window to the last.
type Trend struct {
	Actor       *graph.Actor
	First, Last *Place // nil if the actor had no ties in that window
	// Rise is the actor's effective first rank minus its effective last
	// rank: positive if it rose. An actor absent from a window takes the
	// rank one below that window's last (its number of ranked actors + 1),
	// so entering counts as rising from below the last rank and leaving as
	// falling below it.
	Rise int
	// NewLinks are the actor's in-scope links active in the last window
	// but not in the first; LostLinks the reverse. Both by key, at most
	// MaxTrendLinks.
	NewLinks, LostLinks []*graph.Link
}

// Trends is the change of a ranking across windows.
type Trends struct {
	Windows  []TrendWindow
	Emerging []Trend // most risen first, ties by actor key
	Fading   []Trend // most fallen first, ties by actor key
}

// Trends ranks the actors by m in each window w chooses (see
// Windowing.Windows; scope's own window is replaced by the windows') and returns the
// first n actors that rose most from the first window to the last
// (Emerging) and that fell most (Fading). Actors whose effective rank did
// not change are in neither.
func (sv *Service) Trends(ctx context.Context, m Metric, w Windowing, scope graph.Scope, n int) (*Trends, error) {
	_, snaps, err := sv.windowed(ctx, w, scope)
	if err != nil {
		return nil, err
	}
	out := &Trends{}
	for _, s := range snaps {
		rs, active, err := ranking(ctx, s, m)
		if err != nil {
			return nil, err
		}
		out.Windows = append(out.Windows, TrendWindow{Interval: s.Scope.Window, ActiveActors: active, Ranking: rs})
	}
	first, last := out.Windows[0], out.Windows[len(out.Windows)-1]
	places := func(rs []Ranked) map[string]*Place {
		pl := make(map[string]*Place, len(rs))
		for _, r := range rs {
			pl[r.Actor.ID] = &Place{Rank: r.Rank, Score: r.Score}
		}
		return pl
	}
	before, after := places(first.Ranking), places(last.Ranking)
	effective := func(pl map[string]*Place, id string) int {
		if p := pl[id]; p != nil {
			return p.Rank
		}
		return len(pl) + 1
	}
	byID := map[string]*graph.Actor{}
	for _, r := range append(slices.Clone(first.Ranking), last.Ranking...) {
		byID[r.Actor.ID] = r.Actor
	}
	var rising, falling []Trend
	for id, a := range byID {
		t := Trend{Actor: a, First: before[id], Last: after[id], Rise: effective(before, id) - effective(after, id)}
		switch {
		case t.Rise > 0:
			rising = append(rising, t)
		case t.Rise < 0:
			falling = append(falling, t)
		}
	}
	// Most change first, ties by key (keys are unique: a total order).
	byChange := func(a, b Trend) int {
		return cmp.Or(cmp.Compare(abs(b.Rise), abs(a.Rise)), cmp.Compare(a.Actor.Key, b.Actor.Key))
	}
	slices.SortFunc(rising, byChange)
	slices.SortFunc(falling, byChange)
	out.Emerging, out.Fading = rising[:min(n, len(rising))], falling[:min(n, len(falling))]
	s0, s1 := snaps[0], snaps[len(snaps)-1]
	for _, ts := range [][]Trend{out.Emerging, out.Fading} {
		for i := range ts {
			ts[i].NewLinks = linksOnlyIn(s1, s0, ts[i].Actor.ID)
			ts[i].LostLinks = linksOnlyIn(s0, s1, ts[i].Actor.ID)
		}
	}
	return out, nil
}

// linksOnlyIn returns the links of actor id in s but not in other, by key,
// at most MaxTrendLinks.
func linksOnlyIn(s, other *snapshot.Snapshot, id string) []*graph.Link {
	seen := make(map[string]bool, len(other.Links))
	for _, l := range other.Links {
		seen[l.ID] = true
	}
	var out []*graph.Link
	for _, l := range s.Links {
		if (l.SourceID == id || l.TargetID == id) && !seen[l.ID] {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *graph.Link) int { return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.ID, b.ID)) })
	return out[:min(len(out), MaxTrendLinks)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
