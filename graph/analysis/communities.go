package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// CommunityAlgorithm chooses how Communities optimises modularity.
type CommunityAlgorithm int

const (
	// Leiden is V. A. Traag, L. Waltman & N. J. van Eck, "From Louvain to
	// Leiden: guaranteeing well-connected communities", Sci. Rep. 9, 5233
	// (2019): fast local moving, then a refinement of each community into
	// well-connected subcommunities, aggregated with the unrefined partition
	// as the start of the next level; iterated until a pass changes nothing.
	Leiden CommunityAlgorithm = iota
	// Louvain is V. D. Blondel, J.-L. Guillaume, R. Lambiotte & E. Lefebvre,
	// "Fast unfolding of communities in large networks", J. Stat. Mech.
	// (2008) P10008: sweeps of local moving, then aggregation of each
	// community into one node, until a level moves no node.
	Louvain
)

// CommunityAlgorithms lists the algorithms, in the order of their values.
var CommunityAlgorithms = []CommunityAlgorithm{Leiden, Louvain}

// String returns the algorithm's name in lower case ("leiden", "louvain").
func (a CommunityAlgorithm) String() string {
	switch a {
	case Leiden:
		return "leiden"
	case Louvain:
		return "louvain"
	}
	return fmt.Sprintf("CommunityAlgorithm(%d)", int(a))
}

// CommunityOptions configures Communities.
type CommunityOptions struct {
	Algorithm CommunityAlgorithm
	// Resolution is γ in Modularity; 0 means 1 (standard modularity).
	// Larger values give more, smaller communities.
	Resolution float64
	// Weighted uses tie strengths (Edge.Weight) instead of 1 per edge.
	Weighted bool
	// Iterations bounds Leiden's iterations, each from the previous one's
	// partition (igraph's n_iterations; leidenalg's default is 2). 0 means
	// until an iteration changes nothing, at most 50.
	Iterations int
	// Seed seeds the PCG generator that orders the nodes and makes
	// Leiden's random refinement choices: the same seed and graph give
	// the same partition, bit for bit (the algorithm runs on one core).
	Seed uint64
}

// CommunityResult is a partition of the nodes.
type CommunityResult struct {
	// Of is each node's community, numbered 0, 1, … in the order of each
	// community's smallest node index.
	Of []int32
	// Sizes is each community's number of nodes.
	Sizes []int
	// Modularity is Modularity(g, Of, Resolution, Weighted), or 0 when g
	// has no edges: networkx and igraph leave that undefined (a division by
	// zero; igraph answers NaN), but a partition of an edgeless network is
	// no better than chance, and clients need a number (JSON has no NaN).
	Modularity float64
}

// Communities partitions g's nodes to maximise Modularity with Leiden or
// Louvain (see CommunityAlgorithm). The gain of moving node v into
// community C is Blondel et al.'s (2008), and for a directed graph
// Dugué & Perez's (2015, as networkx's louvain_communities), both written
// with out- and in-strengths (each half the degree when undirected):
//
//	m·ΔQ(v → C) = w(v, C) − γ (k⁺_v Σ⁻_C + k⁻_v Σ⁺_C) / m
//
// where w(v, C) is the weight between v and C in both directions. So a
// directed graph's partition optimises networkx's directed modularity;
// igraph's Leiden instead treats it as undirected (scores differ a little).
func Communities(ctx context.Context, g *Graph, opt CommunityOptions) (*CommunityResult, error) {
	if opt.Resolution == 0 {
		opt.Resolution = 1
	}
	if err := checkResolution(opt.Resolution); err != nil {
		return nil, err
	}
	if opt.Algorithm != Leiden && opt.Algorithm != Louvain {
		return nil, fmt.Errorf("communities: unknown algorithm %d", opt.Algorithm)
	}
	h, err := newLevel(g, opt.Weighted)
	if err != nil {
		return nil, err
	}
	c := &optimiser{gamma: opt.Resolution, m: h.total(), rng: rand.New(rand.NewPCG(opt.Seed, 0x5851f42d4c957f2d))}
	var of []int32
	switch {
	case c.m == 0: // no edges: every node alone, as networkx's louvain_communities and igraph's community_multilevel answer
		of = identity(g.N())
	case opt.Algorithm == Leiden:
		of, err = c.leiden(ctx, h, opt.Iterations)
	default:
		of, err = c.louvain(ctx, h)
	}
	if err != nil {
		return nil, err
	}
	k := relabel(of)
	res := &CommunityResult{Of: of, Sizes: make([]int, k)}
	for _, c := range of {
		res.Sizes[c]++
	}
	if c.m == 0 {
		return res, nil // Modularity 0, as documented on CommunityResult
	}
	res.Modularity, err = Modularity(g, of, opt.Resolution, opt.Weighted)
	return res, err
}

