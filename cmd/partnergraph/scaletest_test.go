package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/internal/partnernet"
	"github.com/partnergraph/partnergraph/internal/scaleload"
)

// TestScaleSmoke is scripts/scale-test in small, so it cannot rot: the
// generator's network imported by the real program into the embedded store,
// served, and driven by the load driver for a fixed number of requests of
// every class. It fails on any error, any lost write or a write-visibility
// probe that never completed; its timings are printed, never judged.
func TestScaleSmoke(t *testing.T) {
	dir := t.TempDir()
	file, data := filepath.Join(dir, "net.json"), filepath.Join(dir, "data")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := partnernet.Write(f, partnernet.Options{Links: 2000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "import", "--quiet", "--data", data, file); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	m := startMain(t, data, false)
	t.Cleanup(func() { m.Close() })

	rep, err := scaleload.Run(t.Context(), scaleload.Config{URL: m.URL(), Clients: 8, Requests: 400, Seed: 1,
		WriteShare: 25, Probe: time.Millisecond, PID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	var out testWriter
	rep.Print(&out)
	t.Logf("scale smoke:\n%s", out)
	for _, class := range []string{"read", "shortest", "kpaths", "analytics", "write"} {
		if rep.Class(class).Count == 0 {
			t.Errorf("no %s requests were sent", class)
		}
	}
	if n := rep.ErrorCount(); n > 0 {
		t.Errorf("%d errors, first: %q", n, rep.Errors)
	}
	if len(rep.Lost) > 0 || rep.Entities == 0 {
		t.Errorf("%d of %d written entities lost: %q", len(rep.Lost), rep.Entities, rep.Lost)
	}
	if v := rep.Visibility; len(v.Times) == 0 || v.NotVisible > 0 || v.Errors > 0 {
		t.Errorf("write visibility probes: %s", v)
	}
}

type testWriter []byte

func (w *testWriter) Write(p []byte) (int, error) { *w = append(*w, p...); return len(p), nil }
func (w testWriter) String() string               { return string(w) }
