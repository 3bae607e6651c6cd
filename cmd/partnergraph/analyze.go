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
	"degree", "closeness", "eigenvector", "brokerage", "communities", "modularity"}

func newAnalyzeCommand() *cobra.Command {
	var f fileFlags
	var metric, groupBy string
	var samples int
	var cf communityFlags
	cmd := &cobra.Command{
		Use:   "analyze --input FILE --metric NAME",
		Short: "Compute a brokerage or centrality metric for every node of a network file",
		Long: `Compute a metric straight from a network file and print every node's key with its value:
one JSON object (key → value; for brokerage key → the five Gould–Fernandez role counts;
for edge-betweenness "a|b" → value; for communities key → community number), or CSV.
modularity prints the found partition's modularity and number of communities.
Definitions and normalisations match networkx (and R's sna for brokerage). Metrics: ` + fmt.Sprint(metricNames),
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
			return analyze(cmd, w, g, metric, groupBy, samples, cf, f)
		},
	}
	f.register(cmd, "json", "csv")
	cmd.Flags().StringVar(&metric, "metric", "", "the metric to compute (required)")
	cmd.Flags().StringVar(&groupBy, "group-by", "sector", "node attribute whose values are the groups, for brokerage (as brokerageRoles' default)")
	cmd.Flags().IntVar(&samples, "samples", 0, "estimate betweenness from this many sampled sources (0: exact)")
	cf.register(cmd)
	cmd.MarkFlagRequired("metric")
	return cmd
}

func analyze(cmd *cobra.Command, w io.Writer, g *analysis.Graph, metric, groupBy string, samples int, cf communityFlags, f fileFlags) error {
	ctx := cmd.Context()
	switch metric {
	case "communities", "modularity":
		return writeCommunities(ctx, w, g, metric, cf, f)
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

// communityFlags choose how analyze --metric communities|modularity finds
// the partition.
type communityFlags struct {
	algorithm  string
	resolution float64
	seed       uint64
}

func (cf *communityFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&cf.algorithm, "algorithm", "leiden", "community detection, for communities and modularity: leiden or louvain")
	cmd.Flags().Float64Var(&cf.resolution, "resolution", 1, "modularity resolution γ, for communities and modularity: larger gives more, smaller communities")
	cmd.Flags().Uint64Var(&cf.seed, "seed", 0, "random seed of community detection: the same seed and network give the same partition")
}

func (cf communityFlags) options(weighted bool) (analysis.CommunityOptions, error) {
	opt := analysis.CommunityOptions{Resolution: cf.resolution, Weighted: weighted, Seed: cf.seed}
	i := slices.IndexFunc(analysis.CommunityAlgorithms, func(a analysis.CommunityAlgorithm) bool { return a.String() == cf.algorithm })
	if i < 0 {
		return opt, fmt.Errorf("--algorithm %q: want leiden or louvain", cf.algorithm)
	}
	if !(cf.resolution > 0) { // 0 would mean the default to analysis.Communities
		return opt, fmt.Errorf("--resolution %v: want a positive number (1 is standard modularity)", cf.resolution)
	}
	opt.Algorithm = analysis.CommunityAlgorithms[i]
	return opt, nil
}

// writeCommunities prints key → community number (communities numbered in
// the order of their first node in the file), or for modularity the
// partition's modularity and number of communities.
func writeCommunities(ctx context.Context, w io.Writer, g *analysis.Graph, metric string, cf communityFlags, f fileFlags) error {
	opt, err := cf.options(f.weighted)
	if err != nil {
		return err
	}
	res, err := analysis.Communities(ctx, g, opt)
	if err != nil {
		return err
	}
	if metric == "modularity" {
		q := &res.Modularity
		if math.IsNaN(*q) {
			q = nil // no edges: networkx has no value
		}
		if f.format == "csv" {
			v := ""
			if q != nil {
				v = strconv.FormatFloat(*q, 'g', -1, 64)
			}
			_, err := fmt.Fprintf(w, "modularity,communities\n%s,%d\n", v, len(res.Sizes))
			return err
		}
		return json.NewEncoder(w).Encode(map[string]any{"modularity": q, "communities": len(res.Sizes)})
	}
	if f.format == "csv" {
		cw := csv.NewWriter(w)
		cw.Write([]string{"key", "community"})
		for v, k := range g.Keys {
			cw.Write([]string{k, strconv.Itoa(int(res.Of[v]))})
		}
		cw.Flush()
		return cw.Error()
	}
	out := make(map[string]int32, g.N())
	for v, k := range g.Keys {
		out[k] = res.Of[v]
	}
	return json.NewEncoder(w).Encode(out)
}
