package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// KadabraOptions configures BetweennessKadabra.
type KadabraOptions struct {
	// Epsilon bounds the absolute error of every Normalized value: with
	// probability at least 1−Delta, |estimate(v) − exact(v)| ≤ Epsilon for
	// every node v at once. In (0, 1).
	Epsilon float64
	// Delta is the probability that the bound may fail. In (0, 1).
	Delta float64
	// Seed seeds the PCG generators that draw the sampled paths: the same
	// seed and graph give the same bits, whatever Workers and GOMAXPROCS.
	Seed uint64
	// Workers bounds parallelism; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Normalized selects networkx's normalised scale, as for Betweenness.
	Normalized bool
}

// BetweennessEstimate says how an estimated betweenness was obtained, so
// that an answer can state its method and guarantee.
type BetweennessEstimate struct {
	Method  string  // "KADABRA"
	Epsilon float64 // absolute error bound on the Normalized values
	Delta   float64 // probability that the bound does not hold
	Samples int     // shortest paths sampled, calibration phase included
}

// Constants of KADABRA, as in the paper and in its authors' code (which
// NetworKit's KadabraBetweenness follows).
const (
	// kadabraC is the universal constant c of the sample bound ω, 0.5 as
	// in Riondato & Kornaropoulos (2016), after Löffler & Phillips (2009).
	kadabraC = 0.5
	// kadabraStartFactor: the calibration phase samples ω/100 paths.
	kadabraStartFactor = 100
	// kadabraBalancing is the share of the failure probability spread
	// evenly over the nodes; the rest follows the calibration estimates.
	kadabraBalancing = 0.001
	// The stopping rule is checked after rounds of samples: at least
	// kadabraMinRound, else τ/32 (so at most 3% more samples are drawn than
	// a check after every sample would draw), at most kadabraMaxRound (the
	// hits of a round are held in memory). The rounds depend on τ only,
	// never on the number of workers.
	kadabraMinRound = 1024
	kadabraMaxRound = 1 << 16
)

// BetweennessKadabra estimates shortest-path betweenness (by hops) with
// KADABRA: M. Borassi & E. Natale, "KADABRA is an ADaptive Algorithm for
// Betweenness via Random Approximation", ESA 2016 and ACM J. Exp.
// Algorithmics 24, 2019.
//
// It samples τ pairs s ≠ t uniformly, draws one shortest s–t path uniformly
// for each by a balanced bidirectional breadth-first search (the side whose
// frontier has the smaller degree sum grows a level at a time, until the
// two balls touch), and counts how often each node is an inner node of the
// drawn path: x̃(v)/τ estimates
//
//	b(v) = 1/(n(n−1)) · Σ_{s≠v≠t} σ_st(v)/σ_st.
//
// It stops as soon as, for every node, f(x̃(v)/τ, δ_L(v), ω, τ) ≤ ε' and
// g(x̃(v)/τ, δ_U(v), ω, τ) ≤ ε' (the paper's deviation bounds, checked after
// rounds of samples), or when τ reaches
//
//	ω = c/ε'² · (⌊log₂(VD−2)⌋ + 1 + ln(2/δ)),  c = 0.5,
//
// VD being an upper bound on the vertex diameter (see kadabraVertexDiameter).
// The per-node failure probabilities δ_L(v), δ_U(v) sum to δ/2 (the other δ/2
// covers ω) and are allocated from a separate calibration sample of ω/100
// paths, as the authors' code does: δ_L(v) = δ_U(v) = exp(−C ε'²/b̃₀(v)) +
// δ·0.001/(4n), with C found by bisection.
//
// The result is on Betweenness's scale with the same Normalized flag, so the
// two can be mixed: raw sums over ordered pairs are n(n−1)·x̃(v)/τ, halved
// when undirected; normalised values are n/(n−2)·x̃(v)/τ. The guarantee is
// stated on the Normalized values: ε' = Epsilon·(n−2)/n, so that with
// probability at least 1−Delta every normalised estimate is within Epsilon
// of networkx's betweenness_centrality(G); unnormalised values are within
// Epsilon·(n−1)(n−2)/2 (undirected) or Epsilon·(n−1)(n−2) (directed).
//
// Paths are counted in hops: KADABRA's sampler is a breadth-first search,
// tie strength is ignored. Directed graphs are supported (the target's side
// follows in-links). Sample i draws from its own PCG stream, derived from
// Seed and i, and counts are integers, so the same seed and graph give the
// same bits for any Workers; ctx is checked before every sample.
func BetweennessKadabra(ctx context.Context, g *Graph, opt KadabraOptions) ([]float64, BetweennessEstimate, error) {
	est := BetweennessEstimate{Method: "KADABRA", Epsilon: opt.Epsilon, Delta: opt.Delta}
	if err := opt.check(); err != nil {
		return nil, est, fmt.Errorf("kadabra betweenness: %w", err)
	}
	n := g.N()
	bc := make([]float64, n)
	if n <= 2 {
		return bc, est, nil
	}
	k := newKadabra(g, opt, ctx.Done())
	if err := ctx.Err(); err != nil { // the setup may have stopped midway
		return nil, est, fmt.Errorf("kadabra betweenness: %w", err)
	}
	if k.vd < 3 { // no shortest path has an inner node: every value is 0
		return bc, est, nil
	}
	counts, tau, err := k.run(ctx)
	est.Samples = k.samples
	if err != nil {
		return nil, est, fmt.Errorf("kadabra betweenness: %w", err)
	}
	scale := float64(n) / float64(n-2) / float64(tau)
	if !opt.Normalized {
		scale = float64(n) * float64(n-1) / float64(tau)
		if !g.Directed {
			scale /= 2
		}
	}
	for v, c := range counts {
		bc[v] = c * scale
	}
	return bc, est, nil
}

