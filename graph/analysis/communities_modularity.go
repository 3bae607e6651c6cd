package analysis

import (
	"fmt"
	"math"
)

// Modularity returns the modularity of the partition that puts node v in
// community communities[v] (any labels 0 ≤ c < N()), by networkx's
// definition (networkx.community.modularity; M. E. J. Newman, "Networks: An
// Introduction", 2010, eq. 7.76; resolution as in J. Reichardt & S.
// Bornholdt, Phys. Rev. E 74, 2006):
//
//	undirected: Q = Σ_c [ L_c/m − γ (d_c / 2m)² ]
//	directed:   Q = Σ_c [ L_c/m − γ d⁺_c d⁻_c / m² ]   (Leicht & Newman 2008)
//
// where m is the total edge weight, L_c the weight of the edges inside c and
// d_c (d⁺_c, d⁻_c) the total (out-, in-) degree of c's nodes. Weights are
// tie strengths when weighted, else 1. Self-loops count as networkx counts
// them: once in m and L_c, twice in an undirected degree, once in each of a
// directed node's out- and in-degree. The snapshot keeps no weight for a
// self-loop (Graph.Loops), so each weighs 1 even when weighted.
//
// A network without edges has no modularity (networkx divides by zero): the
// result is NaN.
func Modularity(g *Graph, communities []int32, resolution float64, weighted bool) (float64, error) {
	n := g.N()
	if len(communities) != n {
		return 0, fmt.Errorf("modularity: %d community labels for %d nodes", len(communities), n)
	}
	for v, c := range communities {
		if c < 0 || int(c) >= n {
			return 0, fmt.Errorf("modularity: node %q has community %d, want 0 ≤ c < %d", g.Keys[v], c, n)
		}
	}
	if err := checkResolution(resolution); err != nil {
		return 0, err
	}
	out, in, inside := make([]float64, n), make([]float64, n), make([]float64, n)
	var m float64
	for _, e := range g.Edges {
		w := edgeWeight(e, weighted)
		m += w
		cu, cv := communities[e.U], communities[e.V]
		out[cu] += w
		in[cv] += w
		if cu == cv {
			inside[cu] += w
		}
	}
	for v, l := range g.Loops {
		c, w := communities[v], float64(l)
		m += w
		out[c] += w
		in[c] += w
		inside[c] += w
	}
	if m == 0 {
		return math.NaN(), nil
	}
	// Summed per community in label order: the same bits for the same input.
	var q float64
	for c := range n {
		if g.Directed {
			q += inside[c]/m - resolution*out[c]*in[c]/(m*m)
		} else {
			d := (out[c] + in[c]) / (2 * m)
			q += inside[c]/m - resolution*d*d
		}
	}
	return q, nil
}

// edgeWeight is e's tie strength when weighted, else 1.
func edgeWeight(e Edge, weighted bool) float64 {
	if weighted {
		return e.Weight
	}
	return 1
}

func checkResolution(r float64) error {
	if !(r > 0) || math.IsInf(r, 0) {
		return fmt.Errorf("resolution %v: want a positive number (1 is standard modularity)", r)
	}
	return nil
}
