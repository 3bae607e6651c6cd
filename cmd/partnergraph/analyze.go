package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/spf13/cobra"
)

// fileFlags load a network file for the analyze and paths commands.
type fileFlags struct {
	input      string
	directed   bool
	undirected bool
	weighted   bool
	format     string
	formats    []string
	maxBytes   int64
}

// register adds the flags; formats are the output formats the command writes.
func (f *fileFlags) register(cmd *cobra.Command, formats ...string) {
	f.formats = formats
	cmd.Flags().StringVar(&f.input, "input", "", "network file: GraphML (.graphml), GEXF (.gexf), partnergraph JSON (.json) or SNAP edge list (.txt, .edgelist, .edges, .tsv); each may be gzipped (.gz)")
	cmd.Flags().BoolVar(&f.directed, "directed", false, "treat the network as directed (default: as the file says; edge lists are undirected)")
	cmd.Flags().BoolVar(&f.undirected, "undirected", false, "treat the network as undirected whatever the file says")
	cmd.Flags().BoolVar(&f.weighted, "weighted", false, "use tie strength (the edge attribute weight, or an edge list's third column); a link's length is 1/weight")
	cmd.Flags().StringVar(&f.format, "format", formats[0], "output format: "+strings.Join(formats, " or "))
	cmd.Flags().Int64Var(&f.maxBytes, "max-file-bytes", netfile.DefaultMaxBytes, "largest size of the network file once decompressed")
	cmd.MarkFlagRequired("input")
}

func (f *fileFlags) load() (*analysis.Graph, error) {
	if !slices.Contains(f.formats, f.format) {
		return nil, fmt.Errorf("--format %q: want %s", f.format, strings.Join(f.formats, " or "))
	}
	opt := netfile.LoadOptions{Weighted: f.weighted, MaxBytes: f.maxBytes}
	switch {
	case f.directed && f.undirected:
		return nil, fmt.Errorf("--directed and --undirected contradict each other")
	case f.directed:
		opt.Direction = netfile.Directed
	case f.undirected:
		opt.Direction = netfile.Undirected
	}
	return netfile.Load(f.input, opt)
}

// Metric names accepted by analyze --metric.
var metricNames = []string{"betweenness", "edge-betweenness", "constraint", "effective-size", "efficiency",
	"degree", "closeness", "eigenvector", "brokerage"}

func newAnalyzeCommand() *cobra.Command {
	var f fileFlags
	var metric, groupBy string
	var samples int
	cmd := &cobra.Command{
		Use:   "analyze --input FILE --metric NAME",
		Short: "Compute a brokerage or centrality metric for every node of a network file",
		Long: `Compute a metric straight from a network file and print every node's key with its value:
one JSON object (key → value; for brokerage key → the five Gould–Fernandez role counts;
for edge-betweenness "a|b" → value), or CSV. Definitions and normalisations match networkx
(and R's sna for brokerage). Metrics: ` + fmt.Sprint(metricNames),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(metricNames, metric) {
				return fmt.Errorf("--metric %q: want one of %v", metric, metricNames)
			}
			g, err := f.load()
			if err != nil {
				return err
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			defer w.Flush()
			return analyze(cmd, w, g, metric, groupBy, samples, f)
		},
	}
	f.register(cmd, "json", "csv")
	cmd.Flags().StringVar(&metric, "metric", "", "the metric to compute (required)")
	cmd.Flags().StringVar(&groupBy, "group-by", "sector", "node attribute whose values are the groups, for brokerage (as brokerageRoles' default)")
	cmd.Flags().IntVar(&samples, "samples", 0, "estimate betweenness from this many sampled sources (0: exact)")
	cmd.MarkFlagRequired("metric")
	return cmd
}

func analyze(cmd *cobra.Command, w io.Writer, g *analysis.Graph, metric, groupBy string, samples int, f fileFlags) error {
	ctx := cmd.Context()
	switch metric {
	case "edge-betweenness":
		ev, err := analysis.EdgeBetweenness(ctx, g, analysis.BetweennessOptions{Weighted: f.weighted, Normalized: true, Samples: samples})
		if err != nil {
			return err
		}
		keys := make([]string, len(g.Edges))
		for i, e := range g.Edges {
			keys[i] = g.Keys[e.U] + "|" + g.Keys[e.V]
		}
		return writeValues(w, f.format, keys, ev, nil)
	case "brokerage":
		if groupBy == "" {
			return fmt.Errorf("--group-by ATTR: brokerage needs the node attribute whose values are the groups")
		}
		return writeBrokerage(ctx, w, g, groupBy, f.format)
	}
	m, err := insight.ParseMetric("--metric", metric)
	if err != nil {
		return err
	}
	sc, err := insight.GraphScores(ctx, g, m, insight.Options{Weighted: f.weighted, Samples: samples})
	if err != nil {
		return err
	}
	return writeValues(w, f.format, g.Keys, sc.Value, sc.Defined)
}

// writeValues prints key → value; an undefined value is null (NaN in networkx).
func writeValues(w io.Writer, format string, keys []string, values []float64, defined []bool) error {
	ok := func(i int) bool { return (defined == nil || defined[i]) && !math.IsNaN(values[i]) }
	if format == "csv" {
		cw := csv.NewWriter(w)
		cw.Write([]string{"key", "value"})
		for i, k := range keys {
			v := ""
			if ok(i) {
				v = strconv.FormatFloat(values[i], 'g', -1, 64)
			}
			cw.Write([]string{k, v})
		}
		cw.Flush()
		return cw.Error()
	}
	out := make(map[string]*float64, len(keys))
	for i, k := range keys {
		if ok(i) {
			out[k] = &values[i]
		} else {
			out[k] = nil
		}
	}
	return json.NewEncoder(w).Encode(out)
}

// writeBrokerage prints each node's five Gould–Fernandez role counts, the
// groups being the values of node attribute groupBy.
func writeBrokerage(ctx context.Context, w io.Writer, g *analysis.Graph, groupBy, format string) error {
	groups, ok := g.Attrs[groupBy]
	if !ok {
		names := slices.Sorted(maps.Keys(g.Attrs))
		return fmt.Errorf("--group-by %q: the network has no such node attribute (it has %v)", groupBy, names)
	}
	res, err := analysis.Brokerage(ctx, g, groups)
	if err != nil {
		return err
	}
	roles := []analysis.BrokerRole{analysis.Coordinator, analysis.Itinerant, analysis.Representative, analysis.Gatekeeper, analysis.Liaison}
	if format == "csv" {
		cw := csv.NewWriter(w)
		header := []string{"key"}
		for _, r := range roles {
			header = append(header, r.String())
		}
		cw.Write(header)
		for v, k := range g.Keys {
			row := []string{k}
			for _, r := range roles {
				row = append(row, strconv.FormatInt(res.Raw[v][r], 10))
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
	out := make(map[string]map[string]int64, g.N())
	for v, k := range g.Keys {
		m := make(map[string]int64, len(roles))
		for _, r := range roles {
			m[r.String()] = res.Raw[v][r]
		}
		out[k] = m
	}
	return json.NewEncoder(w).Encode(out)
}
