package insight

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Metric is a brokerage or centrality measure of every actor. Definitions
// and normalisations follow networkx (and R's sna for brokerage); see the
// functions of graph/analysis.
type Metric uint8

const (
	Betweenness       Metric = iota + 1 // Freeman betweenness, networkx's normalisation
	Brokerage                           // Gould–Fernandez brokerage: all brokered two-paths, by group
	Constraint                          // Burt's constraint: lower is more brokerage
	EffectiveSize                       // Burt's effective size
	Efficiency                          // Burt's efficiency: effective size over degree
	Degree                              // degree / (n − 1)
	Closeness                           // harmonic closeness
	Eigenvector                         // eigenvector centrality
	DeclaredBrokerage                   // links recorded as brokered by the actor
)

var metricNames = [...]string{Betweenness: "betweenness", Brokerage: "brokerage", Constraint: "constraint",
	EffectiveSize: "effective-size", Efficiency: "efficiency", Degree: "degree", Closeness: "closeness",
	Eigenvector: "eigenvector", DeclaredBrokerage: "declared-brokerage"}

// Metrics lists every metric, in declaration order.
func Metrics() []Metric {
	out := make([]Metric, 0, len(metricNames)-1)
	for m := Betweenness; m <= DeclaredBrokerage; m++ {
		out = append(out, m)
	}
	return out
}

// String returns the metric's name, e.g. "effective-size".
func (m Metric) String() string {
	if int(m) < len(metricNames) && m > 0 {
		return metricNames[m]
	}
	return "metric(" + strconv.Itoa(int(m)) + ")"
}

// Ascending reports whether lower scores rank first (only constraint).
func (m Metric) Ascending() bool { return m == Constraint }

// ParseMetric reads a metric name in any case, with - or _ between words
// ("effective-size", "EFFECTIVE_SIZE"). An unknown name is an EINVALID
// error on field.
func ParseMetric(field, name string) (Metric, error) {
	n := canonical(name)
	for _, m := range Metrics() {
		if metricNames[m] == n {
			return m, nil
		}
	}
	return 0, graph.Errorf(graph.EINVALID, field, "%s: %q is not a metric (want one of %s)", field, name, names(Metrics()))
}

func canonical(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
}

func names[T interface{ String() string }](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}

// Group is the actor attribute whose values are the groups of
// Gould–Fernandez brokerage. People take the groups of their organisation.
type Group uint8

const (
	BySector       Group = iota + 1 // the organisation's sector
	ByOrgType                       // the organisation's type
	ByRegion                        // the organisation's region
	ByOrganisation                  // the top-level organisation
	ByCommunity                     // the community the network forms (Communities' default partition)
)

var groupNames = [...]string{BySector: "sector", ByOrgType: "organisation-type", ByRegion: "region", ByOrganisation: "organisation",
	ByCommunity: "community"}
var groupAttrs = [...]string{BySector: snapshot.AttrSector, ByOrgType: snapshot.AttrType, ByRegion: snapshot.AttrRegion,
	ByOrganisation: snapshot.AttrOrganisation}

// Groups lists every grouping, in declaration order.
func Groups() []Group { return []Group{BySector, ByOrgType, ByRegion, ByOrganisation, ByCommunity} }

// String returns the grouping's name, e.g. "organisation-type".
func (g Group) String() string { return groupNames[g] }

// ParseGroup reads a grouping's name in any case, with - or _ between
// words; "type" is short for "organisation-type". An unknown name is an
// EINVALID error on field.
func ParseGroup(field, name string) (Group, error) {
	n := canonical(name)
	if n == "type" {
		return ByOrgType, nil
	}
	for _, g := range Groups() {
		if groupNames[g] == n {
			return g, nil
		}
	}
	return 0, graph.Errorf(graph.EINVALID, field, "%s: %q is not a grouping (want one of %s)", field, name, names(Groups()))
}

// Scores holds a metric's value per node. Defined is false where the metric
// has no value (Burt's measures for an isolate).
type Scores struct {
	Value   []float64
	Defined []bool
}

// Has reports whether node v has a value.
func (sc *Scores) Has(v int32) bool { return sc.Defined[v] && !math.IsNaN(sc.Value[v]) }

func defined(v []float64) *Scores {
	d := make([]bool, len(v))
	for i := range d {
		d[i] = true
	}
	return &Scores{v, d}
}

// Options shape a metric computed on a bare graph.
type Options struct {
	Weighted bool // tie strength counts: a link's length is 1/weight
	Samples  int  // estimate betweenness from this many sampled sources (0: exact)
}

