package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// BrokerRole is one of Gould and Fernandez's brokerage roles, numbered in the
// column order of R's sna::brokerage, whose documentation names them (some
// tutorials swap the names of b_IO and b_OI). For a two-path i → v → j with
// broker v, "A → B → C" gives the groups of i, v, j.
type BrokerRole int

const (
	Coordinator    BrokerRole = iota // w_I: A → A → A, within the broker's own group
	Itinerant                        // w_O: A → B → A, between two members of another group
	Representative                   // b_IO: A → A → B, from the broker's group outward
	Gatekeeper                       // b_OI: A → B → B, from outside into the broker's group
	Liaison                          // b_O: A → B → C, between two other, different groups
	AnyRole                          // t: all brokered two-paths (sna's total)
	numBrokerRoles
)

var brokerRoleCodes = [numBrokerRoles]string{"w_I", "w_O", "b_IO", "b_OI", "b_O", "t"}
var brokerRoleNames = [numBrokerRoles]string{"coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"}

// String returns the role's name, e.g. "gatekeeper".
func (r BrokerRole) String() string { return brokerRoleNames[r] }

// Code returns sna's column name for the role, e.g. "b_OI".
func (r BrokerRole) Code() string { return brokerRoleCodes[r] }

// RoleCounts holds a node's brokerage count per role, indexed by BrokerRole.
type RoleCounts [numBrokerRoles]int64

// RoleScores holds a real number per role, indexed by BrokerRole.
type RoleScores [numBrokerRoles]float64

// BrokerageResult is sna::brokerage's node-level output: raw.nli, exp.nli,
// sd.nli and z.nli, one row per node in graph order.
type BrokerageResult struct {
	Groups  []string     // group labels in order of first appearance (sna's clid); "" for an unlabelled node's own group
	Group   []int32      // Group[v] indexes Groups
	Size    []int32      // Size[c] is the number of nodes in group c (sna's n)
	Density float64      // arcs / (N(N−1)), sna's d; 0 when N < 2
	Raw     []RoleCounts // observed brokerage counts (raw.nli)
	Exp     []RoleScores // expected counts given group sizes and density (exp.nli)
	SD      []RoleScores // their standard deviations (sd.nli)
	Z       []RoleScores // (Raw − Exp)/SD where SD > 0, else 0 (z.nli)
}

// ZScore returns node v's z-score for role and whether it is defined. It is
// undefined where SD is 0 — no such two-path can exist (for example a
// coordinator in a group of two) or the density is 0 or 1 — and sna
// reports NaN.
func (r *BrokerageResult) ZScore(v int32, role BrokerRole) (float64, bool) {
	return r.Z[v][role], r.SD[v][role] > 0
}

