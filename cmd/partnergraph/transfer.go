package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/spf13/cobra"
)

func newImportCommand() *cobra.Command {
	sf := newStoreFlags()
	var pf progressFlags
	var opt netfile.ImportOptions
	var maps []string
	cmd := &cobra.Command{
		Use:   "import [--data DIR | --store neo4j] [--dry-run] [--map FROM=TO] FILE...",
		Short: "Import network files into the store, all or nothing (upsert by key)",
		Long: `Import network files into the store. Formats by extension (optionally .gz):
  .csv                 an actors table (key, kind, name, type, sector, region, description, title,
                       roles, email, phone, parent, evidence, evidence_quote, evidence_note)
                       or a links table (key, source, target, type, weight, directed, from, to,
                       programme, brokered_by, evidence, evidence_quote, evidence_note);
                       other columns are kept as attributes
  .json                partnergraph's own format (what export --format json writes)
  .graphml, .gexf      nodes become actors (a person unless a kind or type attribute says
                       otherwise; name from name or label, else the id), edges become links
                       (COLLABORATION unless a type attribute says otherwise); other
                       attributes are kept
  .txt, .edgelist      SNAP edge lists: "source target [weight]" per line, # comments

Every row of every file is validated before anything is written, and errors name the
file, line and field; a file with any error writes nothing. All files go in one
transaction. Importing the same files again changes nothing. Self-loops in research
files are skipped with a warning. --map renames CSV columns and GraphML/GEXF attributes:
--map "Org ID=key,Organisation=name,Notes=-" ("-" leaves a column out).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			var err error
			if opt.Mapping, err = netfile.ParseMapping(maps); err != nil {
				return err
			}
			st, err := sf.Open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			srcs := make([]netfile.Source, len(files))
			for i, f := range files {
				srcs[i] = netfile.FileSource(f)
			}
			p := pf.progress(cmd)
			opt.Progress = func(pr netfile.Progress) { p.update(pr.Phase, pr.Rows, pr.Total, pr.Done) }
			res, err := netfile.Import(cmd.Context(), st, srcs, opt)
			p.finish()
			if err != nil {
				return err
			}
			reportImport(cmd.ErrOrStderr(), files, res, opt.DryRun)
			return nil
		},
	}
	sf.register(cmd)
	pf.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&opt.DryRun, "dry-run", false, "check everything and report what would change, and change nothing")
	fl.BoolVar(&opt.Directed, "directed", false, "edge-list lines, and CSV links without a directed column, are directed links")
	fl.StringArrayVar(&maps, "map", nil, "rename columns and attributes: FROM=TO[,FROM=TO…] (TO a field, an attribute name, or - to drop)")
	fl.StringVar(&opt.KeyPrefix, "key-prefix", "", "put this before every key the files give (keeps numbered networks apart)")
	fl.Int64Var(&opt.MaxBytes, "max-file-bytes", netfile.DefaultMaxBytes, "largest size of a file once decompressed")
	fl.Int64Var(&opt.MaxRows, "max-rows", netfile.DefaultMaxRows, "most rows all the files may hold together")
	return cmd
}

func reportImport(w io.Writer, files []string, res *netfile.ImportResult, dryRun bool) {
	verb := "imported"
	if dryRun {
		verb = "would import"
	}
	fmt.Fprintf(w, "%s %s: %d created, %d updated, %d unchanged (%d rows)\n", verb, strings.Join(files, ", "),
		res.Created, res.Updated, res.Unchanged, res.Rows)
	if res.SelfLoops > 0 {
		more := ""
		if res.SelfLoops > len(res.SelfLoopsAt) {
			more = ", …"
		}
		fmt.Fprintf(w, "warning: skipped %d self-loops (%s%s): a link cannot join an actor to itself\n",
			res.SelfLoops, strings.Join(res.SelfLoopsAt, ", "), more)
	}
}

// exportFlags configure the export command.
type exportFlags struct {
	format, output, metrics, scope, groupBy string
	personal                                bool
}

func newExportCommand() *cobra.Command {
	sf := newStoreFlags()
	var pf progressFlags
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export [--data DIR | --store neo4j] --format json|graphml|gexf|csv [--with-metrics LIST] [--scope SPEC] [--output FILE]",
		Short: "Export the network or a scoped part, with metrics for Gephi (standard output by default)",
		Long: `Export the whole network, or the part a scope selects, to standard output or --output.
  json      partnergraph's own format: lossless, what import reads back
  graphml   GraphML (Gephi, networkx, igraph, yEd): actors as nodes, links as edges, with
            their fields and attributes as typed attributes
  gexf      GEXF (Gephi), the same content
  csv       two tables: actors.csv and links.csv in the directory --output names (without
            --output, both to standard output, separated by a blank line)
--with-metrics adds computed metrics as node attributes (Gephi can size and colour by them):
` + strings.Join(exportMetricNames, ", ") + `. They are computed on the scope's projection
(--scope "types=collaboration|partnership,kinds=person,programme=KEY,from=DATE,to=DATE,directed,weighted").
GraphML, GEXF and CSV leave out people's email and phone unless --with-personal.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd, sf, pf, f)
		},
	}
	sf.register(cmd)
	pf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "json", "json, graphml, gexf or csv")
	fl.StringVar(&f.output, "output", "", "file to write (a directory for csv; default standard output)")
	fl.StringVar(&f.metrics, "with-metrics", "", "comma-separated metrics to attach to nodes: "+strings.Join(exportMetricNames, ", "))
	fl.StringVar(&f.scope, "scope", "", "the part of the network to export and compute metrics on (see above)")
	fl.StringVar(&f.groupBy, "group-by", "sector", "groups for the brokerage metric: sector, type (organisation-type), region or organisation")
	fl.BoolVar(&f.personal, "with-personal", false, "include people's email and phone in graphml, gexf and csv")
	return cmd
}