// level is a weighted graph in CSR form, symmetrised (w is the weight of
// both directions; no self-loops in the adjacency), with each node's
// strength k, self-loops included, kept apart for directed modularity.
type level struct {
	off []int32
	adj []int32
	w   []float64
	k   []strength
}

func (h *level) n() int { return len(h.k) }

// total is m, the total edge (arc) weight.
func (h *level) total() float64 {
	var m float64
	for _, k := range h.k {
		m += k.out
	}
	return m
}

// strength is a node's (or community's) out- and in-strength: for an
// undirected graph each is half its degree, so that one formula serves both.
type strength struct{ out, in float64 }

func (a strength) plus(b strength) strength  { return strength{a.out + b.out, a.in + b.in} }
func (a strength) minus(b strength) strength { return strength{a.out - b.out, a.in - b.in} }

// cross is a⁺b⁻ + a⁻b⁺: the expected weight between a and b times m.
func (a strength) cross(b strength) float64 { return a.out*b.in + a.in*b.out }

// newLevel symmetrises g into the first level.
func newLevel(g *Graph, weighted bool) (*level, error) {
	n := g.N()
	k := make([]strength, n)
	for _, e := range g.Edges {
		w := edgeWeight(e, weighted)
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("communities: edge %q–%q has weight %v, want a positive number", g.Keys[e.U], g.Keys[e.V], w)
		}
		if g.Directed {
			k[e.U].out += w
			k[e.V].in += w
		} else {
			k[e.U] = k[e.U].plus(strength{w / 2, w / 2})
			k[e.V] = k[e.V].plus(strength{w / 2, w / 2})
		}
	}
	for v, l := range g.Loops {
		k[v] = k[v].plus(strength{float64(l), float64(l)}) // m counts a loop once
	}
	h := &level{off: make([]int32, n+1), k: k}
	if !g.Directed { // the snapshot's adjacency is symmetric already
		h.off, h.adj = g.OutOff, g.OutAdj
		h.w = make([]float64, len(g.OutEdg))
		for i, e := range g.OutEdg {
			h.w[i] = edgeWeight(g.Edges[e], weighted)
		}
		return h, nil
	}
	// Directed: merge each node's sorted out- and in-lists; reciprocal
	// arcs become one neighbour with their weights added.
	h.adj, h.w = make([]int32, 0, 2*len(g.Edges)), make([]float64, 0, 2*len(g.Edges))
	for v := range int32(n) {
		out, oe := g.Out(v)
		in, ie := g.In(v)
		for len(out) > 0 || len(in) > 0 {
			switch {
			case len(in) == 0 || len(out) > 0 && out[0] < in[0]:
				h.adj, h.w = append(h.adj, out[0]), append(h.w, edgeWeight(g.Edges[oe[0]], weighted))
				out, oe = out[1:], oe[1:]
			case len(out) == 0 || in[0] < out[0]:
				h.adj, h.w = append(h.adj, in[0]), append(h.w, edgeWeight(g.Edges[ie[0]], weighted))
				in, ie = in[1:], ie[1:]
			default:
				h.adj, h.w = append(h.adj, out[0]), append(h.w, edgeWeight(g.Edges[oe[0]], weighted)+edgeWeight(g.Edges[ie[0]], weighted))
				out, oe, in, ie = out[1:], oe[1:], in[1:], ie[1:]
			}
		}
		h.off[v+1] = int32(len(h.adj))
	}
	return h, nil
}

