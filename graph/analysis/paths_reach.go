package analysis

import (
	"context"
	"slices"
)

// Reached lists nodes by hop distance from a source.
type Reached struct {
	Nodes []int32 // the source first, then by distance, then by key
	Dist  []int32 // Dist[i] is the hop distance of Nodes[i]
}

// Reach returns the nodes within maxHops hops of s (following edge
// direction in directed graphs) with their distances, found by
// breadth-first search; s itself comes first at distance 0, as in
// networkx's single_source_shortest_path_length with cutoff. maxHops < 0
// means no bound.
func Reach(ctx context.Context, g *Graph, s int32, maxHops int) (Reached, error) {
	if err := checkNode(g, s); err != nil {
		return Reached{}, err
	}
	if maxHops < 0 || maxHops > g.N() {
		maxHops = g.N()
	}
	dist := make([]int32, g.N())
	for i := range dist {
		dist[i] = -1
	}
	dist[s] = 0
	r := Reached{Nodes: []int32{s}, Dist: []int32{0}}
	for i := 0; i < len(r.Nodes); i++ {
		x := r.Nodes[i]
		if int(dist[x]) >= maxHops {
			break
		}
		if i&1023 == 1023 && ctx.Err() != nil {
			return Reached{}, ctx.Err()
		}
		adj, _ := g.Out(x)
		for _, y := range adj {
			if dist[y] < 0 {
				dist[y] = dist[x] + 1
				r.Nodes, r.Dist = append(r.Nodes, y), append(r.Dist, dist[y])
			}
		}
	}
	rank := keyRanks(g)
	slices.SortStableFunc(r.Nodes, func(a, b int32) int {
		if dist[a] != dist[b] {
			return int(dist[a] - dist[b])
		}
		return int(rank[a] - rank[b])
	})
	for i, v := range r.Nodes {
		r.Dist[i] = dist[v]
	}
	return r, nil
}

// Ego is the neighbourhood of a node: the nodes within some hops and every
// edge of the graph among them.
type Ego struct {
	Reached
	Edges []int32 // indices into g.Edges, ascending
}

// Neighbourhood returns v's ego network of the given radius: the nodes of
// Reach(v, hops) and the edges of the subgraph they induce, as networkx's
// ego_graph(G, v, radius=hops) (which follows out-edges in directed graphs).
func Neighbourhood(ctx context.Context, g *Graph, v int32, hops int) (Ego, error) {
	r, err := Reach(ctx, g, v, hops)
	if err != nil {
		return Ego{}, err
	}
	in := make([]bool, g.N())
	for _, x := range r.Nodes {
		in[x] = true
	}
	e := Ego{Reached: r}
	for _, x := range r.Nodes {
		adj, edg := g.Out(x)
		for i, y := range adj {
			if in[y] && (g.Directed || x < y) {
				e.Edges = append(e.Edges, edg[i])
			}
		}
	}
	slices.Sort(e.Edges)
	return e, nil
}