func runExport(cmd *cobra.Command, sf StoreFlags, pf progressFlags, f exportFlags) error {
	format := netfile.Format(strings.ToLower(f.format))
	switch format {
	case netfile.FormatJSON, netfile.FormatGraphML, netfile.FormatGEXF, netfile.FormatCSV:
	default:
		return fmt.Errorf("--format %q: want json, graphml, gexf or csv", f.format)
	}
	metrics, err := parseMetrics(f.metrics)
	if err != nil {
		return err
	}
	groupBy, err := insight.ParseGroup("--group-by", f.groupBy)
	if err != nil {
		return err
	}
	scope, err := parseScope(f.scope)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	st, err := sf.Open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p := pf.progress(cmd)
	defer p.finish()
	total := int64(0)
	if p.on {
		total = countRows(ctx, st)
	}
	rows := int64(0)
	tick := func() {
		if rows++; rows%2000 == 0 {
			p.update("exporting", rows, total, false)
		}
	}
	opt := netfile.ExportOptions{Personal: f.personal}
	write := func(ex netfile.Exporter) error { return exportScan(ctx, st, scope, ex, tick) }
	// Metrics, and a scope that selects links (whose actors are those the
	// links join), need the scope's projection; anything else streams.
	if metrics.any() || scope.SelectsLinks() {
		net, err := loadNetwork(ctx, st, scope)
		if err != nil {
			return fmt.Errorf("--scope: %w", err)
		}
		if opt.Metrics, err = computeMetrics(ctx, net.s, metrics, groupBy); err != nil {
			return err
		}
		write = func(ex netfile.Exporter) error { return net.write(ex, tick) }
	}
	return writeExport(cmd, format, f.output, func(w, links io.Writer) error {
		ex, err := netfile.NewExporter(format, w, links, opt)
		if err != nil {
			return err
		}
		if err := write(ex); err != nil {
			ex.Close()
			return err
		}
		p.update("exporting", rows, total, true)
		return ex.Close()
	})
}