// optimiser holds what every level shares.
type optimiser struct {
	gamma, m float64
	rng      *rand.Rand
}

// louvain runs Blondel et al.'s method and returns each node's community.
func (c *optimiser) louvain(ctx context.Context, h *level) ([]int32, error) {
	of := identity(h.n()) // original node → node of the current level
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part := identity(h.n())
		if !c.sweep(h, part) {
			break
		}
		k := relabel(part)
		for v, x := range of {
			of[v] = part[x]
		}
		h = aggregate(h, part, k)
	}
	return of, nil
}

// leiden runs Traag et al.'s method from singletons, then again from its own
// result (as leidenalg's repeated iterations) until an iteration changes
// nothing or after iterations (0: 50).
func (c *optimiser) leiden(ctx context.Context, base *level, iterations int) ([]int32, error) {
	if iterations <= 0 {
		iterations = 50
	}
	result := identity(base.n())
	for range iterations {
		next, err := c.leidenIteration(ctx, base, slices.Clone(result))
		if err != nil {
			return nil, err
		}
		relabel(next)
		if slices.Equal(next, result) {
			break
		}
		result = next
	}
	return result, nil
}

// leidenIteration is the paper's Algorithm A.1 from the partition part.
func (c *optimiser) leidenIteration(ctx context.Context, h *level, part []int32) ([]int32, error) {
	of := identity(h.n())
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.moveFast(h, part)
		kp := relabel(part)
		if kp == h.n() {
			break
		}
		refined := c.refine(h, part)
		kr := relabel(refined)
		if kr == h.n() { // nothing merged: aggregate the communities themselves
			refined, kr = slices.Clone(part), kp
		}
		next := make([]int32, kr)
		for v, r := range refined {
			next[r] = part[v]
		}
		for v, x := range of {
			of[v] = refined[x]
		}
		h, part = aggregate(h, refined, kr), next
	}
	for v, x := range of {
		of[v] = part[x]
	}
	return of, nil
}

// gain is ΔQ·m of moving a node of strength kv, with weight wvc (both
// directions) to community C of strength tot (without the node), into C.
func (c *optimiser) gain(wvc float64, kv, tot strength) float64 {
	return wvc - c.gamma*kv.cross(tot)/c.m
}

// wellConnected reports whether weight ext between a set of strength a and
// the rest of its community (strength rest) is at least what chance gives.
func (c *optimiser) wellConnected(ext float64, a, rest strength) bool {
	return ext >= c.gamma*a.cross(rest)/c.m
}

// neighbours accumulates v's weight to each community of part in wto,
// listing the communities touched (in adjacency order).
func neighbours(h *level, v int32, part []int32, wto []float64, touched []int32) []int32 {
	touched = touched[:0]
	for i := h.off[v]; i < h.off[v+1]; i++ {
		cu := part[h.adj[i]]
		if wto[cu] == 0 {
			touched = append(touched, cu)
		}
		wto[cu] += h.w[i]
	}
	return touched
}

// best returns the community v gains most by joining (its own, cur, unless
// another gains more by a margin above rounding).
func (c *optimiser) best(kv strength, cur int32, wto []float64, tot []strength, touched []int32) int32 {
	best, bestGain := cur, c.gain(wto[cur], kv, tot[cur])
	eps := 1e-13 * c.m
	for _, x := range touched {
		if g := c.gain(wto[x], kv, tot[x]); g > bestGain+eps {
			best, bestGain = x, g
		}
	}
	return best
}

