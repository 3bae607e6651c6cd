package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/spf13/cobra"
)

func newImportCommand() *cobra.Command {
	sf := newStoreFlags()
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import [--data DIR | --store neo4j] FILE...",
		Short: "Import networks into the store, all or nothing (upsert by key)",
		Long: `Import network files into the store. Every file is validated before anything is
written; a file with any error writes nothing. Re-importing the same file changes nothing.
Formats by extension: .json (partnergraph's own, what export writes).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			st, err := sf.Open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			for _, f := range files {
				res, err := importFile(cmd, st, f, dryRun)
				if err != nil {
					return err
				}
				verb := "imported"
				if dryRun {
					verb = "would import"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s %s: %d created, %d updated, %d unchanged\n", verb, f, res.Created, res.Updated, res.Unchanged)
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report what would change, and change nothing")
	return cmd
}

func importFile(cmd *cobra.Command, st graph.Store, path string, dryRun bool) (*graph.ApplyResult, error) {
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".json" {
		return nil, fmt.Errorf("%s: unsupported format %q (want .json)", path, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := netfile.ReadDocument(path, bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	b := doc.Batch()
	b.DryRun = dryRun
	return st.Apply(cmd.Context(), b)
}

func newExportCommand() *cobra.Command {
	sf := newStoreFlags()
	var format, output string
	cmd := &cobra.Command{
		Use:   "export [--data DIR | --store neo4j] --format json [--output FILE]",
		Short: "Export the whole network (standard output by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" {
				return fmt.Errorf("--format %q: want json", format)
			}
			st, err := sf.Open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			doc := &netfile.Document{}
			if _, err := st.Scan(cmd.Context(), func(it graph.Item) error { doc.Add(it); return nil }); err != nil {
				return err
			}
			return writeOutput(cmd, output, func(w io.Writer) error { return netfile.WriteDocument(w, doc) })
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "json", "json")
	cmd.Flags().StringVar(&output, "output", "", "file to write (default standard output)")
	return cmd
}

// writeOutput writes to path atomically (a temporary file renamed into
// place), or to standard output when path is empty.
func writeOutput(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	if path == "" {
		w := bufio.NewWriter(cmd.OutOrStdout())
		if err := write(w); err != nil {
			return err
		}
		return w.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
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