func (opt KadabraOptions) check() error {
	if !(opt.Epsilon > 0 && opt.Epsilon < 1) {
		return fmt.Errorf("epsilon %v: %w: must be in (0, 1)", opt.Epsilon, ErrBadOption)
	}
	if !(opt.Delta > 0 && opt.Delta < 1) {
		return fmt.Errorf("delta %v: %w: must be in (0, 1)", opt.Delta, ErrBadOption)
	}
	return nil
}

// kadabra holds one estimation's parameters.
type kadabra struct {
	g       *Graph
	opt     KadabraOptions
	eps     float64           // ε' = Epsilon·(n−2)/n, the bound on b(v)
	vd      int32             // upper bound on the vertex diameter
	omega   float64           // ω, the largest number of samples
	comp    []int32           // strongly connected component of each node
	samples int               // paths sampled so far, both phases
	ws      []*kadabraSampler // per-worker buffers, kept across rounds
}

// newKadabra bounds the vertex diameter and sets ω. The bound takes a good
// fraction of a second on a million links: it stops early, with a useless
// result, once stop is closed (the caller checks its context next).
func newKadabra(g *Graph, opt KadabraOptions, stop <-chan struct{}) *kadabra {
	n := g.N()
	k := &kadabra{g: g, opt: opt, eps: opt.Epsilon * float64(n-2) / float64(n)}
	k.comp, k.vd = kadabraVertexDiameter(g, stop)
	if k.vd >= 3 {
		k.omega = kadabraC / (k.eps * k.eps) *
			(math.Floor(math.Log2(float64(k.vd-2))) + 1 + math.Log(2/opt.Delta))
	}
	return k
}

// run performs the calibration phase, then samples until the stopping rule
// holds or ω is reached, and returns the counts x̃ and τ.
func (k *kadabra) run(ctx context.Context) ([]float64, int, error) {
	omega := int(math.Ceil(k.omega))
	calib := max(1, omega/kadabraStartFactor)
	counts := make([]float64, k.g.N())
	if err := k.sample(ctx, 0, 0, calib, counts); err != nil {
		return nil, 0, err
	}
	lnDelta := k.allocateDelta(counts, calib)
	clear(counts)
	tau := 0
	for tau < omega {
		round := min(omega-tau, max(kadabraMinRound, min(kadabraMaxRound, tau/32)))
		if err := k.sample(ctx, 1, tau, round, counts); err != nil {
			return nil, 0, err
		}
		tau += round
		if k.haveToStop(counts, lnDelta, tau) {
			break
		}
	}
	return counts, tau, nil
}

// sample draws the paths first..first+count−1 of phase and adds one to
// counts[v] for every inner node v of each. Each sample has its own PCG
// stream and counts are integers (exact in float64), so the sums do not
// depend on which worker drew which sample, nor in which order.
func (k *kadabra) sample(ctx context.Context, phase uint64, first, count int, counts []float64) error {
	workers := centralityWorkers(k.opt.Workers, count)
	for len(k.ws) < workers {
		k.ws = append(k.ws, newKadabraSampler(k.g, k.comp))
	}
	seed := mix64(k.opt.Seed)
	err := centralityRun(ctx, count, workers, func(w, i int) {
		s := k.ws[w]
		s.pcg.Seed(seed, uint64(first+i)<<1|phase)
		s.path()
	})
	k.samples += count
	if err != nil {
		return err
	}
	for _, s := range k.ws {
		for _, v := range s.hits {
			counts[v]++
		}
		s.hits = s.hits[:0]
	}
	return nil
}

