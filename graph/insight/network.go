package insight

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Bounds of a whole-network answer (NetworkGraph): twice ca-HepTh's 9,877
// actors and 25,998 links, a response of a few megabytes.
const (
	DefaultMaxGraphActors = 20_000
	DefaultMaxGraphLinks  = 60_000
)

// LayoutBudget is the time the layout of one snapshot may take; it runs
// once per snapshot, so once per store version and scope. ca-HepTh's
// default iterations take about 8 s on two cores.
const LayoutBudget = 20 * time.Second

// GraphQuery asks for a whole network.
type GraphQuery struct {
	Metrics []Metric // scores wanted, in this order
	By      Group    // the groups of Brokerage
	// Bounds of the answer (0: DefaultMaxGraphActors, DefaultMaxGraphLinks).
	MaxActors, MaxLinks int
	// NoLayout spares the layout when no position is wanted.
	NoLayout bool
}

// Network is every actor and link of a snapshot, with positions for
// drawing it: node i is Snapshot.Actors[i], link j is Snapshot.Links[j].
type Network struct {
	Snapshot         *snapshot.Snapshot
	Layout           *analysis.Layout // nil if q.NoLayout
	Sources, Targets []int32          // link j joins nodes Sources[j] and Targets[j]
	Scores           []NetworkScores
}

// NetworkScores is one metric's score and rank for every node (Rank 0:
// no score).
type NetworkScores struct {
	Metric Metric
	Scores *Scores
	Ranks  []int
}

// NetworkGraph returns every actor and link of s, laid out (Positions),
// with the scores q asks for. A snapshot beyond q's bounds is an EINVALID
// error on "scope" that says how large it is, since the answer would be
// too large to send and draw.
func NetworkGraph(ctx context.Context, s *snapshot.Snapshot, q GraphQuery) (*Network, error) {
	maxActors, maxLinks := or0(q.MaxActors, DefaultMaxGraphActors), or0(q.MaxLinks, DefaultMaxGraphLinks)
	if len(s.Actors) > maxActors || len(s.Links) > maxLinks {
		return nil, graph.Errorf(graph.EINVALID, "scope", "scope: the network has %d actors and %d links, more than the %d actors and %d links one answer may hold: narrow the scope (link types, a programme, a date window)",
			len(s.Actors), len(s.Links), maxActors, maxLinks)
	}
	out := &Network{Snapshot: s, Sources: make([]int32, len(s.Links)), Targets: make([]int32, len(s.Links))}
	node := make(map[string]int32, len(s.Actors))
	for i, a := range s.Actors {
		node[a.ID] = int32(i)
	}
	for j, lk := range s.Links {
		out.Sources[j], out.Targets[j] = node[lk.SourceID], node[lk.TargetID]
	}
	if !q.NoLayout {
		l, err := Positions(ctx, s)
		if err != nil {
			return nil, err
		}
		out.Layout = l
	}
	for _, m := range q.Metrics {
		sc, err := Compute(ctx, s, m, q.By)
		if err != nil {
			return nil, err
		}
		ranks := make([]int, len(s.Actors))
		for _, r := range Rank(s, sc, m.Ascending(), allNodes(s)) {
			ranks[r.Node] = r.Rank
		}
		out.Scores = append(out.Scores, NetworkScores{Metric: m, Scores: sc, Ranks: ranks})
	}
	return out, nil
}

func or0(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

type layoutKey struct{}

// Positions returns the ForceAtlas2 layout of s (analysis.ForceAtlas2,
// seed 0, LayoutBudget), computed once per snapshot.
func Positions(ctx context.Context, s *snapshot.Snapshot) (*analysis.Layout, error) {
	return snapshot.Memo(ctx, s, layoutKey{}, func(ctx context.Context) (*analysis.Layout, error) {
		l, err := analysis.ForceAtlas2(ctx, s.G, analysis.LayoutOptions{Budget: LayoutBudget})
		return l, userError(err)
	})
}