// Brokerage computes Gould and Fernandez's brokerage roles (Gould &
// Fernandez 1989, "Structures of mediation: a formal approach to brokerage
// in transaction networks", Sociological Methodology 19: 89–126) exactly as
// R's sna::brokerage(g, cl) does, with groups as cl.
//
// Node v brokers the ordered pair (i, j) iff i → v → j, i ≠ j and i → j is
// absent; the pair counts toward one role by the groups of i, v and j (see
// BrokerRole). An undirected graph is read as symmetric directed, as sna
// reads it, so each unlinked pair of v's neighbours counts in both
// directions and Representative equals Gatekeeper. Tie weights and
// self-loops are ignored: only the presence of ties between distinct nodes
// matters (given a matrix with a non-zero diagonal, sna would count loops
// as arcs in m).
//
// Expectations and variances follow Gould and Fernandez's null model as sna
// computes it: with N nodes, density d = m/(N(N−1)) over the m arcs, n the
// size of v's group, n_a the sizes of the other groups, p = d²(1−d) and
// q = d³(1−d)³,
//
//	E[w_I]  = p (n−1)(n−2)            V = E(1−p) + 2(n−1)(n−2)(n−3) q
//	E[w_O]  = p Σ_a n_a(n_a−1)         V = E(1−p) + 2 Σ_a n_a(n_a−1)(n_a−2) q
//	E[b_IO] = E[b_OI] = p (N−n)(n−1)   V = E(1−p) + 2((n−1)C(N−n,2) + (N−n)C(n−1,2)) q
//	E[b_O]  = p ((Σ_a n_a)² − Σ_a n_a²) V = E(1−p) + 4 Σ_a n_a C(N−n_a−n,2) q
//	E[t]    = p (N−1)(N−2)            V = E(1−p) + 2(N−1)(N−2)(N−3) q
//
// and z = (raw − E)/√V. Where √V is 0, z is undefined (NaN in sna): Z holds
// 0 and ZScore reports false. sna's graph-level totals (raw.gli and the
// rest) are not computed.
//
// groups[v] is node v's group label (sector, organisation type, region, the
// person's organisation…). An empty label puts the node in a group of its
// own — it shares a group with nobody, so unlabelled nodes never coordinate
// for each other — which is what sna computes when each unlabelled node is
// given a label of its own. len(groups) must be g.N(); otherwise Brokerage
// returns an error wrapping ErrBadOption.
//
// Cost O(Σ_v Σ_{i→v} (outdeg(v) + outdeg(i))) time, split by broker across
// GOMAXPROCS workers; it returns ctx's error when ctx is done. Each broker's
// counts are integers computed by one worker, so the result does not depend
// on the number of workers or their scheduling.
func Brokerage(ctx context.Context, g *Graph, groups []string) (*BrokerageResult, error) {
	n := g.N()
	if len(groups) != n {
		return nil, fmt.Errorf("brokerage: groups has %d labels for %d nodes: %w", len(groups), n, ErrBadOption)
	}
	r := &BrokerageResult{Raw: make([]RoleCounts, n), Exp: make([]RoleScores, n), SD: make([]RoleScores, n), Z: make([]RoleScores, n)}
	r.Groups, r.Group, r.Size = groupIndex(groups)
	arcs := len(g.Edges)
	if !g.Directed {
		arcs *= 2
	}
	if n >= 2 {
		r.Density = float64(arcs) / (float64(n) * float64(n-1))
	}
	err := forEachNode(ctx, n, func() func(v int32) {
		return func(v int32) { r.Raw[v] = brokeredPairs(g, r.Group, v) }
	})
	if err != nil {
		return nil, err
	}
	exp, sd := brokerageNull(r.Size, n, r.Density)
	for v := range n {
		c := r.Group[v]
		r.Exp[v], r.SD[v] = exp[c], sd[c]
		for role := range numBrokerRoles {
			if sd[c][role] > 0 {
				r.Z[v][role] = (float64(r.Raw[v][role]) - exp[c][role]) / sd[c][role]
			}
		}
	}
	return r, nil
}

// groupIndex numbers the distinct labels in order of first appearance,
// giving each empty label a group of its own.
func groupIndex(labels []string) (names []string, group []int32, size []int32) {
	group = make([]int32, len(labels))
	seen := map[string]int32{}
	for v, l := range labels {
		c, ok := seen[l]
		if !ok || l == "" {
			c = int32(len(names))
			names, size = append(names, l), append(size, 0)
			if l != "" {
				seen[l] = c
			}
		}
		group[v] = c
		size[c]++
	}
	return names, group, size
}

// brokeredPairs counts the two-paths i → v → j with i ≠ j and no arc i → j,
// by role. Both out-lists are ascending, so "j is an out-neighbour of i" is
// a merge step, not a lookup.
func brokeredPairs(g *Graph, group []int32, v int32) RoleCounts {
	var cnt RoleCounts
	outV, _ := g.Out(v)
	inV, _ := g.In(v)
	gv := group[v]
	for _, i := range inV {
		gi := group[i]
		outI, _ := g.Out(i)
		k := 0
		for _, j := range outV {
			for k < len(outI) && outI[k] < j {
				k++
			}
			if j == i || (k < len(outI) && outI[k] == j) {
				continue
			}
			cnt[brokerRole(gi, gv, group[j])]++
		}
	}
	for role := Coordinator; role < AnyRole; role++ {
		cnt[AnyRole] += cnt[role]
	}
	return cnt
}