// allocateDelta returns ln(1/δ_L(v)) (= ln(1/δ_U(v))) for every node, from
// the calibration counts of calib samples, following the authors' code
// (computeBetaGamma, absolute case): the nodes share (1−β)·δ/2 in
// proportion to exp(−C ε²/b̃₀(v)), with C the constant that makes the sum
// fit, and β·δ/2 evenly, β = kadabraBalancing.
func (k *kadabra) allocateDelta(counts []float64, calib int) []float64 {
	n := float64(k.g.N())
	delta, eps2 := k.opt.Delta, k.eps*k.eps
	budget := delta / 2 * (1 - kadabraBalancing)
	term := func(c, b float64) float64 {
		if b == 0 {
			return 0
		}
		return math.Exp(-c * eps2 / b)
	}
	// At hi every term is at most exp(−hi·ε²) (b̃₀ ≤ 1), so the sum is
	// within budget; the bisection keeps it so, and every δ stays below 1.
	lo, hi := 0.0, math.Log(4*n/(delta*(1-kadabraBalancing)))/eps2
	for hi-lo > k.eps/10 {
		c := (lo + hi) / 2
		sum := 0.0
		for _, x := range counts {
			sum += 2 * term(c, x/float64(calib))
		}
		if sum >= budget {
			lo = c
		} else {
			hi = c
		}
	}
	floor := delta * kadabraBalancing / 4 / n
	ln := make([]float64, len(counts))
	for v, x := range counts {
		ln[v] = -math.Log(term(hi, x/float64(calib)) + floor)
	}
	return ln
}

// haveToStop reports whether every node's estimate x̃(v)/τ meets the
// stopping rule: the lower and upper deviation bounds f and g (Borassi &
// Natale) are both at most ε. It returns at the first node that
// fails, so the rounds before the stop cost little.
func (k *kadabra) haveToStop(counts, lnDelta []float64, tau int) bool {
	t := float64(tau)
	r := k.omega / t
	for v, x := range counts {
		b, ln := x/t, lnDelta[v]
		lower, upper := r-1.0/3, r+1.0/3
		f := ln / t * (-lower + math.Sqrt(lower*lower+2*b*k.omega/ln))
		gv := ln / t * (upper + math.Sqrt(upper*upper+2*b*k.omega/ln))
		if min(f, b) > k.eps || min(gv, 1-b) > k.eps {
			return false
		}
	}
	return true
}

// kadabraSampler holds one worker's buffers for the bidirectional search,
// sized once; a sample touches and resets only the nodes it reaches.
type kadabraSampler struct {
	g     *Graph
	comp  []int32
	pcg   *rand.PCG
	rng   *rand.Rand
	ball  []uint8   // 0 = not reached, kadabraS = from s, kadabraT = towards t
	dist  []int32   // hops from s (ball S) or to t (ball T)
	sigma []float64 // shortest paths from s, or to t
	queue []int32   // nodes reached, level by level, both sides interleaved
	cross [][2]int32
	hits  []int32 // inner nodes of the paths drawn so far
}

const (
	kadabraS = 1
	kadabraT = 2
)

func newKadabraSampler(g *Graph, comp []int32) *kadabraSampler {
	n := g.N()
	pcg := rand.NewPCG(0, 0)
	return &kadabraSampler{g: g, comp: comp, pcg: pcg, rng: rand.New(pcg),
		ball: make([]uint8, n), dist: make([]int32, n), sigma: make([]float64, n), queue: make([]int32, 0, n)}
}

// path draws s ≠ t uniformly, then a shortest s–t path uniformly among all,
// and appends its inner nodes to hits. Nothing is drawn when t is not
// reachable from s.
func (k *kadabraSampler) path() {
	n := k.g.N()
	s := int32(k.rng.IntN(n))
	t := int32(k.rng.IntN(n - 1))
	if t >= s {
		t++
	}
	// No path when t's component comes after s's in Tarjan's order (it
	// cannot be reached from s), or differs when undirected: the search
	// would only visit what s reaches.
	if k.comp[t] > k.comp[s] || !k.g.Directed && k.comp[t] != k.comp[s] {
		return
	}
	if k.meet(s, t) {
		k.draw(s, t)
	}
	for _, v := range k.queue {
		k.ball[v] = 0
	}
	k.queue, k.cross = k.queue[:0], k.cross[:0]
}

