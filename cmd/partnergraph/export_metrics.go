package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// exportMetricNames are the metrics export --with-metrics attaches to
// nodes, with the definitions of the API's brokers query (networkx's
// normalisations; Burt's measures undefined, so absent, for isolates).
var exportMetricNames = []string{"betweenness", "degree", "closeness", "eigenvector", "constraint", "effective-size",
	"efficiency", "brokerage", "declared-brokerage"}

// groupAttrs are the snapshot attributes brokerage can group by.
var groupAttrs = map[string]string{"sector": snapshot.AttrSector, "type": snapshot.AttrType,
	"region": snapshot.AttrRegion, "organisation": snapshot.AttrOrganisation}

// parseMetrics checks a comma-separated list of metric names.
func parseMetrics(spec string) ([]string, error) {
	var out []string
	for _, m := range strings.Split(spec, ",") {
		if m = strings.TrimSpace(strings.ToLower(m)); m == "" {
			continue
		}
		if !slices.Contains(exportMetricNames, m) {
			return nil, fmt.Errorf("--with-metrics: %q is not one of %s", m, strings.Join(exportMetricNames, ", "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// computeMetrics computes each named metric for every actor of s.
func computeMetrics(ctx context.Context, s *snapshot.Snapshot, names []string, groupBy string) ([]netfile.Metric, error) {
	var out []netfile.Metric
	for _, name := range names {
		vals, defined, err := metricValues(ctx, s, name, groupBy)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		m := netfile.Metric{Name: name, Values: make(map[string]float64, len(vals))}
		for i, v := range vals {
			if defined == nil || defined[i] {
				m.Values[s.Actors[i].ID] = v
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func metricValues(ctx context.Context, s *snapshot.Snapshot, name, groupBy string) ([]float64, []bool, error) {
	g, w := s.G, s.Scope.Weighted
	switch name {
	case "betweenness":
		v, err := analysis.Betweenness(ctx, g, analysis.BetweennessOptions{Weighted: w, Normalized: true})
		return v, nil, err
	case "degree":
		return analysis.Degree(g), nil, nil
	case "closeness":
		v, err := analysis.Closeness(ctx, g, analysis.ClosenessOptions{Weighted: w})
		return v, nil, err
	case "eigenvector":
		v, err := analysis.Eigenvector(ctx, g, analysis.EigenvectorOptions{Weighted: w})
		if errors.Is(err, analysis.ErrNotConverged) {
			return nil, nil, graph.Errorf(graph.EINVALID, "with-metrics", "eigenvector centrality does not converge on this network")
		}
		return v, nil, err
	case "constraint", "effective-size", "efficiency":
		h, err := analysis.StructuralHoles(ctx, g, analysis.HolesOptions{Weighted: w})
		if err != nil {
			return nil, nil, err
		}
		v := map[string][]float64{"constraint": h.Constraint, "effective-size": h.EffectiveSize, "efficiency": h.Efficiency}[name]
		return v, h.Defined, nil
	case "brokerage":
		res, err := analysis.Brokerage(ctx, g, g.Attrs[groupAttrs[groupBy]])
		if err != nil {
			return nil, nil, err
		}
		v := make([]float64, g.N())
		for i, c := range res.Raw {
			v[i] = float64(c[analysis.AnyRole])
		}
		return v, nil, nil
	case "declared-brokerage":
		v := make([]float64, g.N())
		for _, l := range s.Links {
			if n, err := s.Node("", l.BrokeredByID); err == nil {
				v[n]++
			}
		}
		return v, nil, nil
	}
	return nil, nil, fmt.Errorf("unknown metric %q", name)
}

// parseScope reads --scope: comma-separated settings, list values
// separated by |, e.g. "types=collaboration|partnership,kinds=person,
// programme=sipp,from=2020-01-01,to=2021-08-31,directed,weighted".
func parseScope(spec string) (graph.Scope, error) {
	var s graph.Scope
	for _, part := range strings.Split(spec, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		var err error
		switch strings.ToLower(name) {
		case "":
		case "types", "linktypes":
			for _, v := range strings.Split(val, "|") {
				s.LinkTypes = append(s.LinkTypes, graph.LinkType(enumValue(v)))
			}
		case "kinds", "actorkinds":
			for _, v := range strings.Split(val, "|") {
				k := graph.KindPerson
				if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "org") {
					k = graph.KindOrganisation
				} else if !strings.EqualFold(strings.TrimSpace(v), "person") {
					return s, fmt.Errorf("--scope: kind %q is not person or organisation", v)
				}
				s.ActorKinds = append(s.ActorKinds, k)
			}
		case "programme", "program":
			s.ProgrammeID = graph.NewID(graph.KindProgramme, val)
		case "from":
			s.Window.From, err = graph.ParseDate("scope.from", val)
		case "to":
			s.Window.To, err = graph.ParseDate("scope.to", val)
		case "directed":
			s.Directed = val == "" || val == "true"
		case "weighted":
			s.Weighted = val == "" || val == "true"
		default:
			return s, fmt.Errorf("--scope: unknown setting %q (want types, kinds, programme, from, to, directed, weighted)", name)
		}
		if err != nil {
			return s, fmt.Errorf("--scope: %w", err)
		}
	}
	if err := s.Validate(); err != nil {
		return s, fmt.Errorf("--scope: %w", err)
	}
	return s, nil
}

func enumValue(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
}