// brokerRole classifies a two-path by the groups of its source, broker and
// target.
func brokerRole(gi, gv, gj int32) BrokerRole {
	switch {
	case gi == gv && gj == gv:
		return Coordinator
	case gi == gv:
		return Representative
	case gj == gv:
		return Gatekeeper
	case gi == gj:
		return Itinerant
	}
	return Liaison
}

// brokerageNull returns, per group, the expected counts and standard
// deviations of Gould and Fernandez's null model for group sizes size, N
// nodes and density d (formulas in Brokerage's comment). Sums over "the
// other groups" run over the distinct group sizes, so the cost is
// O(k + D²) for k groups of D distinct sizes (D < √(2N)).
func brokerageNull(size []int32, N int, d float64) (exp, sd []RoleScores) {
	exp, sd = make([]RoleScores, len(size)), make([]RoleScores, len(size))
	if N < 2 {
		return exp, sd
	}
	sizes, mult := distinctSizes(size)
	byC := make(map[int32][2]RoleScores, len(sizes))
	for _, c := range sizes {
		e, s := groupNull(float64(c), float64(N), d, sizes, mult)
		byC[c] = [2]RoleScores{e, s}
	}
	for k, c := range size {
		exp[k], sd[k] = byC[c][0], byC[c][1]
	}
	return exp, sd
}

// distinctSizes returns the distinct group sizes ascending and how many
// groups have each.
func distinctSizes(size []int32) (sizes []int32, mult []float64) {
	sorted := slices.Sorted(slices.Values(size))
	for i, c := range sorted {
		if i == 0 || c != sorted[i-1] {
			sizes, mult = append(sizes, c), append(mult, 0)
		}
		mult[len(mult)-1]++
	}
	return sizes, mult
}

// groupNull is the null model for a broker in a group of size n among N
// nodes; sizes and mult describe all groups, the broker's included.
func groupNull(n, N, d float64, sizes []int32, mult []float64) (e, s RoleScores) {
	var sumN, sumN2, s2, s3, liaisonVar float64 // sums over the other groups
	for k, c := range sizes {
		a, m := float64(c), mult[k]
		if a == n {
			m-- // leave the broker's own group out
		}
		if m == 0 {
			continue
		}
		sumN += m * a
		sumN2 += m * a * a
		s2 += m * a * (a - 1)
		s3 += m * a * (a - 1) * (a - 2)
		liaisonVar += m * a * choose2(N-a-n)
	}
	p := d * d * (1 - d)
	q := math.Pow(d, 3) * math.Pow(1-d, 3)
	e[Coordinator] = p * (n - 1) * (n - 2)
	e[Itinerant] = p * s2
	e[Representative] = p * (N - n) * (n - 1)
	e[Gatekeeper] = e[Representative]
	e[Liaison] = p * (sumN*sumN - sumN2)
	e[AnyRole] = p * (N - 1) * (N - 2)
	extra := RoleScores{
		Coordinator:    2 * (n - 1) * (n - 2) * (n - 3),
		Itinerant:      2 * s3,
		Representative: 2 * ((n-1)*choose2(N-n) + (N-n)*choose2(n-1)),
		Gatekeeper:     2 * ((n-1)*choose2(N-n) + (N-n)*choose2(n-1)),
		Liaison:        4 * liaisonVar,
		AnyRole:        2 * (N - 1) * (N - 2) * (N - 3),
	}
	for role := range numBrokerRoles {
		v := e[role]*(1-p) + extra[role]*q
		s[role] = math.Sqrt(max(v, 0))
	}
	return e, s
}

// choose2 is the binomial coefficient C(x, 2) for x ≥ 0.
func choose2(x float64) float64 { return x * (x - 1) / 2 }
