// Package seed holds the demo network: the organisations, programmes, people
// and relationships named in the seed documents (see SOURCES.md), each fact
// with its source document and a quote as evidence.
package seed

import (
	"bytes"
	"context"
	_ "embed"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

//go:embed demo.json
var demo []byte

// Demo returns the demo network as a document.
func Demo() (*netfile.Document, error) {
	return netfile.ReadDocument("seed/demo.json", bytes.NewReader(demo))
}

// Load upserts the demo network into s in one transaction; loading it again
// changes nothing.
func Load(ctx context.Context, s graph.Store) (*graph.ApplyResult, error) {
	d, err := Demo()
	if err != nil {
		return nil, err
	}
	return graph.Apply(ctx, s, d.Batch())
}
