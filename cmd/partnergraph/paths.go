package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/spf13/cobra"
)

// filePath is one path in the paths command's output.
type filePath struct {
	Nodes []string `json:"nodes"`
	Hops  int      `json:"hops"`
	Cost  float64  `json:"cost"`
}

func newPathsCommand() *cobra.Command {
	var f fileFlags
	var from, to, pairs string
	var k, maxHops int
	cmd := &cobra.Command{
		Use:   "paths --input FILE (--from KEY --to KEY | --pairs FILE)",
		Short: "Find the k shortest loopless paths between nodes of a network file",
		Long: `Print a JSON array of paths, cheapest first, each {"nodes": [keys…], "hops": n, "cost": x}
(cost is hops, or Σ 1/weight with --weighted). With --pairs FILE (one "FROM TO" pair a
line, # comments allowed), print one such array per pair, in the file's order, from one load
of the network. Unreachable pairs give []. A pair that cannot be answered (an unknown key,
FROM equal to TO) gives {"error": "…"} in its place, the others are still answered, and the
command then fails naming every such pair.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (pairs == "") == (from == "" && to == "") || (pairs == "" && (from == "" || to == "")) {
				return fmt.Errorf("give --from KEY and --to KEY, or --pairs FILE")
			}
			if k < 1 || k > 1000 {
				return fmt.Errorf("--k %d: want 1 to 1000", k)
			}
			var queries []pairLine
			if pairs != "" {
				var err error
				if queries, err = readPairs(pairs); err != nil {
					return err
				}
			} else {
				queries = []pairLine{{pair: [2]string{from, to}}}
			}
			g, err := f.load()
			if err != nil {
				return err
			}
			var out []any
			var failed []error
			for _, q := range queries {
				ps, err := findPaths(cmd.Context(), g, q.pair, k, analysis.PathOptions{Weighted: f.weighted, MaxHops: maxHops})
				if err != nil && pairs == "" {
					return err
				}
				if err != nil {
					if cmd.Context().Err() != nil {
						return err
					}
					err = fmt.Errorf("%s:%d: %w", pairs, q.line, err)
					failed = append(failed, err)
					out = append(out, map[string]string{"error": err.Error()})
					continue
				}
				out = append(out, ps)
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			if pairs == "" {
				defer w.Flush()
				return json.NewEncoder(w).Encode(out[0])
			}
			if err := json.NewEncoder(w).Encode(out); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d pairs could not be answered:\n%w", len(failed), len(queries), errors.Join(failed...))
			}
			return nil
		},
	}
	f.register(cmd, "json")
	cmd.Flags().StringVar(&from, "from", "", "key of the source node")
	cmd.Flags().StringVar(&to, "to", "", "key of the target node")
	cmd.Flags().StringVar(&pairs, "pairs", "", `file of "FROM TO" pairs, one a line`)
	cmd.Flags().IntVar(&k, "k", 1, "number of shortest loopless paths (Yen)")
	cmd.Flags().IntVar(&maxHops, "max-hops", 0, "longest path to consider, in hops (0: no bound)")
	return cmd
}

// findPaths answers one query; unknown keys and from == to are errors.
func findPaths(ctx context.Context, g *analysis.Graph, q [2]string, k int, opt analysis.PathOptions) ([]filePath, error) {
	s, t := g.Index(q[0]), g.Index(q[1])
	switch {
	case s < 0:
		return nil, fmt.Errorf("no node %q in the network", q[0])
	case t < 0:
		return nil, fmt.Errorf("no node %q in the network", q[1])
	case s == t:
		return nil, fmt.Errorf("from and to are the same node %q", q[0])
	}
	ps, err := analysis.KShortestPaths(ctx, g, s, t, k, opt)
	if err != nil {
		return nil, err
	}
	out := make([]filePath, len(ps))
	for i, p := range ps {
		keys := make([]string, len(p.Nodes))
		for j, v := range p.Nodes {
			keys[j] = g.Keys[v]
		}
		out[i] = filePath{Nodes: keys, Hops: len(p.Edges), Cost: p.Cost}
	}
	return out, nil
}

// pairLine is one FROM TO pair and its line in the pairs file.
type pairLine struct {
	pair [2]string
	line int
}

// maxReported bounds how many errors of one file are reported in one run.
const maxReported = 20

// readPairs reads "FROM TO" lines, skipping blanks and # comments.
func readPairs(path string) ([]pairLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parsePairs(path, f)
}

// parsePairs reads every line, and reports every malformed one (up to
// maxReported), so one run shows all that needs mending.
func parsePairs(name string, r io.Reader) ([]pairLine, error) {
	var out []pairLine
	var bad []error
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			if len(bad) < maxReported {
				bad = append(bad, fmt.Errorf("%s:%d: want two node keys, FROM TO; got %q", name, line, text))
			}
			continue
		}
		out = append(out, pairLine{[2]string{f[0], f[1]}, line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, errors.Join(bad...)
}
