package testnet

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestNetworksListed checks that Networks is exactly the network files in
// testdata/networks, so a file added without being listed, or listed and
// lost, fails here.
func TestNetworksListed(t *testing.T) {
	entries, err := os.ReadDir(Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".graphml") || strings.HasSuffix(n, ".txt")) {
			files = append(files, n)
		}
	}
	want := slices.Sorted(slices.Values(Networks))
	if !slices.Equal(files, want) {
		t.Errorf("testdata/networks holds %v, Networks lists %v", files, want)
	}
	for _, n := range Networks {
		Path(t, n)
	}
	Path(t, "README.md")
}

func TestNear(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want float64
		ok        bool
	}{
		{"Equal", 0.25, 0.25, true},
		{"Relative", 1e6 * (1 + 0.9e-9), 1e6, true},
		{"RelativeTooFar", 1e6 * (1 + 2e-9), 1e6, false},
		{"AbsoluteFloor", 1e-13, 0, true},
		{"SmallValueChecked", 2e-12, 0, false},
		{"TinyValueChecked", 1e-10 + 2e-12, 1e-10, false},
		{"Inf", inf, inf, true},
		{"InfVsFinite", 1e308, inf, false},
		{"NaN", nan, nan, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Near(tc.got, tc.want); got != tc.ok {
				t.Errorf("Near(%g, %g) = %v, want %v", tc.got, tc.want, got, tc.ok)
			}
		})
	}
}

var (
	inf = math.Inf(1)
	nan = math.NaN()
)