// meet grows a ball from s along out-links and one from t along in-links, a
// whole level at a time, always the side whose frontier has fewer links to
// follow, until a level finds links between the balls: those (cross) are
// exactly the middle links of the shortest s–t paths. It reports whether
// the balls met.
func (k *kadabraSampler) meet(s, t int32) bool {
	g := k.g
	k.reach(s, kadabraS, 0, 1)
	k.reach(t, kadabraT, 0, 1)
	// Frontiers are ranges of queue; each side's next level is appended.
	fs, ft := [2]int{0, 1}, [2]int{1, 2}
	ds := int64(g.OutOff[s+1] - g.OutOff[s])
	dt := int64(g.InOff[t+1] - g.InOff[t])
	for len(k.cross) == 0 {
		if ds == 0 || dt == 0 {
			return false
		}
		if ds <= dt {
			fs, ds = k.grow(fs, kadabraS)
		} else {
			ft, dt = k.grow(ft, kadabraT)
		}
	}
	return true
}

// grow expands the frontier queue[f[0]:f[1]] of side by one level and
// returns the new frontier and the number of links leaving it (out-links
// for s's side, in-links for t's). Links into the other ball are recorded
// in cross as (s-side node, t-side node).
func (k *kadabraSampler) grow(f [2]int, side uint8) ([2]int, int64) {
	g := k.g
	off, adj := g.InOff, g.InAdj
	if side == kadabraS {
		off, adj = g.OutOff, g.OutAdj
	}
	start := len(k.queue)
	var links int64
	for _, x := range k.queue[f[0]:f[1]] {
		next, sx := k.dist[x]+1, k.sigma[x]
		for _, y := range adj[off[x]:off[x+1]] {
			switch k.ball[y] {
			case 0:
				k.reach(y, side, next, sx)
				links += int64(off[y+1] - off[y])
			case side:
				if k.dist[y] == next {
					k.sigma[y] += sx
				}
			default:
				if side == kadabraS {
					k.cross = append(k.cross, [2]int32{x, y})
				} else {
					k.cross = append(k.cross, [2]int32{y, x})
				}
			}
		}
	}
	return [2]int{start, len(k.queue)}, links
}

func (k *kadabraSampler) reach(v int32, side uint8, d int32, sigma float64) {
	k.ball[v], k.dist[v], k.sigma[v] = side, d, sigma
	k.queue = append(k.queue, v)
}

// draw picks a middle link (x, y) with probability σ_sx·σ_yt/σ_st, then walks
// back from x to s and on from y to t, each step choosing among the
// neighbours one hop closer with probability proportional to their σ: every
// shortest s–t path is drawn with probability 1/σ_st.
func (k *kadabraSampler) draw(s, t int32) {
	total := 0.0
	for _, e := range k.cross {
		total += k.sigma[e[0]] * k.sigma[e[1]]
	}
	r := k.rng.Float64() * total
	pick := k.cross[len(k.cross)-1]
	for _, e := range k.cross {
		if r -= k.sigma[e[0]] * k.sigma[e[1]]; r < 0 {
			pick = e
			break
		}
	}
	g := k.g
	k.walk(pick[0], s, kadabraS, g.InOff, g.InAdj)
	k.walk(pick[1], t, kadabraT, g.OutOff, g.OutAdj)
}

// walk follows side's ball from v to its centre end, recording every node
// but end; off/adj are the links towards end (in-links on s's side).
func (k *kadabraSampler) walk(v, end int32, side uint8, off, adj []int32) {
	for v != end {
		k.hits = append(k.hits, v)
		d := k.dist[v] - 1
		r := k.rng.Float64() * k.sigma[v]
		next := int32(-1)
		for _, u := range adj[off[v]:off[v+1]] {
			if k.ball[u] != side || k.dist[u] != d {
				continue
			}
			next = u // the last candidate, should rounding leave r ≥ 0
			if r -= k.sigma[u]; r < 0 {
				break
			}
		}
		v = next
	}
}

