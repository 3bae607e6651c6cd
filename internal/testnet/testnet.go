// Package testnet gives tests the research networks kept in the repository
// (testdata/networks at its root, see the README there) and the one tolerance
// used to compare results with the reference tools (networkx, R's sna).
//
// A network that is missing fails the test: it never skips, so a clone that
// lost a file cannot pass by testing less.
package testnet

import (
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Networks lists every network file in testdata/networks. Tests that check
// "every network" range over this list, not over whatever files exist, so a
// file that disappears fails them.
var Networks = []string{
	"ca-grqc.txt", "ca-hepth.txt",
	"florentine_business.graphml", "florentine_marriage.graphml",
	"karate.graphml",
	"krackhardt_advice.graphml", "krackhardt_friendship.graphml", "krackhardt_reportsto.graphml",
	"lesmis.graphml", "netscience.graphml", "southern_women.graphml", "strike.graphml",
}

// Names returns Networks without their extensions (the names reference files
// use: "karate", "ca-grqc").
func Names() []string {
	out := make([]string, len(Networks))
	for i, f := range Networks {
		out[i] = f[:len(f)-len(filepath.Ext(f))]
	}
	return out
}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
)

// Dir returns the absolute path of testdata/networks, found by walking up
// from the working directory (go test runs in the package's directory) to
// the module root; it fails tb if there is none.
func Dir(tb testing.TB) string {
	tb.Helper()
	dirOnce.Do(func() { dir, dirErr = find() })
	if dirErr != nil {
		tb.Fatalf("testnet: %v", dirErr)
	}
	return dir
}

func find() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			nets := filepath.Join(d, "testdata", "networks")
			if _, err := os.Stat(nets); err != nil {
				return "", err
			}
			return nets, nil
		}
		if filepath.Dir(d) == d {
			return "", &os.PathError{Op: "find module root (go.mod)", Path: wd, Err: os.ErrNotExist}
		}
	}
}

// Path returns the path of the file name in testdata/networks ("karate.graphml"),
// failing tb if it does not exist.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(Dir(tb), name)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("testnet: network file missing: %v", err)
	}
	return p
}

// The tolerance against reference values: relative RelTol with an absolute
// floor AbsTol, so values near zero are still checked to about 1e-12 and
// large ones to nine significant digits.
const (
	RelTol = 1e-9
	AbsTol = 1e-12
)

// Near reports whether got matches the reference value want:
// |got-want| <= AbsTol + RelTol*|want|. Infinities match only themselves;
// NaN matches nothing.
func Near(got, want float64) bool {
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= AbsTol+RelTol*math.Abs(want)
}
