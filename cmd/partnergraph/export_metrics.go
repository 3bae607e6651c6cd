package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// exportMetricNames are the metrics export --with-metrics attaches to
// nodes, with the definitions of the API's brokers query (networkx's
// normalisations; Burt's measures undefined, so absent, for isolates), and
// "community": each actor's community (Leiden, resolution 1, seed 0, as
// the API's communities query and groupBy COMMUNITY).
var exportMetricNames = func() []string {
	var out []string
	for _, m := range insight.Metrics() {
		out = append(out, m.String())
	}
	return append(out, communityMetric)
}()

const communityMetric = "community"

// exportMetrics are the metrics asked for: insight's, and whether the
// community is.
type exportMetrics struct {
	metrics   []insight.Metric
	community bool
}

func (e exportMetrics) any() bool { return len(e.metrics) > 0 || e.community }

// parseMetrics checks a comma-separated list of metric names.
func parseMetrics(spec string) (exportMetrics, error) {
	var out exportMetrics
	for _, name := range strings.Split(spec, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			continue
		case strings.EqualFold(name, communityMetric):
			out.community = true
			continue
		}
		m, err := insight.ParseMetric("--with-metrics", name)
		if err != nil {
			return out, err
		}
		if !slices.Contains(out.metrics, m) {
			out.metrics = append(out.metrics, m)
		}
	}
	return out, nil
}

// computeMetrics computes each metric for every actor of s, leaving out
// the actors where it is undefined.
func computeMetrics(ctx context.Context, s *snapshot.Snapshot, metrics exportMetrics, by insight.Group) ([]netfile.Metric, error) {
	var out []netfile.Metric
	for _, m := range metrics.metrics {
		sc, err := insight.Compute(ctx, s, m, by)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m, err)
		}
		nm := netfile.Metric{Name: m.String(), Values: make(map[string]float64, len(sc.Value))}
		for i, v := range sc.Value {
			if sc.Defined[i] {
				nm.Values[s.Actors[i].ID] = v
			}
		}
		out = append(out, nm)
	}
	if metrics.community {
		res, err := insight.Communities(ctx, s, insight.CommunityQuery{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", communityMetric, err)
		}
		nm := netfile.Metric{Name: communityMetric, Values: make(map[string]float64, len(res.Of))}
		for v, c := range res.Of {
			nm.Values[s.Actors[v].ID] = float64(c)
		}
		out = append(out, nm)
	}
	return out, nil
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
				t := graph.LinkType(enumValue(v))
				if !slices.Contains(graph.LinkTypes, t) {
					names := make([]string, len(graph.LinkTypes))
					for i, lt := range graph.LinkTypes {
						names[i] = strings.ToLower(string(lt))
					}
					return s, fmt.Errorf("--scope types=%s: %q is not a link type (%s)", val, v, strings.Join(names, ", "))
				}
				s.LinkTypes = append(s.LinkTypes, t)
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
			s.Window.From, err = graph.ParseDate("from", val)
		case "to":
			s.Window.To, err = graph.ParseDate("to", val)
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
