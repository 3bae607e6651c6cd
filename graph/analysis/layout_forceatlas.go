package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// LayoutOptions tune ForceAtlas2. The zero value lays a graph out with
// seed 0, the default iterations and no time budget, on all cores.
type LayoutOptions struct {
	// Seed seeds the PCG generator of the initial positions.
	Seed uint64
	// Iterations per component (0: DefaultLayoutIterations).
	Iterations int
	// Budget bounds the wall time of all iterations (0: none). Reaching it
	// stops the iterations where they are (Layout.Complete is false): the
	// positions are then usable but depend on the machine's speed.
	Budget time.Duration
	// Workers bounds parallelism; 0 means runtime.GOMAXPROCS(0). The
	// result is the same, bit for bit, for any number of workers.
	Workers int
}

// DefaultLayoutIterations is enough for ForceAtlas2's adaptive speed to
// settle networks of tens of thousands of nodes from random positions.
const DefaultLayoutIterations = 500

// Layout holds a position for every node of a graph.
type Layout struct {
	X, Y []float64
	// Iterations run on the largest component, and whether every
	// component had all its iterations within the budget.
	Iterations int
	Complete   bool
}

// layoutExtent is the half-width of the square the layout is scaled into,
// and layoutPrecision the grid positions are rounded to: coordinates then
// print in a few bytes each.
const (
	layoutExtent    = 1000
	layoutPrecision = 0.01
)

// ForceAtlas2 places every node of g in the plane with ForceAtlas2
// (M. Jacomy, T. Venturini, S. Heymann, M. Bastian, "ForceAtlas2, a
// continuous graph layout algorithm for handy network visualization
// designed for the Gephi software", PLoS ONE 9(6): e98679, 2014), with the
// settings the explorer's browser layout used (they keep cliques compact
// and brokers between the groups they join):
//
//	repulsion   F_r(u, v) = k_r (deg(u)+1)(deg(v)+1) / d(u, v),  k_r = 10
//	attraction  F_a(u, v) = d(u, v) / (deg(u)+1) · mean(deg+1)   (dissuade hubs)
//	gravity     F_g(u)    = k_g (deg(u)+1) d(u, centre)           (strong gravity: pulls outliers in)
//
// with k_g = 0.5 for components under 2,000 nodes and 0.05 above,
// and the paper's adaptive local and global speeds (swinging against
// traction, jitter tolerance 1). Repulsion is approximated with a
// Barnes–Hut quadtree (θ = 1.2, Gephi's default). The graph is taken as
// undirected and unweighted: the picture shows who is tied to whom.
//
// Each connected component is laid out on its own and the components are
// then packed in rows, largest first, so that none overlaps another (a
// component's bounding square is apart from every other's). The whole is
// centred on the origin and scaled so its longer side spans
// [-1000, 1000]; coordinates are rounded to 0.01.
//
// The result depends only on g and the options (not on Workers or
// scheduling): initial positions come from a PCG generator seeded with
// Seed, drawn in node order; each node's force is summed in a fixed order
// (quadtree cells, then neighbours ascending) and nodes are moved in node
// order. Only a Budget that runs out makes it depend on time.
// Cost: O(iterations · (N log N + M)).
func ForceAtlas2(ctx context.Context, g *Graph, opt LayoutOptions) (*Layout, error) {
	if opt.Iterations < 0 || opt.Budget < 0 {
		return nil, ErrBadOption
	}
	iterations := opt.Iterations
	if iterations == 0 {
		iterations = DefaultLayoutIterations
	}
	var deadline time.Time
	if opt.Budget > 0 {
		deadline = time.Now().Add(opt.Budget)
	}
	n := g.N()
	out := &Layout{X: make([]float64, n), Y: make([]float64, n), Complete: true}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x2545f4914f6cdd1d))
	for i := range n {
		out.X[i], out.Y[i] = rng.Float64()*2-1, rng.Float64()*2-1
	}
	u := undirectedView(g)
	comps := layoutComponents(u)
	// Smallest first: they take no time, so a budget that runs out cuts
	// the largest components short, never leaves small ones unplaced.
	for i := len(comps) - 1; i >= 0; i-- {
		c := comps[i]
		done, err := c.run(ctx, u, out, iterations, opt.Workers, deadline)
		if err != nil {
			return nil, err
		}
		if done < iterations && len(c.nodes) > 1 {
			out.Complete = false
		}
		if i == 0 {
			out.Iterations = done
		}
	}
	packComponents(comps, out)
	return out, nil
}

// fa2Component is one connected component: its nodes ascending, and the
// adjacency of its local node numbers.
type fa2Component struct {
	nodes    []int32
	off, adj []int32
}