// GraphScores computes m on g alone: every metric but Brokerage (which
// needs groups) and DeclaredBrokerage (which needs links). Eigenvector
// centrality that does not converge is an EINVALID error on field "metric".
func GraphScores(ctx context.Context, g *analysis.Graph, m Metric, opt Options) (*Scores, error) {
	all := func(v []float64, err error) (*Scores, error) {
		if err != nil {
			return nil, userError(err)
		}
		return defined(v), nil
	}
	switch m {
	case Betweenness:
		return all(analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Weighted: opt.Weighted, Normalized: true, Samples: opt.Samples}))
	case Degree:
		return all(analysis.Degree(g), nil)
	case Closeness:
		return all(analysis.Closeness(ctx, g, analysis.ClosenessOptions{Weighted: opt.Weighted}))
	case Eigenvector:
		v, err := analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{Weighted: opt.Weighted})
		if errors.Is(err, analysis.ErrNotConverged) {
			return nil, graph.Errorf(graph.EINVALID, "metric", "eigenvector centrality does not converge on this network; try another metric")
		}
		return all(v, err)
	case Constraint, EffectiveSize, Efficiency:
		h, err := analysis.StructuralHoles(ctx, g, analysis.HolesOptions{Weighted: opt.Weighted})
		if err != nil {
			return nil, userError(err)
		}
		return holeScores(h, m), nil
	}
	return nil, graph.Errorf(graph.EINVALID, "metric", "%s needs a snapshot of the stored network, not a bare graph", m)
}

func holeScores(h *analysis.Holes, m Metric) *Scores {
	v := map[Metric][]float64{Constraint: h.Constraint, EffectiveSize: h.EffectiveSize, Efficiency: h.Efficiency}[m]
	return &Scores{v, h.Defined}
}

// Compute returns m's value for every node of s, computed once per
// snapshot; by matters only for Brokerage.
func Compute(ctx context.Context, s *snapshot.Snapshot, m Metric, by Group) (*Scores, error) {
	if m < Betweenness || m > DeclaredBrokerage {
		return nil, graph.Errorf(graph.EINVALID, "metric", "unknown metric %d", m)
	}
	key := metricKey{m: m}
	if m == Brokerage {
		key.by = by
	}
	return snapshot.Memo(ctx, s, key, func(ctx context.Context) (*Scores, error) {
		switch m {
		case Brokerage:
			res, err := brokerage(ctx, s, by)
			if err != nil {
				return nil, err
			}
			return defined(totals(res)), nil
		case DeclaredBrokerage:
			return defined(declared(s)), nil
		case Constraint, EffectiveSize, Efficiency:
			h, err := holes(ctx, s)
			if err != nil {
				return nil, err
			}
			return holeScores(h, m), nil
		}
		return GraphScores(ctx, s.G, m, Options{Weighted: s.Scope.Weighted})
	})
}

// Keys of the results insight keeps on a snapshot (snapshot.Memo): one type
// per kind of result. Computations that call each other have keys of
// different types (a memo waiting on itself never returns). Each
// computation runs on the ctx snapshot.Memo gives it, not its first caller's.
type (
	metricKey struct {
		m  Metric
		by Group // for Brokerage only
	}
	holesKey     struct{}
	brokerageKey struct{ by Group }
	cutpointsKey struct{}
)

func holes(ctx context.Context, s *snapshot.Snapshot) (*analysis.Holes, error) {
	return snapshot.Memo(ctx, s, holesKey{}, func(ctx context.Context) (*analysis.Holes, error) {
		h, err := analysis.StructuralHoles(ctx, s.G, analysis.HolesOptions{Weighted: s.Scope.Weighted})
		return h, userError(err)
	})
}

func brokerage(ctx context.Context, s *snapshot.Snapshot, by Group) (*analysis.BrokerageResult, error) {
	if by < BySector || by > ByCommunity {
		return nil, graph.Errorf(graph.EINVALID, "groupBy", "unknown grouping %d", by)
	}
	return snapshot.Memo(ctx, s, brokerageKey{by}, func(ctx context.Context) (*analysis.BrokerageResult, error) {
		var groups []string
		if by == ByCommunity {
			var err error
			if groups, err = communityGroups(ctx, s); err != nil {
				return nil, err
			}
		} else {
			groups = s.G.Attrs[groupAttrs[by]]
		}
		res, err := analysis.Brokerage(ctx, s.G, groups)
		return res, userError(err)
	})
}

// totals returns each node's brokered two-paths in all roles.
func totals(res *analysis.BrokerageResult) []float64 {
	v := make([]float64, len(res.Raw))
	for i, c := range res.Raw {
		v[i] = float64(c[analysis.AnyRole])
	}
	return v
}

// declared counts the in-scope links each node is recorded as brokering.
func declared(s *snapshot.Snapshot) []float64 {
	v := make([]float64, s.G.N())
	for _, l := range s.Links {
		if n, err := s.Node("", l.BrokeredByID); err == nil {
			v[n]++
		}
	}
	return v
}