// sweep moves nodes in a random order to their best community until a sweep
// moves none; it reports whether any node moved.
func (c *optimiser) sweep(h *level, part []int32) bool {
	n := h.n()
	tot := slices.Clone(h.k)
	wto, touched := make([]float64, n), make([]int32, 0, 16)
	order := c.rng.Perm(n)
	moved := false
	for {
		changed := false
		for _, v := range order {
			cur := part[v]
			touched = neighbours(h, int32(v), part, wto, touched)
			tot[cur] = tot[cur].minus(h.k[v])
			b := c.best(h.k[v], cur, wto, tot, touched)
			tot[b] = tot[b].plus(h.k[v])
			part[v] = b
			changed = changed || b != cur
			for _, x := range touched {
				wto[x] = 0
			}
		}
		if !changed {
			return moved
		}
		moved = true
	}
}

// moveFast is Leiden's fast local moving: a queue of nodes, first in a random
// order; a node that moves queues its neighbours outside its new community.
// A node may also leave for an empty community (gain 0).
func (c *optimiser) moveFast(h *level, part []int32) {
	n := h.n()
	tot := make([]strength, n)
	count := make([]int32, n)
	for v, p := range part {
		tot[p] = tot[p].plus(h.k[v])
		count[p]++
	}
	var empty []int32
	for x := n - 1; x >= 0; x-- {
		if count[x] == 0 {
			empty = append(empty, int32(x))
		}
	}
	queue := make([]int32, 0, n)
	inQueue := make([]bool, n)
	for _, v := range c.rng.Perm(n) {
		queue = append(queue, int32(v))
		inQueue[v] = true
	}
	wto, touched := make([]float64, n), make([]int32, 0, 16)
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		inQueue[v] = false
		cur := part[v]
		touched = neighbours(h, v, part, wto, touched)
		tot[cur] = tot[cur].minus(h.k[v])
		b := c.best(h.k[v], cur, wto, tot, touched)
		if count[cur] > 1 && c.gain(wto[b], h.k[v], tot[b]) < -1e-13*c.m && len(empty) > 0 {
			b = empty[len(empty)-1] // alone is better than anywhere
		}
		for _, x := range touched {
			wto[x] = 0
		}
		tot[b] = tot[b].plus(h.k[v])
		if b == cur {
			continue
		}
		if count[b] == 0 {
			empty = empty[:len(empty)-1]
		}
		count[cur]--
		count[b]++
		if count[cur] == 0 {
			empty = append(empty, cur)
		}
		part[v] = b
		for i := h.off[v]; i < h.off[v+1]; i++ {
			u := h.adj[i]
			if part[u] != b && !inQueue[u] {
				inQueue[u] = true
				queue = append(queue, u)
			}
		}
		if len(queue) > 4*n && head > n { // reuse the consumed prefix
			queue = append(queue[:0], queue[head+1:]...)
			head = -1
		}
	}
}

// refinementTheta is θ of the paper's randomised merge: a subcommunity is
// chosen with probability ∝ exp(ΔH/θ), ΔH in units of edge weight.
const refinementTheta = 0.01