// layoutComponents returns the components of u, largest first (ties by
// smallest node), each with a local CSR adjacency.
func layoutComponents(u undirectedAdj) []*fa2Component {
	comp, sizes := componentsOf(u, nil)
	cs := make([]*fa2Component, len(sizes))
	for i, s := range sizes {
		cs[i] = &fa2Component{nodes: make([]int32, 0, s)}
	}
	local := make([]int32, u.n())
	for v, c := range comp {
		local[v] = int32(len(cs[c].nodes))
		cs[c].nodes = append(cs[c].nodes, int32(v))
	}
	for _, c := range cs {
		c.off = make([]int32, len(c.nodes)+1)
		for i, v := range c.nodes {
			for _, w := range u.nbrs(v) {
				c.adj = append(c.adj, local[w])
			}
			c.off[i+1] = int32(len(c.adj))
		}
	}
	slices.SortStableFunc(cs, func(a, b *fa2Component) int { return len(b.nodes) - len(a.nodes) })
	return cs
}

// fa2State is a component's positions, masses and forces during a run.
type fa2State struct {
	x, y, mass    []float64
	dx, dy        []float64
	oldDx, oldDy  []float64
	kr, kg        float64 // repulsion and gravity coefficients
	attCoef       float64
	speed, effect float64 // global speed and speed efficiency (Gephi's)
	tree          quadtree
}

// run lays c out for up to iterations iterations, reading and writing
// node positions in out, and returns how many it ran.
func (c *fa2Component) run(ctx context.Context, u undirectedAdj, out *Layout, iterations, workers int, deadline time.Time) (int, error) {
	n := len(c.nodes)
	if n == 1 {
		out.X[c.nodes[0]], out.Y[c.nodes[0]] = 0, 0
		return iterations, nil
	}
	s := newFA2State(c, out)
	w := centralityWorkers(workers, n)
	for it := range iterations {
		if err := ctx.Err(); err != nil {
			return it, err
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			s.store(c, out)
			return it, nil
		}
		if err := s.step(ctx, c, w); err != nil {
			return it, err
		}
	}
	s.store(c, out)
	return iterations, nil
}

func newFA2State(c *fa2Component, out *Layout) *fa2State {
	n := len(c.nodes)
	s := &fa2State{x: make([]float64, n), y: make([]float64, n), mass: make([]float64, n),
		dx: make([]float64, n), dy: make([]float64, n), oldDx: make([]float64, n), oldDy: make([]float64, n),
		kr: 10, kg: 0.05, speed: 1, effect: 1}
	if n < 2000 {
		s.kg = 0.5
	}
	// Random start in a square whose area grows with the component, so
	// the first iterations need not blow it apart.
	spread := 10 * math.Sqrt(float64(n))
	total := 0.0
	for i, v := range c.nodes {
		s.x[i], s.y[i] = out.X[v]*spread, out.Y[v]*spread
		s.mass[i] = float64(c.off[i+1]-c.off[i]) + 1
		total += s.mass[i]
	}
	s.attCoef = total / float64(n) // Gephi's outboundAttCompensation
	return s
}

func (s *fa2State) store(c *fa2Component, out *Layout) {
	for i, v := range c.nodes {
		out.X[v], out.Y[v] = s.x[i], s.y[i]
	}
}

// step is one ForceAtlas2 iteration: forces (in parallel, each node's its
// own), then the adaptive speeds and the moves (in node order).
func (s *fa2State) step(ctx context.Context, c *fa2Component, workers int) error {
	n := len(c.nodes)
	copy(s.oldDx, s.dx)
	copy(s.oldDy, s.dy)
	s.tree.build(s.x, s.y, s.mass)
	err := centralityRun(ctx, n, workers, func(_, i int) { s.force(c, int32(i)) })
	if err != nil {
		return err
	}
	s.move()
	return nil
}

// theta is the Barnes–Hut criterion: a cell seen from a node under an angle
// below it (size/distance < theta) acts as one mass at its centre.
const theta = 1.2

// force sets node i's force: repulsion from every other node (Barnes–Hut),
// attraction along its links, and gravity towards the centre.
func (s *fa2State) force(c *fa2Component, i int32) {
	xi, yi, mi := s.x[i], s.y[i], s.mass[i]
	fx, fy := s.tree.repulsion(i, xi, yi, mi, s.kr, s.x, s.y, s.mass)
	// Dissuade hubs: attraction divided by the node's mass.
	att := s.attCoef / mi
	for _, j := range c.adj[c.off[i]:c.off[i+1]] {
		fx -= (xi - s.x[j]) * att
		fy -= (yi - s.y[j]) * att
	}
	// Strong gravity (proportional to distance) pulls far-flung groups in.
	fx -= xi * mi * s.kg
	fy -= yi * mi * s.kg
	s.dx[i], s.dy[i] = fx, fy
}

