package analysis

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// NetworkState summarises the connectivity of a network's undirected view.
type NetworkState struct {
	Nodes            int     // nodes present
	Components       int     // connected components
	Largest          int     // nodes in the largest component
	LargestShare     float64 // Largest / Nodes; 0 when there are no nodes
	UnreachablePairs int64   // unordered pairs of present nodes with no path between them
}

// Impact answers "what breaks if these people leave?": the network before
// and after removing some nodes and their ties.
type Impact struct {
	Removed []int32 // the removed nodes, ascending, without duplicates
	Before  NetworkState
	After   NetworkState // over the remaining nodes only

	// DisconnectedPairs counts unordered pairs of remaining nodes that were
	// connected before the removal and are not after it.
	DisconnectedPairs int64
	// ConnectedPairs counts unordered pairs of remaining nodes still
	// connected after the removal; DistanceBefore and DistanceAfter are the
	// mean shortest-path lengths (hops) of exactly these pairs in the whole
	// network and without the removed nodes, so DistanceAfter −
	// DistanceBefore ≥ 0 is how much longer the surviving routes get. Both
	// are 0 when ConnectedPairs is 0.
	ConnectedPairs int64
	DistanceBefore float64
	DistanceAfter  float64

	// Isolated lists, ascending, the remaining nodes that had at least one
	// tie and have none left.
	Isolated []int32
}

// DistanceChange returns DistanceAfter − DistanceBefore.
func (im Impact) DistanceChange() float64 { return im.DistanceAfter - im.DistanceBefore }

// RemovalImpact compares g's undirected view (weak connectivity when g is
// directed; self-loops play no part) with the same view after removing the
// nodes in removed and their ties. Components and pair counts are those of
// networkx.connected_components; the distances are exact hop counts from a
// breadth-first search from every remaining node, in both networks.
//
// Cost: O(N+M) for the components and O(R·(N+M)) for the distances, where
// R is the number of remaining nodes — two BFS per remaining node, split
// across GOMAXPROCS workers; bound it with ctx, whose error is returned
// when ctx is done. The distance sums are integers, exact in any order, so
// the result does not depend on the workers or their scheduling. An index
// outside 0..N−1 in removed gives an error wrapping ErrNoNode; duplicates
// are ignored.
func RemovalImpact(ctx context.Context, g *Graph, removed []int32) (Impact, error) {
	n := g.N()
	gone := make([]bool, n)
	var im Impact
	for _, v := range removed {
		if v < 0 || int(v) >= n {
			return Impact{}, fmt.Errorf("removal impact: node %d is not in the network of %d nodes: %w", v, n, ErrNoNode)
		}
		if !gone[v] {
			gone[v] = true
			im.Removed = append(im.Removed, v)
		}
	}
	slices.Sort(im.Removed)
	u := undirectedView(g)
	compBefore, sizesBefore := componentsOf(u, nil)
	compAfter, sizesAfter := componentsOf(u, gone)
	im.Before = networkState(n, sizesBefore)
	im.After = networkState(n-len(im.Removed), sizesAfter)
	im.ConnectedPairs = pairsWithin(sizesAfter)
	im.DisconnectedPairs = remainingPairsWithin(compBefore, len(sizesBefore), gone) - im.ConnectedPairs
	im.Isolated = newlyIsolated(u, gone)
	if im.ConnectedPairs == 0 {
		return im, ctx.Err()
	}
	before, after, err := distanceSums(ctx, u, gone, compAfter, sizesAfter)
	if err != nil {
		return Impact{}, err
	}
	// Each unordered pair was reached from both ends.
	im.DistanceBefore = float64(before/2) / float64(im.ConnectedPairs)
	im.DistanceAfter = float64(after/2) / float64(im.ConnectedPairs)
	return im, nil
}

func networkState(nodes int, sizes []int32) NetworkState {
	s := NetworkState{Nodes: nodes, Components: len(sizes)}
	for _, c := range sizes {
		s.Largest = max(s.Largest, int(c))
	}
	if nodes > 0 {
		s.LargestShare = float64(s.Largest) / float64(nodes)
	}
	s.UnreachablePairs = int64(nodes)*int64(nodes-1)/2 - pairsWithin(sizes)
	return s
}

// pairsWithin counts the unordered pairs inside components of these sizes.
func pairsWithin(sizes []int32) int64 {
	var p int64
	for _, c := range sizes {
		p += int64(c) * int64(c-1) / 2
	}
	return p
}

// remainingPairsWithin counts the unordered pairs of nodes not gone that
// share a component of comp.
func remainingPairsWithin(comp []int32, ncomp int, gone []bool) int64 {
	left := make([]int32, ncomp)
	for v, c := range comp {
		if !gone[v] {
			left[c]++
		}
	}
	return pairsWithin(left)
}

// newlyIsolated returns the nodes not gone that have neighbours in u, all
// of them gone.
func newlyIsolated(u undirectedAdj, gone []bool) []int32 {
	var iso []int32
	for v := int32(0); v < int32(u.n()); v++ {
		nb := u.nbrs(v)
		if gone[v] || len(nb) == 0 {
			continue
		}
		if !slices.ContainsFunc(nb, func(w int32) bool { return !gone[w] }) {
			iso = append(iso, v)
		}
	}
	return iso
}

// distanceSums returns, over ordered pairs (s, t) of distinct remaining
// nodes in the same remaining component, the sum of their distances in u
// (through any node) and in u without the gone nodes.
func distanceSums(ctx context.Context, u undirectedAdj, gone []bool, comp []int32, sizes []int32) (before, after int64, err error) {
	n := u.n()
	noneGone := !slices.Contains(gone, true)
	var mu sync.Mutex
	err = forEachNode(ctx, n, func() func(v int32) {
		b := newHopBFS(n)
		return func(s int32) {
			if gone[s] || sizes[comp[s]] < 2 {
				return
			}
			sa := b.run(u, s, gone, nil, sizes[comp[s]]-1)
			sb := sa
			if !noneGone {
				sb = b.run(u, s, nil, func(t int32) bool { return !gone[t] && comp[t] == comp[s] }, sizes[comp[s]]-1)
			}
			mu.Lock()
			before, after = before+sb, after+sa
			mu.Unlock()
		}
	})
	return before, after, err
}

// hopBFS is one worker's breadth-first search buffers.
type hopBFS struct {
	dist  []int32 // -1 = not reached; reset after each run
	queue []int32
}

func newHopBFS(n int) *hopBFS {
	b := &hopBFS{dist: make([]int32, n), queue: make([]int32, 0, n)}
	for i := range b.dist {
		b.dist[i] = -1
	}
	return b
}

// run searches u from s, not entering nodes with skip[v] set (skip may be
// nil), and returns the sum of distances to the reached nodes t ≠ s for
// which count(t) holds (all of them when count is nil). It stops once
// targets such nodes are counted.
func (b *hopBFS) run(u undirectedAdj, s int32, skip []bool, count func(int32) bool, targets int32) int64 {
	b.queue = append(b.queue[:0], s)
	b.dist[s] = 0
	var sum int64
	found := int32(0)
	for h := 0; h < len(b.queue) && found < targets; h++ {
		v := b.queue[h]
		d := b.dist[v] + 1
		for _, w := range u.nbrs(v) {
			if b.dist[w] >= 0 || (skip != nil && skip[w]) {
				continue
			}
			b.dist[w] = d
			b.queue = append(b.queue, w)
			if count == nil || count(w) {
				sum += int64(d)
				found++
			}
		}
	}
	for _, v := range b.queue {
		b.dist[v] = -1
	}
	return sum
}
