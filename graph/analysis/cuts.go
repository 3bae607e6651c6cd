package analysis

import (
	"cmp"
	"slices"
)

// CutPoints returns the articulation points (cut-points) of g's undirected
// view, ascending: the nodes whose removal increases the number of connected
// components. They are the people or organisations without whom part of the
// network can no longer reach the rest. The set equals
// networkx.articulation_points(G.to_undirected()).
//
// It uses Hopcroft and Tarjan's depth-first low-point method (Hopcroft &
// Tarjan 1973, "Algorithm 447: efficient algorithms for graph
// manipulation", CACM 16(6)): a non-root u is a cut-point iff some DFS
// child v has low(v) ≥ disc(u); a DFS root iff it has two or more children.
// The DFS is iterative, so deep networks cannot overflow the stack. Cost
// O(N+M) time and O(N) memory.
func CutPoints(g *Graph) []int32 {
	points, _ := lowPoints(undirectedView(g))
	return points
}

// Bridges returns the bridges of g's undirected view: the ties whose
// removal increases the number of connected components, each as its two
// end nodes with the smaller first, sorted. A tree edge (u, v) of the DFS is
// a bridge iff low(v) > disc(u) (Tarjan 1974, "A note on finding the
// bridges of a graph", IPL 2(6)). The set equals
// networkx.bridges(G.to_undirected()); a mutual pair of arcs in a directed
// graph is one undirected tie. Cost O(N+M).
func Bridges(g *Graph) [][2]int32 {
	_, bridges := lowPoints(undirectedView(g))
	return bridges
}

// lowPoints runs one iterative DFS over every component of u and returns
// its cut-points ascending and its bridges sorted.
func lowPoints(u undirectedAdj) (points []int32, bridges [][2]int32) {
	n := u.n()
	disc := make([]int32, n) // discovery time from 1; 0 = not yet visited
	low := make([]int32, n)
	parent := make([]int32, n)
	next := make([]int32, n) // next adjacency position to scan
	cut := make([]bool, n)
	var stack []int32
	t := int32(0)
	for r := int32(0); r < int32(n); r++ {
		if disc[r] != 0 {
			continue
		}
		t++
		disc[r], low[r], parent[r], next[r] = t, t, -1, u.off[r]
		stack = append(stack[:0], r)
		rootChildren := 0
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			if next[v] < u.off[v+1] {
				w := u.adj[next[v]]
				next[v]++
				switch {
				case disc[w] == 0:
					t++
					disc[w], low[w], parent[w], next[w] = t, t, v, u.off[w]
					stack = append(stack, w)
					if v == r {
						rootChildren++
					}
				case w != parent[v]:
					low[v] = min(low[v], disc[w])
				}
				continue
			}
			stack = stack[:len(stack)-1]
			p := parent[v]
			if p < 0 {
				continue
			}
			low[p] = min(low[p], low[v])
			if p != r && low[v] >= disc[p] {
				cut[p] = true
			}
			if low[v] > disc[p] {
				bridges = append(bridges, [2]int32{min(p, v), max(p, v)})
			}
		}
		if rootChildren >= 2 {
			cut[r] = true
		}
	}
	for v, c := range cut {
		if c {
			points = append(points, int32(v))
		}
	}
	slices.SortFunc(bridges, func(a, b [2]int32) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	return points, bridges
}
