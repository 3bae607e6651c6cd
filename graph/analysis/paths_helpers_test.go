package analysis

import "testing"

// Helpers shared by the path tests of this package.

func plKeys(g *Graph, vs []int32) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, g.Keys[v])
	}
	return out
}

// plCheckDisjoint checks the independent paths: valid, and sharing no
// node but s and t.
func plCheckDisjoint(t *testing.T, g *Graph, s, d int32, c Connection) {
	t.Helper()
	if len(c.Paths) != c.Independent {
		t.Fatalf("%d paths for connectivity %d", len(c.Paths), c.Independent)
	}
	used := map[int32]bool{}
	for _, p := range c.Paths {
		checkPath(t, g, p, s, d, false)
		for _, v := range p.Nodes[1 : len(p.Nodes)-1] {
			if used[v] {
				t.Fatalf("node %d on two independent paths", v)
			}
			used[v] = true
		}
	}
}