// countRows counts actors and links, for the progress bar's total.
func countRows(ctx context.Context, st graph.Store) int64 {
	a, err := st.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		return 0
	}
	l, err := st.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1})
	if err != nil {
		return 0
	}
	return int64(a.TotalCount + l.TotalCount)
}

// exportScan streams the store's network, as scope selects it, to ex.
// Programmes are all kept (links and participations refer to them); a
// participation goes with its actor, a link with both its ends.
func exportScan(ctx context.Context, st graph.Store, scope graph.Scope, ex netfile.Exporter, tick func()) error {
	in := map[string]bool{} // actors in scope, when the scope chooses kinds
	kept := func(id string) bool { return len(scope.ActorKinds) == 0 || in[id] }
	_, err := st.Scan(ctx, func(it graph.Item) error {
		switch {
		case it.Actor != nil:
			if !scope.IncludesActor(it.Actor) {
				return nil
			}
			if len(scope.ActorKinds) > 0 {
				in[it.Actor.ID] = true
			}
			tick()
		case it.Participation != nil && !kept(it.Participation.ActorID):
			return nil
		case it.Link != nil:
			if !scope.IncludesLink(it.Link) || !kept(it.Link.SourceID) || !kept(it.Link.TargetID) {
				return nil
			}
			tick()
		}
		return ex.Add(it)
	})
	return err
}

// network is the whole network in memory, with the scope's projection:
// what metrics are computed on, from one consistent scan.
type network struct {
	s    *snapshot.Snapshot
	rest []graph.Item // programmes and participations
}

func loadNetwork(ctx context.Context, st graph.Store, scope graph.Scope) (*network, error) {
	var actors []*graph.Actor
	var links []*graph.Link
	var participations []*graph.Participation
	programmes := map[string]bool{}
	n := &network{}
	_, err := st.Scan(ctx, func(it graph.Item) error {
		switch {
		case it.Actor != nil:
			actors = append(actors, it.Actor)
		case it.Link != nil:
			links = append(links, it.Link)
		default:
			if it.Programme != nil {
				programmes[it.Programme.ID] = true
			}
			if it.Participation != nil {
				participations = append(participations, it.Participation)
			}
			n.rest = append(n.rest, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := snapshot.CheckProgramme(scope, programmes); err != nil {
		return nil, err
	}
	n.s = snapshot.Project(actors, links, participations, scope)
	return n, nil
}

// write writes the projection's actors and links, every programme, and the
// participations of the actors written.
func (n *network) write(ex netfile.Exporter, tick func()) error {
	s := n.s
	in := make(map[string]bool, len(s.Actors))
	for _, a := range s.Actors {
		in[a.ID] = true
		tick()
		if err := ex.Add(graph.Item{Actor: a}); err != nil {
			return err
		}
	}
	for _, it := range n.rest {
		if it.Participation != nil && !in[it.Participation.ActorID] {
			continue
		}
		if err := ex.Add(it); err != nil {
			return err
		}
	}
	for _, l := range s.Links {
		tick()
		if err := ex.Add(graph.Item{Link: l}); err != nil {
			return err
		}
	}
	return nil
}

// writeExport runs write with the outputs: standard output, or the file
// --output names, written atomically (a temporary file renamed into
// place); for csv, actors.csv and links.csv in the directory --output
// names.
func writeExport(cmd *cobra.Command, format netfile.Format, output string, write func(w, links io.Writer) error) error {
	if output == "" {
		w := bufio.NewWriter(cmd.OutOrStdout())
		if err := write(w, nil); err != nil {
			return err
		}
		return w.Flush()
	}
	if format != netfile.FormatCSV {
		return writeAtomic(output, func(w io.Writer) error { return write(w, nil) })
	}
	if err := os.MkdirAll(output, 0o755); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(output, "actors.csv"), func(aw io.Writer) error {
		return writeAtomic(filepath.Join(output, "links.csv"), func(lw io.Writer) error { return write(aw, lw) })
	})
}

// writeAtomic writes path through a temporary file renamed into place once
// write has succeeded.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 256<<10)
	if err := write(w); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
