package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImportRoundTrip moves the demo network from one embedded store
// to another through the JSON format and back: nothing lost or changed.
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := startMain(t, filepath.Join(dir, "a"), true)
	m.Close()
	first := filepath.Join(dir, "first.json")
	if _, err := run(t, "export", "--data", filepath.Join(dir, "a"), "--format", "json", "--output", first); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "import", "--data", filepath.Join(dir, "b"), first)
	if err != nil || !strings.Contains(out, "309 created") {
		t.Fatalf("import: %v %s", err, out)
	}
	out, err = run(t, "import", "--data", filepath.Join(dir, "b"), first)
	if err != nil || !strings.Contains(out, "0 created, 0 updated, 309 unchanged") {
		t.Errorf("re-import: %v %s", err, out)
	}
	second, err := run(t, "export", "--data", filepath.Join(dir, "b"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(first)
	if second != string(want) {
		t.Errorf("export after import differs from the original export")
	}
}

func TestImportBadFileChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format": "partnergraph/1", "actors": [
		{"key": "a", "kind": "Person", "name": "A"},
		{"key": "b", "kind": "Person", "name": "B"}],
		"links": [{"type": "COLLABORATION", "source": "a", "target": "hope-uni"}]}`), 0o644)
	_, err := run(t, "import", "--data", filepath.Join(dir, "db"), bad)
	if err == nil || !strings.Contains(err.Error(), "hope-uni") {
		t.Fatalf("import of a link to a missing actor: %v", err)
	}
	out, err := run(t, "export", "--data", filepath.Join(dir, "db"))
	if err != nil || strings.Contains(out, `"key": "a"`) {
		t.Errorf("the failed import wrote something: %v %s", err, out)
	}
	for name, content := range map[string]string{
		"unknown.json": `{"format": "partnergraph/1", "actors": [{"key": "a", "kind": "Person", "name": "A", "salary": 1}]}`,
		"format.json":  `{"format": "other/2"}`,
		"broken.json":  `{"format": "partnergraph/1", "actors": [`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := run(t, "import", "--data", filepath.Join(dir, "db"), p); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
}