// move applies the adaptive speeds of the paper (section "Adaptive speed"),
// as Gephi's ForceAtlas2.java computes them: a global speed from the ratio
// of traction to swinging, and each node slowed by its own swinging.
func (s *fa2State) move() {
	swinging, traction := 0.0, 0.0
	for i := range s.x {
		swinging += s.mass[i] * math.Hypot(s.oldDx[i]-s.dx[i], s.oldDy[i]-s.dy[i])
		traction += s.mass[i] * 0.5 * math.Hypot(s.oldDx[i]+s.dx[i], s.oldDy[i]+s.dy[i])
	}
	n := float64(len(s.x))
	estimated := 0.05 * math.Sqrt(n) // Gephi's "totally empiric" jitter tolerance
	jt := math.Max(math.Sqrt(estimated), math.Min(10, estimated*traction/(n*n)))
	const minEffect = 0.05
	if swinging/traction > 2 {
		if s.effect > minEffect {
			s.effect *= 0.5
		}
		jt = math.Max(jt, 1)
	}
	target := jt * s.effect * traction / swinging
	if swinging > jt*traction {
		if s.effect > minEffect {
			s.effect *= 0.7
		}
	} else if s.speed < 1000 {
		s.effect *= 1.3
	}
	if !math.IsNaN(target) && !math.IsInf(target, 0) {
		s.speed += math.Min(target-s.speed, 0.5*s.speed)
	}
	for i := range s.x {
		sw := s.mass[i] * math.Hypot(s.oldDx[i]-s.dx[i], s.oldDy[i]-s.dy[i])
		f := s.speed / (1 + math.Sqrt(s.speed*sw))
		s.x[i] += s.dx[i] * f
		s.y[i] += s.dy[i] * f
	}
}

// packComponents moves each component (laid out around the origin) into
// rows, largest first, each in a square apart from the others', then
// centres and scales the whole and rounds it (layoutExtent,
// layoutPrecision).
func packComponents(comps []*fa2Component, out *Layout) {
	type box struct{ cx, cy, half float64 }
	boxes := make([]box, len(comps))
	area := 0.0
	for i, c := range comps {
		x0, y0, x1, y1 := bounds(c.nodes, out)
		half := math.Max(x1-x0, y1-y0) / 2
		half += 0.05*half + 1 // a margin, and room for a single node
		boxes[i] = box{(x0 + x1) / 2, (y0 + y1) / 2, half}
		area += 4 * half * half
	}
	// Shelf packing: a row takes squares until it is as wide as the whole
	// would be square; the next row starts below the first (tallest) one.
	width := 0.0
	if len(boxes) > 0 {
		width = math.Max(2*boxes[0].half, 1.2*math.Sqrt(area))
	}
	x, y, rowHeight := 0.0, 0.0, 0.0
	for i, c := range comps {
		b := boxes[i]
		if x > 0 && x+2*b.half > width {
			x, y, rowHeight = 0, y+rowHeight, 0
		}
		dx, dy := x+b.half-b.cx, y+b.half-b.cy
		for _, v := range c.nodes {
			out.X[v] += dx
			out.Y[v] += dy
		}
		x += 2 * b.half
		rowHeight = math.Max(rowHeight, 2*b.half)
	}
	all := make([]int32, len(out.X))
	for i := range all {
		all[i] = int32(i)
	}
	x0, y0, x1, y1 := bounds(all, out)
	scale := 2 * layoutExtent / math.Max(math.Max(x1-x0, y1-y0), 1e-9)
	round := func(v float64) float64 { return math.Round(v/layoutPrecision) * layoutPrecision }
	for i := range out.X {
		out.X[i] = round((out.X[i] - (x0+x1)/2) * scale)
		// Rows go down the page: y grows upwards in the explorer's map.
		out.Y[i] = round(-(out.Y[i] - (y0+y1)/2) * scale)
	}
}

// bounds returns the bounding box of nodes' positions.
func bounds(nodes []int32, l *Layout) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, v := range nodes {
		x0, x1 = math.Min(x0, l.X[v]), math.Max(x1, l.X[v])
		y0, y1 = math.Min(y0, l.Y[v]), math.Max(y1, l.Y[v])
	}
	if len(nodes) == 0 {
		return 0, 0, 0, 0
	}
	return x0, y0, x1, y1
}
