package netfile_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// TestImportKeysNFC: an imported key in NFD ("café" as e + U+0301) is the
// same key as its NFC form, within one file and across a later import.
func TestImportKeysNFC(t *testing.T) {
	const nfc, nfd = "caf\u00e9", "cafe\u0301"
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	imp := func(body string) {
		t.Helper()
		src := netfile.Source{Name: "net.txt", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(body))), nil }}
		if _, err := netfile.Import(ctx, st, []netfile.Source{src}, netfile.ImportOptions{}); err != nil {
			t.Fatalf("import %+q: %v", body, err)
		}
	}
	imp(nfd + " bob\n" + nfc + " carol\n")
	imp(nfc + " dan\n")
	page, err := st.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range page.Items {
		keys = append(keys, a.Key)
	}
	if len(keys) != 4 {
		t.Errorf("actors after import = %+q, want bob, café (NFC), carol and dan", keys)
	}
	as, err := st.ActorsByID(ctx, []string{graph.NewID(graph.KindActor, nfd)})
	if err != nil || as[0] == nil || as[0].Key != nfc {
		t.Fatalf("actor by the NFD key = %+v, %v; want key %+q", as, err, nfc)
	}
}
