package analysis_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReferenceFilesRecordTools checks that every reference file says which
// tool made it: each JSON file the networkx version that
// scripts/reference/requirements.txt pins, each CSV file a first comment
// line naming its tool and version. A reference made by another version
// than the pinned one must be regenerated (scripts/reference/setup, then the
// script that wrote it).
func TestReferenceFilesRecordTools(t *testing.T) {
	pinned := referencePin(t, "networkx")
	files, err := filepath.Glob(filepath.Join("testdata", "reference", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference files: %v", err)
	}
	version := regexp.MustCompile(`(networkx|sna) [0-9]+\.[0-9]+`)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			switch filepath.Ext(file) {
			case ".json":
				var meta struct{ Networkx string }
				raw, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(raw, &meta); err != nil {
					t.Fatal(err)
				}
				if meta.Networkx != pinned {
					t.Errorf("made with networkx %q, pinned %q: regenerate it", meta.Networkx, pinned)
				}
			case ".csv":
				f, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				sc := bufio.NewScanner(f)
				if !sc.Scan() || !strings.HasPrefix(sc.Text(), "#") || !version.MatchString(sc.Text()) {
					t.Errorf("first line %q names no tool and version", sc.Text())
				}
			default:
				t.Errorf("unexpected reference file")
			}
		})
	}
}

// referencePin returns the version scripts/reference/requirements.txt pins
// for the Python package name.
func referencePin(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "scripts", "reference", "requirements.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+"=="); ok {
			return v
		}
	}
	t.Fatalf("requirements.txt pins no %s", name)
	return ""
}