// refine splits each community of part into well-connected subcommunities:
// from singletons, each node still alone and well connected to its community
// S joins, at random, a well-connected subcommunity T ⊆ S with ΔH ≥ 0 (the
// paper's MergeNodesSubset). Well connected: w(T, S−T) ≥ γ Σ_T (Σ_S − Σ_T)/2m.
func (c *optimiser) refine(h *level, part []int32) []int32 {
	n := h.n()
	totS := make([]strength, n)
	for v, p := range part {
		totS[p] = totS[p].plus(h.k[v])
	}
	refined := identity(n)
	tot := slices.Clone(h.k)
	size := make([]int32, n)
	ext := make([]float64, n) // w(T, S−T) of each subcommunity T
	for v := range n {
		size[v] = 1
		for i := h.off[v]; i < h.off[v+1]; i++ {
			if part[h.adj[i]] == part[v] {
				ext[v] += h.w[i]
			}
		}
	}
	wto, touched := make([]float64, n), make([]int32, 0, 16)
	var cand []int32
	var weights []float64
	for _, v := range c.rng.Perm(n) {
		s, kv := part[v], h.k[v]
		if size[refined[v]] != 1 || !c.wellConnected(ext[v], kv, totS[s].minus(kv)) {
			continue
		}
		touched = touched[:0]
		for i := h.off[v]; i < h.off[v+1]; i++ {
			if u := h.adj[i]; part[u] == s {
				t := refined[u]
				if wto[t] == 0 {
					touched = append(touched, t)
				}
				wto[t] += h.w[i]
			}
		}
		own := refined[v]
		cand, weights = append(cand[:0], own), append(weights[:0], 0)
		for _, t := range touched {
			if t == own || !c.wellConnected(ext[t], tot[t], totS[s].minus(tot[t])) {
				continue
			}
			if d := c.gain(wto[t], kv, tot[t]); d >= 0 {
				cand, weights = append(cand, t), append(weights, d)
			}
		}
		t := c.choose(cand, weights)
		if t != own {
			ext[t] += ext[v] - 2*wto[t]
			tot[t] = tot[t].plus(kv)
			tot[own] = strength{}
			size[t]++
			size[own] = 0
			refined[v] = t
		}
		for _, x := range touched {
			wto[x] = 0
		}
	}
	return refined
}

// choose draws cand[i] with probability ∝ exp(weights[i]/θ).
func (c *optimiser) choose(cand []int32, weights []float64) int32 {
	if len(cand) == 1 {
		return cand[0]
	}
	top := slices.Max(weights)
	var total float64
	for i, d := range weights {
		// Below e^-40 a weight is lost in the rounding of total (the top
		// weighs 1): skip the exponential.
		if x := (d - top) / refinementTheta; x > -40 {
			weights[i] = math.Exp(x)
		} else {
			weights[i] = 0
		}
		total += weights[i]
	}
	r := c.rng.Float64() * total
	for i, p := range weights {
		if r < p {
			return cand[i]
		}
		r -= p
	}
	return cand[len(cand)-1]
}

// aggregate makes each community of part (labels 0..k-1) one node; weights
// between communities add up and those inside become strength only.
func aggregate(h *level, part []int32, k int) *level {
	// Members of each community, by counting sort.
	start := make([]int32, k+1)
	for _, p := range part {
		start[p+1]++
	}
	for i := range k {
		start[i+1] += start[i]
	}
	members, pos := make([]int32, h.n()), slices.Clone(start[:k])
	for v, p := range part {
		members[pos[p]] = int32(v)
		pos[p]++
	}
	a := &level{off: make([]int32, k+1), k: make([]strength, k)}
	wto, touched := make([]float64, k), make([]int32, 0, 16)
	for x := range k {
		touched = touched[:0]
		for _, v := range members[start[x]:start[x+1]] {
			a.k[x] = a.k[x].plus(h.k[v])
			for i := h.off[v]; i < h.off[v+1]; i++ {
				y := part[h.adj[i]]
				if y == int32(x) {
					continue
				}
				if wto[y] == 0 {
					touched = append(touched, y)
				}
				wto[y] += h.w[i]
			}
		}
		// touched is in a fixed order (members, then adjacency): the same
		// input gives the same layout without sorting.
		for _, y := range touched {
			a.adj = append(a.adj, y)
			a.w = append(a.w, wto[y])
			wto[y] = 0
		}
		a.off[x+1] = int32(len(a.adj))
	}
	return a
}

// relabel relabels part (labels 0 ≤ p < len(part)) 0, 1, … in order of
// first appearance and returns the number of labels.
func relabel(part []int32) int {
	id := make([]int32, len(part))
	for i := range id {
		id[i] = -1
	}
	k := int32(0)
	for i, p := range part {
		if id[p] < 0 {
			id[p] = k
			k++
		}
		part[i] = id[p]
	}
	return int(k)
}

func identity(n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return p
}
