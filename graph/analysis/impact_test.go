package analysis

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/internal/testnet"
)

type impactStateRef struct {
	Nodes            int     `json:"nodes"`
	Components       int     `json:"components"`
	Largest          int     `json:"largest"`
	LargestShare     float64 `json:"largest_share"`
	UnreachablePairs int64   `json:"unreachable_pairs"`
}

// TestRemovalImpactNetworkx compares with removal cases computed by
// networkx (scripts/reference/holes.py) on every dataset.
func TestRemovalImpactNetworkx(t *testing.T) {
	for _, name := range refAllNetworks {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(name, "ca-") {
				t.Skip("all-pairs distances on a big network; run without -short")
			}
			g := refLoadNetwork(t, name)
			var ref struct {
				Cases []struct {
					Name              string
					Removed           []string
					Before, After     impactStateRef
					DisconnectedPairs int64    `json:"disconnected_pairs"`
					ConnectedPairs    int64    `json:"connected_pairs"`
					DistanceBefore    float64  `json:"distance_before"`
					DistanceAfter     float64  `json:"distance_after"`
					Isolated          []string `json:"isolated"`
				}
			}
			refReadJSON(t, refPath("impact_"+name+".json"), &ref)
			for _, c := range ref.Cases {
				var removed []int32
				for _, k := range c.Removed {
					removed = append(removed, refNode(t, g, k))
				}
				im, err := RemovalImpact(context.Background(), g, removed)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []struct {
					name string
					got  NetworkState
					want impactStateRef
				}{{"before", im.Before, c.Before}, {"after", im.After, c.After}} {
					want := NetworkState(s.want)
					if !testnet.Near(s.got.LargestShare, want.LargestShare) {
						t.Errorf("%s %s: largest share %v, want %v", c.Name, s.name, s.got.LargestShare, want.LargestShare)
					}
					s.got.LargestShare, want.LargestShare = 0, 0
					if s.got != want {
						t.Errorf("%s %s: got %+v, want %+v", c.Name, s.name, s.got, want)
					}
				}
				if im.DisconnectedPairs != c.DisconnectedPairs || im.ConnectedPairs != c.ConnectedPairs {
					t.Errorf("%s: pairs disconnected %d connected %d, want %d %d", c.Name, im.DisconnectedPairs, im.ConnectedPairs, c.DisconnectedPairs, c.ConnectedPairs)
				}
				if !testnet.Near(im.DistanceBefore, c.DistanceBefore) || !testnet.Near(im.DistanceAfter, c.DistanceAfter) {
					t.Errorf("%s: distances %v → %v, want %v → %v", c.Name, im.DistanceBefore, im.DistanceAfter, c.DistanceBefore, c.DistanceAfter)
				}
				var iso []string
				for _, v := range im.Isolated {
					iso = append(iso, g.Keys[v])
				}
				slices.Sort(iso)
				if !slices.Equal(iso, c.Isolated) {
					t.Errorf("%s: isolated %v, want %v", c.Name, iso, c.Isolated)
				}
			}
		})
	}
}

func TestRemovalImpactSmall(t *testing.T) {
	// A star 0–{1,2,3} with a tail 3–4, plus the isolated node 5.
	b := NewBuilder(false)
	for i := range 6 {
		b.Node(strconv.Itoa(i))
	}
	for _, e := range [][2]int32{{0, 1}, {0, 2}, {0, 3}, {3, 4}} {
		b.Edge(e[0], e[1], 1, -1)
	}
	g := b.Build()
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		removed []int32
		want    Impact
	}{{
		name: "Nobody",
		want: Impact{
			Before:         NetworkState{Nodes: 6, Components: 2, Largest: 5, LargestShare: 5.0 / 6, UnreachablePairs: 5},
			After:          NetworkState{Nodes: 6, Components: 2, Largest: 5, LargestShare: 5.0 / 6, UnreachablePairs: 5},
			ConnectedPairs: 10, DistanceBefore: 1.8, DistanceAfter: 1.8,
		},
	}, {
		name:    "Hub",
		removed: []int32{0, 0},
		want: Impact{
			Removed:           []int32{0},
			Before:            NetworkState{Nodes: 6, Components: 2, Largest: 5, LargestShare: 5.0 / 6, UnreachablePairs: 5},
			After:             NetworkState{Nodes: 5, Components: 4, Largest: 2, LargestShare: 0.4, UnreachablePairs: 9},
			DisconnectedPairs: 5, ConnectedPairs: 1, DistanceBefore: 1, DistanceAfter: 1,
			Isolated: []int32{1, 2},
		},
	}, {
		name:    "Everyone",
		removed: []int32{5, 4, 3, 2, 1, 0},
		want: Impact{
			Removed: []int32{0, 1, 2, 3, 4, 5},
			Before:  NetworkState{Nodes: 6, Components: 2, Largest: 5, LargestShare: 5.0 / 6, UnreachablePairs: 5},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RemovalImpact(ctx, g, tc.removed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("impact (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		got, err := RemovalImpact(ctx, NewBuilder(false).Build(), nil)
		if err != nil || !cmp.Equal(got, Impact{}) {
			t.Errorf("got %+v, %v; want a zero Impact", got, err)
		}
	})
	t.Run("ErrRemovedRange", func(t *testing.T) {
		_, err := RemovalImpact(ctx, g, []int32{6})
		if !errors.Is(err, ErrNoNode) {
			t.Errorf("got %v, want ErrNoNode", err)
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := RemovalImpact(cctx, g, nil); err != context.Canceled {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func BenchmarkRemovalImpact(b *testing.B) {
	g := refLoadNetwork(b, "ca-grqc")
	hub := int32(0) // the best-connected author
	for v := range int32(g.N()) {
		if g.OutOff[v+1]-g.OutOff[v] > g.OutOff[hub+1]-g.OutOff[hub] {
			hub = v
		}
	}
	for b.Loop() {
		if _, err := RemovalImpact(context.Background(), g, []int32{hub}); err != nil {
			b.Fatal(err)
		}
	}
}
