package analysis

// This file holds the undirected view shared by components, cut-points and
// removal impact, plus the network summary helpers Components and Density.

// undirectedAdj is the undirected view of a Graph in CSR form: node v's
// neighbours are adj[off[v]:off[v+1]], ascending, without self-loops and
// without duplicates (a mutual pair of arcs becomes one neighbour). It
// matches networkx's G.to_undirected() as a simple Graph.
type undirectedAdj struct {
	off, adj []int32
}

// undirectedView returns g's undirected view. For an undirected graph it
// aliases g's out-lists; for a directed one it merges each node's out- and
// in-lists, O(N+M).
func undirectedView(g *Graph) undirectedAdj {
	if !g.Directed {
		return undirectedAdj{off: g.OutOff, adj: g.OutAdj}
	}
	n := g.N()
	off := make([]int32, n+1)
	adj := make([]int32, 0, len(g.OutAdj)+len(g.InAdj))
	for v := int32(0); v < int32(n); v++ {
		out, _ := g.Out(v)
		in, _ := g.In(v)
		adj = mergeSorted(adj, out, in)
		off[v+1] = int32(len(adj))
	}
	return undirectedAdj{off: off, adj: adj}
}

// mergeSorted appends the union of the ascending lists a and b to dst.
func mergeSorted(dst, a, b []int32) []int32 {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			dst = append(dst, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			dst = append(dst, b[j])
			j++
		default:
			dst = append(dst, a[i])
			i++
			j++
		}
	}
	return dst
}

func (u undirectedAdj) n() int { return len(u.off) - 1 }

func (u undirectedAdj) nbrs(v int32) []int32 { return u.adj[u.off[v]:u.off[v+1]] }

// Components returns the connected components of g's undirected view (weak
// components when g is directed), as networkx.connected_components does on
// G.to_undirected(): comp[v] is v's component, numbered in order of each
// component's smallest node index, and sizes[c] is component c's size.
// An empty graph has no components. Cost O(N+M).
func Components(g *Graph) (comp []int32, sizes []int32) {
	return componentsOf(undirectedView(g), nil)
}

// componentsOf labels the components of u, skipping nodes with gone[v]
// set (their comp is -1); gone may be nil.
func componentsOf(u undirectedAdj, gone []bool) (comp []int32, sizes []int32) {
	n := u.n()
	comp = make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	queue := make([]int32, 0, n)
	for s := int32(0); s < int32(n); s++ {
		if comp[s] >= 0 || (gone != nil && gone[s]) {
			continue
		}
		c := int32(len(sizes))
		comp[s] = c
		queue = append(queue[:0], s)
		for h := 0; h < len(queue); h++ {
			for _, w := range u.nbrs(queue[h]) {
				if comp[w] < 0 && (gone == nil || !gone[w]) {
					comp[w] = c
					queue = append(queue, w)
				}
			}
		}
		sizes = append(sizes, int32(len(queue)))
	}
	return comp, sizes
}

// Density returns networkx.density(G): m/(n(n−1)) for a directed graph and
// 2m/(n(n−1)) for an undirected one, 0 when n ≤ 1 or m = 0. As in networkx,
// m counts a node's self-loop as one edge (networkx's simple graphs hold at
// most one loop per node, so repeated loops count once), and parallel links
// count once because the snapshot merges them.
func Density(g *Graph) float64 {
	n := g.N()
	m := len(g.Edges)
	for _, c := range g.Loops {
		if c > 0 {
			m++
		}
	}
	if n <= 1 || m == 0 {
		return 0
	}
	d := float64(m) / (float64(n) * float64(n-1))
	if !g.Directed {
		d *= 2
	}
	return d
}
