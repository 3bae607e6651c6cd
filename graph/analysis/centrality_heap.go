package analysis

// centralityHeap is a 4-ary min-heap of (distance, node) entries for
// Dijkstra's algorithm with lazy deletion: a node whose distance drops is
// pushed again rather than moved, and the caller skips entries of nodes
// already settled. Keys sit inline with the nodes, so sifting compares
// entries next to each other instead of looking distances up at random;
// a 4-ary heap is shallower than a binary one and a node's children share
// a cache line. The backing array grows to at most one entry per
// relaxation and is reused across searches.
type centralityHeap struct {
	items []heapEntry
}

type heapEntry struct {
	dist float64
	node int32
}

func (h *centralityHeap) len() int { return len(h.items) }

func (h *centralityHeap) push(v int32, d float64) {
	h.items = append(h.items, heapEntry{d, v})
	items := h.items
	i := len(items) - 1
	for i > 0 {
		p := (i - 1) / 4
		if items[p].dist <= d {
			break
		}
		items[i] = items[p]
		i = p
	}
	items[i] = heapEntry{d, v}
}

// pop removes the entry with the smallest distance and returns it.
func (h *centralityHeap) pop() (int32, float64) {
	items := h.items
	top := items[0]
	last := items[len(items)-1]
	items = items[:len(items)-1]
	h.items = items
	n := len(items)
	if n == 0 {
		return top.node, top.dist
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		best := c
		for k := c + 1; k < min(c+4, n); k++ {
			if items[k].dist < items[best].dist {
				best = k
			}
		}
		if items[best].dist >= last.dist {
			break
		}
		items[i] = items[best]
		i = best
	}
	items[i] = last
	return top.node, top.dist
}
