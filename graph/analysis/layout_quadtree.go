package analysis

import (
	"math"
	"slices"
)

// quadtree is the Barnes–Hut tree (J. Barnes, P. Hut, "A hierarchical
// O(N log N) force-calculation algorithm", Nature 324, 1986) ForceAtlas2
// approximates repulsion with, rebuilt every iteration in flat arrays.
// Cell c covers the square (x0, y0, size) and the nodes perm[start:end];
// a leaf has no children (child < 0), an inner cell four consecutive ones.
type quadtree struct {
	perm, scratch []int32
	cells         []qcell
}

type qcell struct {
	x0, y0, size float64
	cx, cy, mass float64 // centre of mass and total mass
	start, end   int32
	child        int32 // first of four children, or -1
}

// qLeaf is the most nodes a leaf holds; qDepth stops the subdivision of
// nodes that (nearly) coincide.
const (
	qLeaf  = 4
	qDepth = 40
)

// build makes the tree of the points (x, y) with masses mass.
func (t *quadtree) build(x, y, mass []float64) {
	n := len(x)
	t.perm, t.scratch = t.perm[:0], slices.Grow(t.scratch[:0], n)[:n]
	for i := range n {
		t.perm = append(t.perm, int32(i))
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range n {
		x0, x1 = math.Min(x0, x[i]), math.Max(x1, x[i])
		y0, y1 = math.Min(y0, y[i]), math.Max(y1, y[i])
	}
	t.cells = append(t.cells[:0], qcell{x0: x0, y0: y0, size: math.Max(x1-x0, y1-y0), end: int32(n)})
	t.split(0, x, y, mass, 0)
}

// split computes cell c's mass and centre, subdividing it first if it
// holds more than qLeaf nodes. Children are summed in quadrant order and
// a leaf's nodes in perm order, so the sums never depend on scheduling.
func (t *quadtree) split(c int32, x, y, mass []float64, depth int) {
	cell := t.cells[c]
	cell.child = -1
	if cell.end-cell.start > qLeaf && depth < qDepth && cell.size > 0 {
		half := cell.size / 2
		mx, my := cell.x0+half, cell.y0+half
		nodes := t.perm[cell.start:cell.end]
		// Partition into quadrants 0..3 (bit 0: right of mx, bit 1: above
		// my), keeping each quadrant's nodes in their previous order.
		var counts [4]int32
		quad := func(v int32) int {
			q := 0
			if x[v] >= mx {
				q |= 1
			}
			if y[v] >= my {
				q |= 2
			}
			return q
		}
		for _, v := range nodes {
			counts[quad(v)]++
		}
		sorted := t.scratch[cell.start:cell.end]
		var at [4]int32
		for q := 1; q < 4; q++ {
			at[q] = at[q-1] + counts[q-1]
		}
		for _, v := range nodes {
			q := quad(v)
			sorted[at[q]] = v
			at[q]++
		}
		copy(nodes, sorted)
		cell.child = int32(len(t.cells))
		start := cell.start
		for q := range 4 {
			cx0, cy0 := cell.x0, cell.y0
			if q&1 != 0 {
				cx0 = mx
			}
			if q&2 != 0 {
				cy0 = my
			}
			t.cells = append(t.cells, qcell{x0: cx0, y0: cy0, size: half, start: start, end: start + counts[q]})
			start += counts[q]
		}
		for q := range int32(4) {
			t.split(cell.child+q, x, y, mass, depth+1)
		}
		for q := range int32(4) {
			ch := t.cells[cell.child+q]
			cell.mass += ch.mass
			cell.cx += ch.cx * ch.mass
			cell.cy += ch.cy * ch.mass
		}
	} else {
		for _, v := range t.perm[cell.start:cell.end] {
			cell.mass += mass[v]
			cell.cx += x[v] * mass[v]
			cell.cy += y[v] * mass[v]
		}
	}
	if cell.mass > 0 {
		cell.cx /= cell.mass
		cell.cy /= cell.mass
	}
	t.cells[c] = cell
}

// repulsion returns the force of all other nodes on node i at (xi, yi)
// with mass mi: Σ kr·mi·m/d away from each, cells far enough (size/d <
// theta) taken whole. Nodes at the very same place push nothing (the
// direction is undefined); the others soon move them apart.
func (t *quadtree) repulsion(i int32, xi, yi, mi, kr float64, x, y, mass []float64) (fx, fy float64) {
	var stack [4*qDepth + 8]int32
	top := 0
	stack[top] = 0
	top++
	push := func(xd, yd, m float64) {
		if d2 := xd*xd + yd*yd; d2 > 0 {
			f := kr * mi * m / d2
			fx += xd * f
			fy += yd * f
		}
	}
	for top > 0 {
		top--
		c := &t.cells[stack[top]]
		if c.child < 0 {
			for _, j := range t.perm[c.start:c.end] {
				if j != i {
					push(xi-x[j], yi-y[j], mass[j])
				}
			}
			continue
		}
		xd, yd := xi-c.cx, yi-c.cy
		if d := math.Sqrt(xd*xd + yd*yd); d*theta > c.size && c.end-c.start > 0 {
			push(xd, yd, c.mass)
			continue
		}
		for q := int32(3); q >= 0; q-- {
			if ch := c.child + q; t.cells[ch].end > t.cells[ch].start {
				stack[top] = ch
				top++
			}
		}
	}
	return fx, fy
}
