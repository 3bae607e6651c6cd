package analysis

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// timedGraph builds a graph from "u v from to" links; link ids are their
// positions, so the returned intervals index by them.
type timedLink struct {
	u, v     string
	from, to int
	w        float64
}

func timedGraph(directed bool, links []timedLink) (*Graph, Intervals) {
	b := NewBuilder(directed)
	var ivs []Interval
	for i, l := range links {
		w := l.w
		if w == 0 {
			w = 1
		}
		b.Edge(b.Node(l.u), b.Node(l.v), w, int32(i))
		ivs = append(ivs, Interval{l.from, l.to})
	}
	return b.Build(), IntervalSlice(ivs)
}

func TestTimeRespectingPath(t *testing.T) {
	const open = NoEnd
	tests := []struct {
		name     string
		directed bool
		links    []timedLink
		opt      TimeOptions
		s, t     string
		nodes    []string // nil: no journey
		used     []int32
		times    []int
	}{
		{name: "Chain", links: []timedLink{{"a", "b", 1, 5, 0}, {"b", "c", 3, 4, 0}},
			s: "a", t: "c", nodes: []string{"a", "b", "c"}, used: []int32{0, 1}, times: []int{1, 3}},
		{name: "StaticShortestIsNotTimeRespecting",
			links: []timedLink{{"a", "b", 10, 10, 0}, {"b", "t", 1, 5, 0}, {"a", "c", 1, 1, 0}, {"c", "d", 2, 2, 0}, {"d", "t", 3, 3, 0}},
			s:     "a", t: "t", nodes: []string{"a", "c", "d", "t"}, used: []int32{2, 3, 4}, times: []int{1, 2, 3}},
		{name: "SameDayStepsAllowed", links: []timedLink{{"a", "b", 4, 4, 0}, {"b", "c", 4, 4, 0}},
			s: "a", t: "c", nodes: []string{"a", "b", "c"}, used: []int32{0, 1}, times: []int{4, 4}},
		{name: "BackwardsInTimeUnreachable", links: []timedLink{{"a", "b", 5, 5, 0}, {"b", "c", 1, 1, 0}},
			s: "a", t: "c"},
		{name: "MergedLinksPickTheOneThatFits",
			// a–b has two links: the strong one (id 0) too late, the weak one (id 1) in time.
			links: []timedLink{{"a", "b", 5, 9, 2}, {"a", "b", 1, 2, 1}, {"b", "c", 1, 3, 0}},
			s:     "a", t: "c", nodes: []string{"a", "b", "c"}, used: []int32{1, 2}, times: []int{1, 1}},
		{name: "FewestHopsAmongEarliest",
			// m is reached on day 1 in three hops or on day 3 in one; t only on day 3.
			links: []timedLink{{"s", "a", 1, 1, 0}, {"a", "b", 1, 1, 0}, {"b", "m", 1, 1, 0}, {"s", "m", 3, 3, 0}, {"m", "t", 3, 3, 0}},
			s:     "s", t: "t", nodes: []string{"s", "m", "t"}, used: []int32{3, 4}, times: []int{3, 3}},
		{name: "EarliestBeatsShorter",
			links: []timedLink{{"s", "t", 9, 9, 0}, {"s", "x", 2, 2, 0}, {"x", "t", 3, 3, 0}},
			s:     "s", t: "t", nodes: []string{"s", "x", "t"}, used: []int32{1, 2}, times: []int{2, 3}},
		{name: "OpenEnds", links: []timedLink{{"a", "b", NoStart, 3, 0}, {"b", "c", 2, open, 0}},
			s: "a", t: "c", nodes: []string{"a", "b", "c"}, used: []int32{0, 1}, times: []int{NoStart, 2}},
		{name: "Window", links: []timedLink{{"a", "b", 1, 9, 0}, {"b", "c", 1, 9, 0}}, opt: TimeOptions{Window: &Interval{4, 6}},
			s: "a", t: "c", nodes: []string{"a", "b", "c"}, used: []int32{0, 1}, times: []int{4, 4}},
		{name: "WindowExcludes", links: []timedLink{{"a", "b", 1, 2, 0}, {"b", "c", 1, 9, 0}}, opt: TimeOptions{Window: &Interval{4, 6}},
			s: "a", t: "c"},
		{name: "Directed", directed: true, links: []timedLink{{"b", "a", 1, 1, 0}, {"b", "c", 2, 2, 0}},
			s: "a", t: "c"},
		{name: "MaxHops",
			links: []timedLink{{"a", "b", 10, 10, 0}, {"b", "t", 1, 5, 0}, {"a", "c", 1, 1, 0}, {"c", "d", 2, 2, 0}, {"d", "t", 3, 3, 0}},
			opt:   TimeOptions{MaxHops: 2}, s: "a", t: "t"},
		{name: "Avoid",
			links: []timedLink{{"s", "t", 9, 9, 0}, {"s", "x", 2, 2, 0}, {"x", "t", 3, 3, 0}},
			opt:   TimeOptions{Avoid: []int32{2}}, s: "s", t: "t", nodes: []string{"s", "t"}, used: []int32{0}, times: []int{9}},
		{name: "EmptyInterval", links: []timedLink{{"a", "b", 5, 4, 0}}, s: "a", t: "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ivs := timedGraph(tt.directed, tt.links)
			p, err := TimeRespectingPath(context.Background(), g, g.Index(tt.s), g.Index(tt.t), ivs, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tt.nodes == nil {
				if p.Nodes != nil {
					t.Fatalf("journey %v, want none", plKeys(g, p.Nodes))
				}
				return
			}
			if diff := cmp.Diff(tt.nodes, plKeys(g, p.Nodes)); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.used, p.Links); diff != "" {
				t.Errorf("links (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.times, p.Times); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
			checkPath(t, g, p.Path, g.Index(tt.s), g.Index(tt.t), false)
		})
	}
}

// TestTimeRespectingBruteForce compares arrival day and hop count with the
// best over all simple paths, each timed greedily (the earliest day at
// every step is optimal for a fixed path).
func TestTimeRespectingBruteForce(t *testing.T) {
	for seed := range uint64(80) {
		g := randomGraph(seed, 9, 0.4, seed%2 == 1)
		r := rand.New(rand.NewPCG(seed, 11))
		ivs := make([]Interval, len(g.Edges)*2)
		for i := range ivs {
			a := r.IntN(10)
			ivs[i] = Interval{a, a + r.IntN(4)}
		}
		for i := range g.Edges { // give some edges a second link
			if r.IntN(3) == 0 {
				g.Edges[i].Links = append(g.Edges[i].Links, int32(len(g.Edges)+i))
			}
		}
		iv := IntervalSlice(ivs)
		for s := int32(0); s < 3; s++ {
			for d := int32(5); d < 9; d++ {
				for _, maxHops := range []int{0, 2, 3} {
					bestDay, bestHops := NoEnd, -1
					for _, p := range allSimplePaths(g, s, d, PathOptions{MaxHops: maxHops}) {
						day, ok := NoStart, true
						for _, e := range p.Edges {
							next, okStep := NoEnd, false
							for _, l := range g.Edges[e].Links {
								if x := max(day, iv(l).From); x <= iv(l).To && x < next {
									next, okStep = x, true
								}
							}
							day, ok = next, ok && okStep
						}
						if ok && (bestHops < 0 || day < bestDay || day == bestDay && p.Hops() < bestHops) {
							bestDay, bestHops = day, p.Hops()
						}
					}
					got, err := TimeRespectingPath(context.Background(), g, s, d, iv, TimeOptions{MaxHops: maxHops})
					if err != nil {
						t.Fatal(err)
					}
					if bestHops < 0 {
						if got.Nodes != nil {
							t.Fatalf("seed %d %d→%d: journey %v, want none", seed, s, d, got.Nodes)
						}
						continue
					}
					if got.Arrival() != bestDay || got.Hops() != bestHops {
						t.Fatalf("seed %d %d→%d max %d: arrival %d in %d hops, want %d in %d", seed, s, d, maxHops, got.Arrival(), got.Hops(), bestDay, bestHops)
					}
					checkPath(t, g, got.Path, s, d, false)
					for i, l := range got.Links {
						if !slices.Contains(g.Edges[got.Edges[i]].Links, l) || got.Times[i] < iv(l).From || got.Times[i] > iv(l).To || i > 0 && got.Times[i] < got.Times[i-1] {
							t.Fatalf("seed %d: step %d uses link %d on day %d: invalid", seed, i, l, got.Times[i])
						}
					}
				}
			}
		}
	}
}

// TestEarliestArrivalsMatchesJourneys: every node's earliest arrival is the
// arrival of the foremost journey TimeRespectingPath finds (itself checked
// by brute force above), with and without a window.
func TestEarliestArrivalsMatchesJourneys(t *testing.T) {
	for seed := range uint64(60) {
		g := randomGraph(seed, 12, 0.3, seed%2 == 1)
		r := rand.New(rand.NewPCG(seed, 5))
		ivs := make([]Interval, len(g.Edges))
		for i := range ivs {
			a := r.IntN(10)
			ivs[i] = Interval{a, a + r.IntN(4)}
		}
		iv := IntervalSlice(ivs)
		for _, win := range []*Interval{nil, {2, 8}} {
			for s := int32(0); s < 3; s++ {
				got, err := EarliestArrivals(context.Background(), g, s, iv, TimeOptions{Window: win})
				if err != nil {
					t.Fatal(err)
				}
				for d := range int32(g.N()) {
					want := NoEnd
					if d == s {
						want = Always.From
						if win != nil {
							want = win.From
						}
					} else {
						p, err := TimeRespectingPath(context.Background(), g, s, d, iv, TimeOptions{Window: win})
						if err != nil {
							t.Fatal(err)
						}
						if p.Nodes != nil {
							want = p.Arrival()
						}
					}
					if got[d] != want {
						t.Fatalf("seed %d window %v %d→%d: earliest %d, want %d", seed, win, s, d, got[d], want)
					}
				}
			}
		}
	}
}
