package netfile_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

// The importers read files users upload: whatever the bytes, they return an
// element stream or a graph.EINVALID error naming the place, and never panic.
// Seeds are in testdata/fuzz; scripts/fuzz-short runs each target briefly.

// checkElements checks what a streaming reader yields: edges have both ends
// and a finite weight.
func checkElements(t *testing.T) func(netfile.Element) error {
	return func(e netfile.Element) error {
		if e.Kind == netfile.EdgeElement {
			if e.Source == "" || e.Target == "" {
				t.Errorf("line %d: edge with an empty end: %+v", e.Line, e)
			}
			if math.IsNaN(e.Weight) || math.IsInf(e.Weight, 0) {
				t.Errorf("line %d: edge weight %v", e.Line, e.Weight)
			}
		}
		return nil
	}
}

// checkError requires a user-facing error: code EINVALID.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err != nil && graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("error %q has code %s, want %s", err, graph.ErrorCode(err), graph.EINVALID)
	}
}

func FuzzReadGraphML(f *testing.F) {
	f.Add([]byte(sampleGraphML))
	f.Add([]byte(`<graphml><graph edgedefault="directed"><node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkError(t, netfile.ReadGraphML("fuzz.graphml", bytes.NewReader(data), checkElements(t)))
	})
}

func FuzzReadEdgeList(f *testing.F) {
	f.Add([]byte("# a comment\n1 2\n2 3 0.5\n\n% konect\n3 1 2\n"))
	f.Add([]byte("a\tb\t1e308\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkError(t, netfile.ReadEdgeList("fuzz.txt", bytes.NewReader(data), checkElements(t)))
	})
}

func FuzzReadDocument(f *testing.F) {
	f.Add([]byte(`{"format": "partnergraph/1", "actors": [{"key": "a", "kind": "ORGANISATION", "name": "A", "type": "SCHOOL"}]}`))
	f.Add([]byte(`{"format": "partnergraph/1", "links": [{"type": "PARTNERSHIP", "source": "a", "target": "b", "from": "2020-01-01"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := netfile.ReadDocument("fuzz.json", bytes.NewReader(data))
		checkError(t, err)
		if err != nil {
			return
		}
		// A document read is a document that can be written and converted.
		var buf bytes.Buffer
		if err := netfile.WriteDocument(&buf, d); err != nil {
			t.Errorf("write a document just read: %v", err)
		}
		d.Batch()
	})
}
