// Package analysis computes brokerage metrics and knowledge paths on compact
// in-memory snapshots of a partnership network. It depends on no store and no
// GraphQL: callers build a Graph (from a store, or from a GraphML or edge-list
// file) and run free functions over it.
package analysis

import (
	"cmp"
	"slices"
)

// Graph is an immutable snapshot in compressed sparse row form. Nodes are
// 0..N()-1. For an undirected graph every edge appears in both endpoints'
// out-lists and In* mirrors Out*. Parallel edges are merged (the strongest
// tie wins); self-loops are kept out of the adjacency and counted in Loops,
// since they never lie on a shortest path but networkx counts them in degrees.
type Graph struct {
	Directed bool
	Keys     []string            // node i's external key
	Attrs    map[string][]string // node attributes by name (sector, type, region, …), for grouping

	OutOff []int32 // out-neighbours of v are OutAdj[OutOff[v]:OutOff[v+1]]
	OutAdj []int32 // sorted ascending within each node
	OutEdg []int32 // edge index of each out-adjacency entry
	InOff  []int32 // in-neighbours, the same layout (aliases Out* when undirected)
	InAdj  []int32
	InEdg  []int32
	Edges  []Edge  // one per merged edge; undirected edges have U < V
	Loops  []int32 // self-loop count per node
	index  map[string]int32
}

// Edge is a merged edge. Weight is tie strength (larger = stronger); its
// length for weighted shortest paths is 1/Weight. Links are the caller's
// identifiers of the parallel links merged into it, strongest first.
type Edge struct {
	U, V   int32
	Weight float64
	Links  []int32
}

// N returns the number of nodes.
func (g *Graph) N() int { return len(g.Keys) }

// Index returns the node with key, or -1.
func (g *Graph) Index(key string) int32 {
	if i, ok := g.index[key]; ok {
		return i
	}
	return -1
}

// Out returns v's out-neighbours and the edge index of each.
func (g *Graph) Out(v int32) ([]int32, []int32) {
	a, b := g.OutOff[v], g.OutOff[v+1]
	return g.OutAdj[a:b], g.OutEdg[a:b]
}

// In returns v's in-neighbours and the edge index of each.
func (g *Graph) In(v int32) ([]int32, []int32) {
	a, b := g.InOff[v], g.InOff[v+1]
	return g.InAdj[a:b], g.InEdg[a:b]
}

// Builder accumulates nodes and edges for a Graph.
type Builder struct {
	directed bool
	keys     []string
	attrs    map[string][]string
	index    map[string]int32
	edges    []rawEdge
	loops    map[int32]int32
}

type rawEdge struct {
	u, v int32
	w    float64
	link int32
	seq  int32 // the order it was added in: ties keep it (fits the struct's padding)
}

// NewBuilder returns a Builder for a directed or undirected graph.
func NewBuilder(directed bool) *Builder {
	return &Builder{directed: directed, index: map[string]int32{}, attrs: map[string][]string{}, loops: map[int32]int32{}}
}

// Node returns the index of the node with key, adding it if new.
func (b *Builder) Node(key string) int32 {
	if i, ok := b.index[key]; ok {
		return i
	}
	i := int32(len(b.keys))
	b.keys = append(b.keys, key)
	b.index[key] = i
	for name, vals := range b.attrs {
		b.attrs[name] = append(vals, "")
	}
	return i
}

// SetAttr sets node v's attribute name to val.
func (b *Builder) SetAttr(v int32, name, val string) {
	vals, ok := b.attrs[name]
	if !ok {
		vals = make([]string, len(b.keys))
	}
	vals[v] = val
	b.attrs[name] = vals
}

// Edge adds an edge u→v (u—v if undirected) with tie strength w and the
// caller's link identifier (-1 if none). Self-loops only count toward degree.
func (b *Builder) Edge(u, v int32, w float64, link int32) {
	if u == v {
		b.loops[u]++
		return
	}
	if !b.directed && u > v {
		u, v = v, u
	}
	b.edges = append(b.edges, rawEdge{u, v, w, link, int32(len(b.edges))})
}

