package netfile

import (
	"bytes"
	"io"

	"github.com/partnergraph/partnergraph/graph"
)

// Limits on what a network file may hold once decompressed, for uploads and
// the command line alike: a 1 MB .csv.gz can hold a 1 GB field, which the
// CSV and XML readers would hold in memory whole.
const (
	// DefaultMaxBytes bounds a file's decompressed size unless the options
	// set another bound.
	DefaultMaxBytes = 1 << 30
	// MaxLineBytes bounds a line of a line-oriented format (CSV, edge
	// lists), whose readers hold a line whole. XML and JSON may come on one
	// line; only their size is bounded.
	MaxLineBytes = 1 << 20
	// DefaultMaxRows bounds the rows an import reads unless its options set
	// another bound: the check keeps every key it has seen.
	DefaultMaxRows = 20_000_000
)

// boundedReader reads a file, failing with EINVALID (which the format's
// reader prefixes with the file's name and position) once it has read
// more than max bytes or, if lines is set, a line longer than
// MaxLineBytes.
type boundedReader struct {
	r       io.Reader
	max, n  int64
	lines   bool
	lineLen int
}

func newBoundedReader(r io.Reader, max int64, lines bool) *boundedReader {
	if max <= 0 {
		max = DefaultMaxBytes
	}
	return &boundedReader{r: r, max: max, lines: lines}
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.n += int64(n); b.n > b.max {
		return 0, graph.Errorf(graph.EINVALID, "", "larger than the limit of %d bytes once decompressed", b.max)
	}
	for chunk := p[:n]; b.lines; {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			b.lineLen += len(chunk)
			break
		}
		if b.lineLen+i > MaxLineBytes {
			return 0, b.longLine()
		}
		b.lineLen, chunk = 0, chunk[i+1:]
	}
	if b.lineLen > MaxLineBytes {
		return 0, b.longLine()
	}
	return n, err
}

func (b *boundedReader) longLine() error {
	return graph.Errorf(graph.EINVALID, "", "a line longer than the limit of %d bytes", MaxLineBytes)
}
