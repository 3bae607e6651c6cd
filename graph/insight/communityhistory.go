package insight

import (
	"cmp"
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// CommunityEvent is what became of a window's community since the
// previous window.
type CommunityEvent int

const (
	// Born: no community of the previous window is its predecessor.
	Born CommunityEvent = iota
	// Continued: one predecessor, whose only successor it is.
	Continued
	// Merged: two or more predecessors.
	Merged
	// Split: one predecessor, which has two or more successors.
	Split
)

// TrackedCommunity is one community of a window of a CommunityHistory.
type TrackedCommunity struct {
	// ID is stable across windows: a community keeps its best
	// predecessor's ID unless a better-matching community of the same
	// window took it first; otherwise it gets the next unused ID (from 1).
	ID      int
	Members []*graph.Actor // by key
	Event   CommunityEvent
	// Predecessors are the IDs of the previous window's communities it
	// continues, best overlap first (then larger first).
	Predecessors []int
	// Jaccard is its best overlap with any community of the previous
	// window (0 if none shares a member).
	Jaccard float64
}

// CommunityWindow is one window of a CommunityHistory.
type CommunityWindow struct {
	graph.Interval
	Modularity  float64
	Communities []TrackedCommunity // largest first, then by smallest member key
	Died        []int              // previous window's IDs with no successor, ascending
}

// CommunityHistory partitions the scope in each window w chooses (as
// Trends does; scope's own window is replaced) as q asks, and
// matches each window's communities to the previous window's by the
// Jaccard overlap of their members. A previous community is a
// predecessor of a current one if their overlap is at least threshold, or
// if each is the other's best match (so a community that changed a lot
// but kept no better partner is still followed). Only actors with a tie
// in the window are members. threshold must be in (0, 1]: else EINVALID
// on "threshold".
func (sv *Service) CommunityHistory(ctx context.Context, w Windowing, scope graph.Scope, q CommunityQuery, threshold float64) ([]CommunityWindow, error) {
	if !(threshold > 0 && threshold <= 1) {
		return nil, graph.Errorf(graph.EINVALID, "threshold", "threshold %v must be in (0, 1]", threshold)
	}
	_, snaps, err := sv.windowed(ctx, w, scope)
	if err != nil {
		return nil, err
	}
	out := make([]CommunityWindow, len(snaps))
	var prev []TrackedCommunity
	nextID := 1
	for i, s := range snaps {
		res, err := Communities(ctx, s, q)
		if err != nil {
			return nil, err
		}
		cur := windowCommunities(s, res.Of, len(res.Sizes))
		out[i] = CommunityWindow{Interval: s.Scope.Window, Modularity: res.Modularity}
		out[i].Died = track(prev, cur, threshold, &nextID)
		out[i].Communities = cur
		prev = cur
	}
	return out, nil
}

// windowCommunities lists the communities of a partition (of[v] is v's
// community among k) by their members with ties, members by key,
// largest first, then by smallest member key; empty ones are left out.
func windowCommunities(s *snapshot.Snapshot, of []int32, k int) []TrackedCommunity {
	members := make([][]*graph.Actor, k)
	for v, c := range of {
		if len(undirected(s.G, int32(v))) > 0 {
			members[c] = append(members[c], s.Actors[v])
		}
	}
	var out []TrackedCommunity
	for _, ms := range members {
		if len(ms) > 0 {
			slices.SortFunc(ms, byKey)
			out = append(out, TrackedCommunity{Members: ms})
		}
	}
	slices.SortFunc(out, func(a, b TrackedCommunity) int {
		return cmp.Or(cmp.Compare(len(b.Members), len(a.Members)), byKey(a.Members[0], b.Members[0]))
	})
	return out
}

func byKey(a, b *graph.Actor) int { return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.ID, b.ID)) }

// track sets the IDs, events, predecessors and overlaps of cur from prev
// (see CommunityHistory), drawing new IDs from *next, and returns the IDs
// of prev's communities with no successor.
func track(prev, cur []TrackedCommunity, threshold float64, next *int) []int {
	// jac[i][j] is the Jaccard overlap of cur[i] and prev[j].
	in := map[string]int{}
	for j, c := range prev {
		for _, a := range c.Members {
			in[a.ID] = j
		}
	}
	jac := make([][]float64, len(cur))
	for i, c := range cur {
		jac[i] = make([]float64, len(prev))
		shared := make([]int, len(prev))
		for _, a := range c.Members {
			if j, ok := in[a.ID]; ok {
				shared[j]++
			}
		}
		for j, n := range shared {
			if n > 0 {
				jac[i][j] = float64(n) / float64(len(c.Members)+len(prev[j].Members)-n)
			}
		}
	}
	// Best matches, ties to the earlier (larger) community.
	bestPrev := make([]int, len(cur))
	bestCur := make([]int, len(prev))
	for j := range bestCur {
		bestCur[j] = -1
	}
	for i := range cur {
		bestPrev[i] = -1
		for j := range prev {
			if jac[i][j] > 0 && (bestPrev[i] < 0 || jac[i][j] > jac[i][bestPrev[i]]) {
				bestPrev[i] = j
			}
			if jac[i][j] > 0 && (bestCur[j] < 0 || jac[i][j] > jac[bestCur[j]][j]) {
				bestCur[j] = i
			}
		}
	}
	preds := make([][]int, len(cur)) // indexes into prev, best first
	successors := make([]int, len(prev))
	for i := range cur {
		for j := range prev {
			if jac[i][j] >= threshold || (jac[i][j] > 0 && bestPrev[i] == j && bestCur[j] == i) {
				preds[i] = append(preds[i], j)
				successors[j]++
			}
		}
		slices.SortStableFunc(preds[i], func(a, b int) int { return cmp.Compare(jac[i][b], jac[i][a]) })
	}
	for i := range cur {
		c := &cur[i]
		if j := bestPrev[i]; j >= 0 {
			c.Jaccard = jac[i][j]
		}
		switch {
		case len(preds[i]) == 0:
			c.Event = Born
		case len(preds[i]) >= 2:
			c.Event = Merged
		case successors[preds[i][0]] >= 2:
			c.Event = Split
		default:
			c.Event = Continued
		}
		for _, j := range preds[i] {
			c.Predecessors = append(c.Predecessors, prev[j].ID)
		}
	}
	// IDs: the best-matching communities claim their best predecessor's
	// ID first; the rest get new IDs in list order.
	order := make([]int, len(cur))
	for i := range order {
		order[i] = i
	}
	overlap := func(i int) float64 {
		if len(preds[i]) == 0 {
			return 0
		}
		return jac[i][preds[i][0]]
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(overlap(b), overlap(a)) })
	taken := map[int]bool{}
	for _, i := range order {
		if len(preds[i]) > 0 && !taken[prev[preds[i][0]].ID] {
			cur[i].ID = prev[preds[i][0]].ID
			taken[cur[i].ID] = true
		}
	}
	for i := range cur {
		if cur[i].ID == 0 {
			cur[i].ID = *next
			*next++
		}
	}
	var died []int
	for j, c := range prev {
		if successors[j] == 0 {
			died = append(died, c.ID)
		}
	}
	slices.Sort(died)
	return died
}
