package analysis

import (
	"context"
	"slices"
)

// Connection says how robustly s is connected to t.
type Connection struct {
	// Independent is the number of s–t paths sharing no node but s and t
	// (Menger 1927). As in networkx's local_node_connectivity (and so
	// node_connectivity(G, s, t)), an edge s–t counts as one such path.
	Independent int
	// Paths are Independent pairwise node-disjoint s–t paths, shortest first.
	Paths []Path
	// Critical lists, in order from s, the nodes whose removal alone
	// disconnects t from s: every s–t path passes through each of them.
	// Empty unless Independent is 1 and s and t are not adjacent.
	Critical []int32
}

// Resilience computes the node-independent s–t paths as a maximum flow on
// the split-node graph (every node v becomes v_in → v_out with capacity 1,
// every edge u→v an arc u_out → v_in with capacity 1; Even & Tarjan 1975),
// built exactly like networkx's build_auxiliary_node_connectivity, with
// shortest augmenting paths (Edmonds & Karp 1972) from s_out to t_in. The
// flow is at most min(out-degree of s, in-degree of t), each augmentation
// one breadth-first search.
//
// When the flow is 1, the critical nodes are those whose arc v_in → v_out
// lies in some minimum cut: by Picard & Queyranne (1980) those are the
// saturated arcs whose ends are in different strongly connected components
// of the residual graph, found with one Tarjan (1972) pass. An unreachable
// t gives the zero Connection.
func Resilience(ctx context.Context, g *Graph, s, t int32) (Connection, error) {
	if err := checkPair(g, s, t); err != nil {
		return Connection{}, err
	}
	f := &splitFlow{g: g, s: s, t: t, nodeFlow: make([]bool, g.N()), arcFlow: make([]bool, 2*len(g.Edges))}
	for {
		ok, err := f.augment(ctx)
		if err != nil {
			return Connection{}, err
		}
		if !ok {
			break
		}
		f.value++
	}
	c := Connection{Independent: f.value, Paths: f.paths()}
	if f.value == 1 && c.Paths[0].Hops() > 1 {
		c.Critical = f.critical(c.Paths[0])
	}
	return c, nil
}

// splitFlow is a unit flow on the implicit split-node graph. State 2v is
// v_in and 2v+1 is v_out; arcFlow[2e] is the flow on edge e from U to V and
// arcFlow[2e+1] from V to U (undirected graphs only).
type splitFlow struct {
	g        *Graph
	s, t     int32
	value    int
	nodeFlow []bool
	arcFlow  []bool
	prev     []int32 // BFS tree: previous state, -1 unvisited
	prevEdge []int32 // edge of the arc into the state, -1 for v_in ↔ v_out
}

// arc returns the index in arcFlow of edge e taken from u.
func (f *splitFlow) arc(e, u int32) int32 {
	if f.g.Directed || f.g.Edges[e].U == u {
		return 2 * e
	}
	return 2*e + 1
}

// residual calls fn for every residual arc out of state st.
func (f *splitFlow) residual(st int32, fn func(to, edge int32)) {
	v := st / 2
	if st%2 == 0 { // v_in
		if !f.nodeFlow[v] {
			fn(2*v+1, -1)
		}
		adj, edg := f.g.In(v) // reverse of u_out → v_in carrying flow
		for i, u := range adj {
			if f.arcFlow[f.arc(edg[i], u)] {
				fn(2*u+1, edg[i])
			}
		}
		return
	}
	if f.nodeFlow[v] {
		fn(2*v, -1)
	}
	adj, edg := f.g.Out(v)
	for i, u := range adj {
		if !f.arcFlow[f.arc(edg[i], v)] {
			fn(2*u, edg[i])
		}
	}
}