// Build returns the Graph. The Builder must not be used afterwards.
func (b *Builder) Build() *Graph {
	n := len(b.keys)
	g := &Graph{Directed: b.directed, Keys: b.keys, Attrs: b.attrs, index: b.index, Loops: make([]int32, n)}
	for v, c := range b.loops {
		g.Loops[v] = c
	}
	// Merge parallel edges: sort by ends, strongest first, and keep the first.
	b.edges = sortEdges(n, b.edges)
	// Edges and their link lists are allocated once, at their final size:
	// growing them by appending would leave as much again in garbage, which
	// a million-link snapshot cannot afford. Each edge's Links is a capped
	// window on one shared array.
	distinct, nlinks := 0, 0
	for i, e := range b.edges {
		if i == 0 || e.u != b.edges[i-1].u || e.v != b.edges[i-1].v {
			distinct++
		}
		if e.link >= 0 {
			nlinks++
		}
	}
	g.Edges = make([]Edge, 0, distinct)
	links := make([]int32, 0, nlinks)
	start := 0 // where the current edge's links begin
	for i, e := range b.edges {
		if i == 0 || e.u != b.edges[i-1].u || e.v != b.edges[i-1].v {
			g.Edges = append(g.Edges, Edge{U: e.u, V: e.v, Weight: e.w})
			start = len(links)
		}
		if e.link >= 0 {
			links = append(links, e.link)
			g.Edges[len(g.Edges)-1].Links = links[start:len(links):len(links)]
		}
	}
	b.edges = nil
	g.OutOff, g.OutAdj, g.OutEdg = csr(n, g.Edges, b.directed, false)
	if b.directed {
		g.InOff, g.InAdj, g.InEdg = csr(n, g.Edges, true, true)
	} else {
		g.InOff, g.InAdj, g.InEdg = g.OutOff, g.OutAdj, g.OutEdg
	}
	return g
}

// sortEdges returns edges ordered by (u, v, weight descending, seq): the
// order they came in breaks ties, so the order is total and the same
// however the sort runs. A counting sort by u (stable: edges come in seq
// order) and then a sort of each node's few edges is several times faster
// than one comparison sort of a million edges.
func sortEdges(n int, edges []rawEdge) []rawEdge {
	off := make([]int32, n+1)
	for _, e := range edges {
		off[e.u+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	out := make([]rawEdge, len(edges))
	pos := slices.Clone(off[:n])
	for _, e := range edges {
		out[pos[e.u]] = e
		pos[e.u]++
	}
	for u := range n {
		if seg := out[off[u]:off[u+1]]; len(seg) > 1 {
			slices.SortFunc(seg, func(x, y rawEdge) int {
				return cmp.Or(cmp.Compare(x.v, y.v), cmp.Compare(y.w, x.w), cmp.Compare(x.seq, y.seq))
			})
		}
	}
	return out
}

// csr lays edges out by source (or by target when reverse), each node's
// neighbours ascending. Undirected edges are laid out both ways.
func csr(n int, edges []Edge, directed, reverse bool) (off, adj, edg []int32) {
	off = make([]int32, n+1)
	for _, e := range edges {
		u, v := e.U, e.V
		if reverse {
			u, v = v, u
		}
		off[u+1]++
		if !directed {
			off[v+1]++
		}
	}
	for i := 0; i < n; i++ {
		off[i+1] += off[i]
	}
	pos := slices.Clone(off[:n])
	m := off[n]
	adj, edg = make([]int32, m), make([]int32, m)
	put := func(u, v int32, e int) {
		adj[pos[u]], edg[pos[u]] = v, int32(e)
		pos[u]++
	}
	for i, e := range edges {
		u, v := e.U, e.V
		if reverse {
			u, v = v, u
		}
		put(u, v, i)
		if !directed {
			put(v, u, i)
		}
	}
	for v := 0; v < n; v++ {
		a, b := off[v], off[v+1]
		sortPairs(adj[a:b], edg[a:b])
	}
	return off, adj, edg
}

// sortPairs sorts adj ascending, permuting edg alongside.
func sortPairs(adj, edg []int32) {
	if slices.IsSorted(adj) {
		return
	}
	idx := make([]int, len(adj))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(x, y int) int { return cmp.Compare(adj[x], adj[y]) })
	a2, e2 := slices.Clone(adj), slices.Clone(edg)
	for i, j := range idx {
		adj[i], edg[i] = a2[j], e2[j]
	}
}
