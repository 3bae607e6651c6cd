package analysis

import "slices"

// bcLayout is the out-adjacency the Brandes workers traverse. Nodes are
// renumbered in breadth-first order (Cuthill & McKee 1969, without the
// degree sort) so that the nodes a search touches together sit together in
// memory: the per-source arrays are read at neighbours' indices, and after
// renumbering those indices are close, so more reads hit the cache.
type bcLayout struct {
	off, adj []int32
	edg      []int32 // edge indices, when edges or weights are needed
	perm     []int32 // perm[i] is the graph node numbered i
	rank     []int32 // rank[v] is node v's number
}

func newBCLayout(g *Graph, withEdges bool) *bcLayout {
	n := g.N()
	perm, rank := bfsOrder(g), make([]int32, n)
	for i, v := range perm {
		rank[v] = int32(i)
	}
	l := &bcLayout{perm: perm, rank: rank, off: make([]int32, n+1), adj: make([]int32, len(g.OutAdj))}
	if withEdges {
		l.edg = make([]int32, len(g.OutEdg))
	}
	for i, v := range perm {
		a, b := g.OutOff[v], g.OutOff[v+1]
		lo, hi := l.off[i], l.off[i]+(b-a)
		l.off[i+1] = hi
		for j := range b - a {
			l.adj[lo+j] = rank[g.OutAdj[a+j]]
		}
		if withEdges {
			copy(l.edg[lo:hi], g.OutEdg[a:b])
			sortPairs(l.adj[lo:hi], l.edg[lo:hi])
		} else {
			slices.Sort(l.adj[lo:hi])
		}
	}
	return l
}

// bfsOrder lists the nodes breadth-first, each component from its node of
// highest degree (over out- and in-edges, so a directed graph's weak
// components stay together), components in order of those nodes' indices.
func bfsOrder(g *Graph) []int32 {
	n := g.N()
	order := make([]int32, 0, n)
	seen := make([]bool, n)
	starts := make([]int32, n)
	for i := range starts {
		starts[i] = int32(i)
	}
	deg := func(v int32) int32 { return g.OutOff[v+1] - g.OutOff[v] + g.InOff[v+1] - g.InOff[v] }
	slices.SortStableFunc(starts, func(a, b int32) int { return int(deg(b) - deg(a)) })
	for _, s := range starts {
		if seen[s] {
			continue
		}
		seen[s] = true
		order = append(order, s)
		for head := len(order) - 1; head < len(order); head++ {
			v := order[head]
			for _, adj := range [2][]int32{g.OutAdj[g.OutOff[v]:g.OutOff[v+1]], g.InAdj[g.InOff[v]:g.InOff[v+1]]} {
				for _, u := range adj {
					if !seen[u] {
						seen[u] = true
						order = append(order, u)
					}
				}
			}
		}
	}
	return order
}
