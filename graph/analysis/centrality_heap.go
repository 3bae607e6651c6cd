package analysis

// centralityHeap is an indexed 4-ary min-heap of nodes keyed by a distance
// slice the caller owns, with decrease-key; it holds each node at most once,
// so its arrays are sized once per worker. A 4-ary heap is shallower than a
// binary one and its children share a cache line.
type centralityHeap struct {
	items []int32 // heap order
	at    []int32 // at[v] = v's index in items, or -1
}

func newCentralityHeap(n int) centralityHeap {
	h := centralityHeap{items: make([]int32, 0, n), at: make([]int32, n)}
	for i := range h.at {
		h.at[i] = -1
	}
	return h
}

func (h *centralityHeap) push(v int32, dist []float64) {
	h.items = append(h.items, v)
	h.up(len(h.items)-1, dist)
}

// decrease restores heap order after dist[v] was lowered.
func (h *centralityHeap) decrease(v int32, dist []float64) {
	h.up(int(h.at[v]), dist)
}

// pop removes and returns the node with the smallest distance.
func (h *centralityHeap) pop(dist []float64) int32 {
	top := h.items[0]
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	h.at[top] = -1
	if len(h.items) > 0 {
		h.down(last, dist)
	}
	return top
}

func (h *centralityHeap) up(i int, dist []float64) {
	items, at := h.items, h.at
	v := items[i]
	dv := dist[v]
	for i > 0 {
		p := (i - 1) / 4
		pv := items[p]
		if dist[pv] <= dv {
			break
		}
		items[i], at[pv] = pv, int32(i)
		i = p
	}
	items[i], at[v] = v, int32(i)
}

// down places v, taken from the end, starting at the root.
func (h *centralityHeap) down(v int32, dist []float64) {
	items, at := h.items, h.at
	dv := dist[v]
	n := len(items)
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		best, bd := c, dist[items[c]]
		for k := c + 1; k < min(c+4, n); k++ {
			if d := dist[items[k]]; d < bd {
				best, bd = k, d
			}
		}
		if bd >= dv {
			break
		}
		bv := items[best]
		items[i], at[bv] = bv, int32(i)
		i = best
	}
	items[i], at[v] = v, int32(i)
}
