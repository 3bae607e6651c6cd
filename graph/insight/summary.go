package insight

import (
	"context"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Summary describes a scope's network as a whole.
type Summary struct {
	Actors, Links, Ties, Components, LargestComponent    int
	Density, LargestComponentShare, CrossSectorLinkShare float64
	// Info and Consistency, when the Background engine served the summary:
	// when and how it was computed, and what the query asked for (its top
	// brokers take the same unless asked otherwise).
	Info        *Info
	Consistency Consistency

	s *snapshot.Snapshot
}

// Snapshot returns the snapshot summarised, for its top brokers.
func (sm *Summary) Snapshot() *snapshot.Snapshot { return sm.s }

// Summarise describes s: size, density, components and the share of links
// between sectors (of those whose two ends have a known sector).
func Summarise(s *snapshot.Snapshot) *Summary {
	_, sizes := analysis.Components(s.G)
	out := &Summary{Actors: s.G.N(), Links: len(s.Links), Ties: len(s.G.Edges), Density: analysis.Density(s.G),
		Components: len(sizes), s: s}
	if len(sizes) > 0 {
		out.LargestComponent = int(slices.Max(sizes))
		out.LargestComponentShare = float64(out.LargestComponent) / float64(s.G.N())
	}
	// Each link once, by the ties that carry it (a directed scope carries
	// an undirected link both ways): decoding every link's end IDs instead
	// takes seconds on a million links.
	sector := s.G.Attrs[snapshot.AttrSector]
	known, cross := 0, 0
	seen := make([]bool, len(s.Links))
	for _, e := range s.G.Edges {
		a, b := sector[e.U], sector[e.V]
		for _, l := range e.Links {
			if seen[l] || a == "" || b == "" {
				continue
			}
			seen[l] = true
			known++
			if a != b {
				cross++
			}
		}
	}
	if known > 0 {
		out.CrossSectorLinkShare = float64(cross) / float64(known)
	}
	return out
}

// Cutpoints returns the actors whose departure would split the network.
func Cutpoints(s *snapshot.Snapshot) []*graph.Actor {
	return actors(s, cutpoints(s))
}

func cutpoints(s *snapshot.Snapshot) []int32 {
	// CutPoints is linear and takes no context: nothing here can cancel.
	v, _ := snapshot.Memo(context.Background(), s, cutpointsKey{}, func(context.Context) ([]int32, error) { return analysis.CutPoints(s.G), nil })
	return v
}

// Bridge is a tie whose loss would split the network, with the links
// behind it.
type Bridge struct {
	Source, Target *graph.Actor
	Links          []*graph.Link
}

// Bridges returns the ties whose loss would split the network.
func Bridges(s *snapshot.Snapshot) []Bridge {
	var out []Bridge
	for _, b := range analysis.Bridges(s.G) {
		out = append(out, Bridge{s.Actors[b[0]], s.Actors[b[1]], tieLinks(s, b[0], b[1])})
	}
	return out
}

// tieLinks returns the links behind the ties between u and v, either way,
// each once.
func tieLinks(s *snapshot.Snapshot, u, v int32) []*graph.Link {
	var out []*graph.Link
	for _, e := range [][2]int32{{u, v}, {v, u}} {
		adj, edg := s.G.Out(e[0])
		if i, ok := slices.BinarySearch(adj, e[1]); ok {
			for _, l := range s.G.Edges[edg[i]].Links {
				if !slices.Contains(out, s.Links[l]) {
					out = append(out, s.Links[l])
				}
			}
		}
	}
	return out
}

// Impact is what happens to the network when some actors leave; see
// analysis.Impact for the definitions.
type Impact struct {
	Removed, Isolated                             []*graph.Actor
	Before, After                                 analysis.NetworkState
	DisconnectedPairs, ConnectedPairs             int64
	DistanceBefore, DistanceAfter, DistanceChange float64
}

// RemovalImpact computes what breaks in s if the actors with the given IDs
// leave. An unknown ID is an ENOTFOUND error on field "actors".
func RemovalImpact(ctx context.Context, s *snapshot.Snapshot, ids []string) (*Impact, error) {
	nodes, err := s.Nodes("actors", ids)
	if err != nil {
		return nil, err
	}
	im, err := analysis.RemovalImpact(ctx, s.G, nodes)
	if err != nil {
		return nil, userError(err)
	}
	return &Impact{Removed: actors(s, im.Removed), Isolated: actors(s, im.Isolated), Before: im.Before, After: im.After,
		DisconnectedPairs: im.DisconnectedPairs, ConnectedPairs: im.ConnectedPairs,
		DistanceBefore: im.DistanceBefore, DistanceAfter: im.DistanceAfter, DistanceChange: im.DistanceChange()}, nil
}
