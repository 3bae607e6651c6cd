package analysis

import "context"

// HolesOptions selects the tie values Burt's measures use.
type HolesOptions struct {
	// Weighted uses Edge.Weight as the tie value a, like networkx's
	// weight="weight"; otherwise every tie counts 1 (networkx's weight=None).
	Weighted bool
}

// Holes holds Burt's structural-hole measures per node, indexed like the
// graph. A node without contacts has no ego network, so its measures are
// undefined: networkx reports NaN, we report Defined[v] == false and leave 0
// in the three slices (callers show null). No NaN is ever stored.
type Holes struct {
	Constraint    []float64
	EffectiveSize []float64
	Efficiency    []float64
	Defined       []bool
}

// StructuralHoles computes Burt's (1992, Structural Holes: The Social
// Structure of Competition) constraint, effective size and efficiency for
// every node exactly as networkx.constraint and networkx.effective_size
// define them, on directed or undirected graphs.
//
// The contacts N(i) of i are its predecessors and successors other than i.
// The mutual weight a_ij + a_ji sums the ties in both directions (an
// undirected tie counts both ways), p_ij is i's mutual weight with j divided
// by the sum over i's contacts, and m_jq is j's mutual weight with q divided
// by j's largest mutual weight with any contact. Then
//
//	constraint  c_i = Σ_{j∈N(i)} (p_ij + Σ_{q∈N(i)} p_iq p_qj)²
//	effective size  e_i = Σ_{j∈N(i)} (1 − Σ_{q∈N(i)} p_iq m_jq)
//	efficiency  e_i / |N(i)|
//
// (for undirected unweighted graphs e_i equals Borgatti's n − 2t/n, which
// networkx uses there). Efficiency follows the networkx documentation's
// recipe e_i / G.degree(i); we divide by the number of contacts, which is
// the same for undirected graphs and is Burt's definition for directed
// ones, where networkx's degree would count a mutual pair twice.
//
// Self-loops are ignored: Burt's sums run over contacts j ≠ i, while
// networkx would count ego as its own contact. networkx's pure-Python path
// also returns NaN for a directed node whose ties are all incoming (it tests
// the successors only); we return the value of the formula, as networkx's
// scipy path and its documentation do.
//
// Cost O(Σ_v deg(v)²) time, O(N) memory per worker; work is split by node
// across GOMAXPROCS workers and stops with ctx's error when ctx is done.
// Each node's measures come from one pass over its ego network, so they do
// not depend on the number of workers or their scheduling.
func StructuralHoles(ctx context.Context, g *Graph, opt HolesOptions) (*Holes, error) {
	n := g.N()
	h := &Holes{
		Constraint:    make([]float64, n),
		EffectiveSize: make([]float64, n),
		Efficiency:    make([]float64, n),
		Defined:       make([]bool, n),
	}
	c := newContactTies(g, opt.Weighted)
	err := forEachNode(ctx, n, func() func(v int32) {
		b := newHolesScratch(n)
		return func(v int32) { b.ego(c, h, v) }
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// contactTies is the contact structure of Burt's measures in CSR form: i's
// contacts are adj[off[i]:off[i+1]] ascending, a holds i's mutual weight
// with each, p the proportional tie p_ij and mx[i] i's largest mutual weight.
type contactTies struct {
	off, adj []int32
	a, p     []float64
	mx       []float64
}

func newContactTies(g *Graph, weighted bool) *contactTies {
	weight := func(e int32) float64 {
		if weighted {
			return g.Edges[e].Weight
		}
		return 1
	}
	n := g.N()
	c := &contactTies{off: make([]int32, n+1), mx: make([]float64, n)}
	if !g.Directed {
		// Both directions carry the same weight; the factor 2 of the mutual
		// weight cancels in p and m, exactly in floating point.
		c.off, c.adj = g.OutOff, g.OutAdj
		c.a = make([]float64, len(g.OutAdj))
		for k, e := range g.OutEdg {
			c.a[k] = weight(e)
		}
	} else {
		c.adj = make([]int32, 0, len(g.OutAdj)+len(g.InAdj))
		for v := int32(0); v < int32(n); v++ {
			out, oe := g.Out(v)
			in, ie := g.In(v)
			c.a = mergeWeights(c.a, out, oe, in, ie, weight)
			c.adj = mergeSorted(c.adj, out, in)
			c.off[v+1] = int32(len(c.adj))
		}
	}
	c.p = make([]float64, len(c.adj))
	for v := 0; v < n; v++ {
		lo, hi := c.off[v], c.off[v+1]
		sum, mx := 0.0, 0.0
		for _, a := range c.a[lo:hi] {
			sum += a
			mx = max(mx, a)
		}
		c.mx[v] = mx
		for k := lo; k < hi; k++ {
			if sum != 0 {
				c.p[k] = c.a[k] / sum
			}
		}
	}
	return c
}

// mergeWeights appends, for the union of the ascending lists out and in,
// each neighbour's out-weight plus in-weight (the mutual weight).
func mergeWeights(dst []float64, out, oe, in, ie []int32, weight func(int32) float64) []float64 {
	i, j := 0, 0
	for i < len(out) || j < len(in) {
		switch {
		case j == len(in) || (i < len(out) && out[i] < in[j]):
			dst = append(dst, weight(oe[i]))
			i++
		case i == len(out) || in[j] < out[i]:
			dst = append(dst, weight(ie[j]))
			j++
		default:
			dst = append(dst, weight(oe[i])+weight(ie[j]))
			i++
			j++
		}
	}
	return dst
}

// holesScratch is one worker's dense buffers, reset after each ego.
type holesScratch struct {
	mark []int32   // mark[q] == i+1 while q is a contact of ego i
	pi   []float64 // pi[q] = p_iq for the current ego
	ind  []float64 // ind[j] = Σ_q p_iq p_qj, the indirect investment in j
}

func newHolesScratch(n int) *holesScratch {
	return &holesScratch{mark: make([]int32, n), pi: make([]float64, n), ind: make([]float64, n)}
}

// ego computes node i's three measures with one pass over the contacts of
// its contacts.
func (b *holesScratch) ego(c *contactTies, h *Holes, i int32) {
	lo, hi := c.off[i], c.off[i+1]
	if lo == hi {
		return
	}
	for k := lo; k < hi; k++ {
		b.mark[c.adj[k]] = i + 1
		b.pi[c.adj[k]] = c.p[k]
	}
	esize := 0.0
	for k := lo; k < hi; k++ {
		j := c.adj[k]
		pij, mj := c.p[k], c.mx[j]
		redundancy := 0.0
		for k2 := c.off[j]; k2 < c.off[j+1]; k2++ {
			q := c.adj[k2]
			if b.mark[q] != i+1 {
				continue
			}
			b.ind[q] += pij * c.p[k2]
			if mj != 0 { // networkx's m_jq is 0 when j's ties all weigh 0
				redundancy += b.pi[q] * (c.a[k2] / mj)
			}
		}
		esize += 1 - redundancy
	}
	con := 0.0
	for k := lo; k < hi; k++ {
		j := c.adj[k]
		s := c.p[k] + b.ind[j]
		con += s * s
		b.ind[j] = 0
	}
	h.Constraint[i] = con
	h.EffectiveSize[i] = esize
	h.Efficiency[i] = esize / float64(hi-lo)
	h.Defined[i] = true
}

// forEachNode calls a worker's function for every node 0..n-1, split across
// GOMAXPROCS workers (at most n) by centralityRun; newWorker runs once per
// worker to set up its buffers. Each node's work must not depend on the
// other nodes' (so results do not depend on the workers or their
// scheduling). It checks ctx before every node and returns ctx's error
// if ctx is done before all nodes are processed.
func forEachNode(ctx context.Context, n int, newWorker func() func(v int32)) error {
	fs := make([]func(v int32), centralityWorkers(0, n))
	for w := range fs {
		fs[w] = newWorker()
	}
	return centralityRun(ctx, n, len(fs), func(w, v int) { fs[w](int32(v)) })
}
