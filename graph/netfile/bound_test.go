package netfile_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// gzipped compresses what write writes: a few kilobytes hold a bomb.
func gzipped(t *testing.T, write func(io.Writer)) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	write(zw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// repeat writes s n times.
func repeat(w io.Writer, s string, n int) {
	chunk := strings.Repeat(s, max(1, (64<<10)/len(s)))
	for written := 0; written < n; written += len(chunk) / len(s) {
		io.WriteString(w, chunk[:min(len(chunk), (n-written)*len(s))])
	}
}

// TestDecompressionBombs: a 1 MB .csv.gz with one 1 GB field once took an
// import to 6.8 GB. Decompressed size, line length and rows are bounded,
// with an error naming the file.
func TestDecompressionBombs(t *testing.T) {
	longField := gzipped(t, func(w io.Writer) {
		io.WriteString(w, "key,kind,name\nx,person,")
		repeat(w, "a", 64<<20) // 64 MiB in one field
		io.WriteString(w, "\n")
	})
	manyRows := gzipped(t, func(w io.Writer) {
		io.WriteString(w, "source,target\n")
		repeat(w, "a,b\n", 1<<20)
	})
	hugeXML := gzipped(t, func(w io.Writer) {
		io.WriteString(w, `<graphml><graph edgedefault="undirected"><node id="`)
		repeat(w, "n", 8<<20)
		io.WriteString(w, `"/></graph></graphml>`)
	})
	t.Logf("bombs: %d, %d and %d bytes compressed", len(longField), len(manyRows), len(hugeXML))
	for _, tc := range []struct {
		name, file string
		body       []byte
		opt        netfile.ImportOptions
	}{
		{"ErrLongLine", "people.csv.gz", longField, netfile.ImportOptions{}},
		{"ErrTooLarge", "links.csv.gz", manyRows, netfile.ImportOptions{MaxBytes: 1 << 20}},
		{"ErrTooManyRows", "links.csv.gz", manyRows, netfile.ImportOptions{MaxRows: 1000}},
		{"ErrXMLTooLarge", "net.graphml.gz", hugeXML, netfile.ImportOptions{MaxBytes: 1 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			src := netfile.Source{Name: tc.file, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tc.body)), nil }}
			_, err = netfile.Import(context.Background(), st, []netfile.Source{src}, tc.opt)
			if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("import: %v, want %s naming %s", err, graph.EINVALID, tc.file)
			}
			t.Log(err)
		})
	}
	t.Run("ErrLoadTooLarge", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "net.graphml.gz")
		if err := os.WriteFile(path, hugeXML, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := netfile.Load(path, netfile.LoadOptions{MaxBytes: 1 << 20})
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), path) {
			t.Fatalf("load: %v, want %s naming the file", err, graph.EINVALID)
		}
	})
}