// kadabraVertexDiameter returns the strongly connected component of every
// node (connected, when undirected) and an upper bound on the vertex
// diameter, the most nodes on any shortest path, which KADABRA's ω needs.
//
// A shortest path stays in each strongly connected component it enters for
// one stretch (leaving and coming back would put the nodes in between in the
// component), and that stretch is a shortest path of the component. In a
// component C, any shortest path is at most ecc_in(r) + ecc_out(r) hops long
// for any node r of C (twice r's eccentricity when undirected), so it has at
// most that plus one nodes. The bound is the heaviest chain of components
// in the condensation, weighing each component so. One search each way per
// component from its best-linked node: O(n + m) in all. It polls stop every
// 4096 nodes and returns nil, 0 once it is closed. (The paper bounds VD
// the same way for undirected graphs; for directed ones it proposes this
// decomposition too.)
func kadabraVertexDiameter(g *Graph, stop <-chan struct{}) ([]int32, int32) {
	comp, ncomp := kadabraSCC(g, stop)
	if comp == nil {
		return nil, 0
	}
	n := g.N()
	// Members of each component, components in the order Tarjan emits them
	// (every link between components points to an earlier one).
	start := make([]int32, ncomp+1)
	for _, c := range comp {
		start[c+1]++
	}
	for c := range ncomp {
		start[c+1] += start[c]
	}
	members := make([]int32, n)
	fill := append([]int32(nil), start[:ncomp]...)
	for v, c := range comp {
		members[fill[c]] = int32(v)
		fill[c]++
	}
	dist := make([]int32, n)
	for v := range dist {
		dist[v] = -1
	}
	queue := make([]int32, 0, n)
	stopped := false
	ecc := func(r int32, off, adj []int32) int32 {
		queue = append(queue[:0], r)
		dist[r] = 0
		for head := 0; head < len(queue); head++ {
			if head%4096 == 4095 && kadabraClosed(stop) {
				stopped = true
				break
			}
			v := queue[head]
			for _, u := range adj[off[v]:off[v+1]] {
				if dist[u] < 0 && comp[u] == comp[r] {
					dist[u] = dist[v] + 1
					queue = append(queue, u)
				}
			}
		}
		e := dist[queue[len(queue)-1]]
		for _, v := range queue {
			dist[v] = -1
		}
		return e
	}
	best := make([]int32, ncomp)
	vd := int32(0)
	for c := range ncomp {
		ms := members[start[c]:start[c+1]]
		r := ms[0]
		deg := func(v int32) int32 { return g.OutOff[v+1] - g.OutOff[v] + g.InOff[v+1] - g.InOff[v] }
		for _, v := range ms {
			if deg(v) > deg(r) {
				r = v
			}
		}
		w := int32(1)
		if len(ms) > 1 {
			w += ecc(r, g.OutOff, g.OutAdj) + ecc(r, g.InOff, g.InAdj)
		}
		chain := int32(0)
		for _, v := range ms {
			for _, u := range g.OutAdj[g.OutOff[v]:g.OutOff[v+1]] {
				if comp[u] != int32(c) {
					chain = max(chain, best[comp[u]])
				}
			}
		}
		best[c] = w + chain
		vd = max(vd, best[c])
		if stopped || c%4096 == 4095 && kadabraClosed(stop) {
			return nil, 0
		}
	}
	return comp, vd
}

// kadabraSCC numbers the strongly connected components of g (the connected
// ones when undirected) with Tarjan's algorithm, iteratively: components
// come out in reverse topological order, so a link between two components
// always points to the one with the smaller number. It polls stop every
// 4096 nodes and returns nil, 0 once it is closed.
func kadabraSCC(g *Graph, stop <-chan struct{}) ([]int32, int32) {
	n := g.N()
	index, low, comp := make([]int32, n), make([]int32, n), make([]int32, n)
	for v := range index {
		index[v], comp[v] = -1, -1
	}
	type frame struct{ v, pos int32 }
	var frames []frame
	var stack []int32
	next, ncomp := int32(0), int32(0)
	visit := func(v int32) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		frames = append(frames, frame{v, g.OutOff[v]})
	}
	for root := range int32(n) {
		if index[root] >= 0 {
			continue
		}
		visit(root)
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			v := f.v
			if f.pos < g.OutOff[v+1] {
				u := g.OutAdj[f.pos]
				f.pos++
				switch {
				case index[u] < 0:
					if next%4096 == 0 && kadabraClosed(stop) {
						return nil, 0
					}
					visit(u)
				case comp[u] < 0: // on the stack
					low[v] = min(low[v], index[u])
				}
				continue
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				p := frames[len(frames)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				for {
					u := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					comp[u] = ncomp
					if u == v {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp, ncomp
}

// kadabraClosed polls stop without waiting. Callers poll every 4096 nodes:
// a channel poll per node would cost more than the work it guards.
func kadabraClosed(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