// augment pushes one unit along a shortest residual path s_out ⇝ t_in.
func (f *splitFlow) augment(ctx context.Context) (bool, error) {
	n := f.g.N()
	if f.prev == nil {
		f.prev, f.prevEdge = make([]int32, 2*n), make([]int32, 2*n)
	}
	for i := range f.prev {
		f.prev[i] = -1
	}
	src, dst := 2*f.s+1, 2*f.t
	f.prev[src] = src
	queue := []int32{src}
	for i := 0; i < len(queue) && f.prev[dst] < 0; i++ {
		if i&1023 == 1023 && ctx.Err() != nil {
			return false, ctx.Err()
		}
		st := queue[i]
		f.residual(st, func(to, e int32) {
			if f.prev[to] < 0 {
				f.prev[to], f.prevEdge[to] = st, e
				queue = append(queue, to)
			}
		})
	}
	if f.prev[dst] < 0 {
		return false, nil
	}
	for st := dst; st != src; st = f.prev[st] {
		p, e := f.prev[st], f.prevEdge[st]
		switch {
		case e < 0:
			f.nodeFlow[st/2] = st%2 == 1 // forward internal arc, or its reverse
		case p%2 == 1:
			f.arcFlow[f.arc(e, p/2)] = true // p_out → st_in
		default:
			f.arcFlow[f.arc(e, st/2)] = false // cancels st_out → p_in
		}
	}
	return true, nil
}

// paths decomposes the flow into node-disjoint s–t paths.
func (f *splitFlow) paths() []Path {
	var out []Path
	adj, edg := f.g.Out(f.s)
	for i, u := range adj {
		if !f.arcFlow[f.arc(edg[i], f.s)] {
			continue
		}
		p := Path{Nodes: []int32{f.s, u}, Edges: []int32{edg[i]}}
		for v := u; v != f.t && len(p.Nodes) <= f.g.N(); {
			v = f.follow(v, &p)
		}
		if p.Nodes[len(p.Nodes)-1] == f.t {
			p.Cost = float64(p.Hops())
			out = append(out, p)
		}
	}
	rank := keyRanks(f.g)
	slices.SortFunc(out, func(a, b Path) int { return comparePaths(a, b, rank) })
	return out
}

// follow appends the flow-carrying arc out of v to p and returns its head.
func (f *splitFlow) follow(v int32, p *Path) int32 {
	adj, edg := f.g.Out(v)
	for i, u := range adj {
		if f.arcFlow[f.arc(edg[i], v)] && !slices.Contains(p.Nodes, u) {
			p.Nodes, p.Edges = append(p.Nodes, u), append(p.Edges, edg[i])
			return u
		}
	}
	return f.t // no continuation: leaves the path unfinished
}

// critical returns the nodes of the only flow path whose internal arc has
// its ends in different strongly connected components of the residual graph.
func (f *splitFlow) critical(p Path) []int32 {
	comp := f.residualSCC()
	var out []int32
	for _, v := range p.Nodes[1 : len(p.Nodes)-1] {
		if comp[2*v] != comp[2*v+1] {
			out = append(out, v)
		}
	}
	return out
}

// residualSCC labels the strongly connected components of the residual
// graph with Tarjan's algorithm, iteratively over an explicit copy.
func (f *splitFlow) residualSCC() []int32 {
	ns := int32(2 * f.g.N())
	off := make([]int32, ns+1)
	var adj []int32
	for st := range ns {
		f.residual(st, func(to, _ int32) { adj = append(adj, to) })
		off[st+1] = int32(len(adj))
	}
	index, low, comp := make([]int32, ns), make([]int32, ns), make([]int32, ns)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack, call []int32
	pos := make([]int32, ns) // next arc to look at, per state on the call stack
	next, ncomp := int32(0), int32(0)
	for root := range ns {
		if index[root] >= 0 {
			continue
		}
		call = append(call, root)
		index[root], low[root], pos[root] = next, next, off[root]
		next++
		stack = append(stack, root)
		for len(call) > 0 {
			v := call[len(call)-1]
			if pos[v] < off[v+1] {
				w := adj[pos[v]]
				pos[v]++
				switch {
				case index[w] < 0:
					index[w], low[w], pos[w] = next, next, off[w]
					next++
					stack = append(stack, w)
					call = append(call, w)
				case comp[w] < 0:
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1]
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					comp[w] = ncomp
					if w == v {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp
}
