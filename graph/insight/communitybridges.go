package insight

import (
	"cmp"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// CommunityBridge is a pair of communities of a partition joined by at
// least one tie, who bridges them, and how fragile the bridge is.
type CommunityBridge struct {
	A, B  int // the communities' numbers in the partition, A < B
	Ties  int // distinct pairs of actors joining A and B
	Links []*graph.Link
	// Brokers are the actors at either end of those ties, most ties first,
	// then by key.
	Brokers []BridgeBroker
	// Remaining* are what still joins A and B if Brokers[0] (the top
	// bridge) left: its ties removed, the rest as above.
	RemainingTies    int
	RemainingLinks   []*graph.Link
	RemainingBrokers []BridgeBroker
}

// Cut is whether A and B have no tie left once their top bridge leaves.
func (b CommunityBridge) Cut() bool { return b.RemainingTies == 0 }

// BridgeBroker is an actor and how many ties between two communities it
// holds.
type BridgeBroker struct {
	Actor *graph.Actor
	Ties  int
	v     int32
}

// Bridges returns the first n pairs of communities joined by a tie, most
// fragile first: fewest ties left without the top bridge, then fewest
// ties, then by community numbers — a stable order.
func (p *Partition) Bridges(n int) []CommunityBridge {
	g, of := p.s.G, p.Result.Of
	between := map[[2]int32][]int32{} // (A, B) → edge indices
	for i, e := range g.Edges {
		a, b := of[e.U], of[e.V]
		if a == b {
			continue
		}
		k := [2]int32{min(a, b), max(a, b)}
		between[k] = append(between[k], int32(i))
	}
	out := make([]CommunityBridge, 0, len(between))
	for k, es := range between { // order fixed by the sort below: (A, B) is unique
		out = append(out, bridge(p.s, int(k[0]), int(k[1]), es))
	}
	slices.SortFunc(out, func(x, y CommunityBridge) int {
		return cmp.Or(cmp.Compare(x.RemainingTies, y.RemainingTies), cmp.Compare(x.Ties, y.Ties),
			cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B))
	})
	return out[:min(n, len(out))]
}

// bridge describes the ties es (edges of s) between communities a and b.
func bridge(s *snapshot.Snapshot, a, b int, es []int32) CommunityBridge {
	out := CommunityBridge{A: a, B: b, Ties: len(es), Links: edgeLinks(s, es), Brokers: bridgeBrokers(s, es)}
	top := out.Brokers[0].v
	rest := slices.DeleteFunc(slices.Clone(es), func(e int32) bool { return s.G.Edges[e].U == top || s.G.Edges[e].V == top })
	out.RemainingTies, out.RemainingLinks, out.RemainingBrokers = len(rest), edgeLinks(s, rest), bridgeBrokers(s, rest)
	return out
}

// bridgeBrokers ranks the ends of edges es by how many of them each holds,
// then by key.
func bridgeBrokers(s *snapshot.Snapshot, es []int32) []BridgeBroker {
	count := map[int32]int{}
	for _, e := range es {
		count[s.G.Edges[e].U]++
		count[s.G.Edges[e].V]++
	}
	out := make([]BridgeBroker, 0, len(count))
	for v, c := range count {
		out = append(out, BridgeBroker{Actor: s.Actors[v], Ties: c, v: v})
	}
	slices.SortFunc(out, func(x, y BridgeBroker) int {
		return cmp.Or(cmp.Compare(y.Ties, x.Ties), cmp.Compare(x.Actor.Key, y.Actor.Key))
	})
	return out
}

// edgeLinks returns the links merged into edges es, by key.
func edgeLinks(s *snapshot.Snapshot, es []int32) []*graph.Link {
	var out []*graph.Link
	for _, e := range es {
		for _, l := range s.G.Edges[e].Links {
			out = append(out, s.Links[l])
		}
	}
	slices.SortFunc(out, func(x, y *graph.Link) int { return cmp.Or(cmp.Compare(x.Key, y.Key), cmp.Compare(x.ID, y.ID)) })
	return out
}
