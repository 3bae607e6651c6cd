package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

// TestImportPreview: the page's import flow. A dry run of a file with a bad
// row answers BAD_USER_INPUT with the row's file and line in
// extensions.rows and writes nothing; a dry run of a good file counts what
// it holds by kind and what would be created, writes nothing; the real
// import then writes what the preview said.
func TestImportPreview(t *testing.T) {
	s := openStore(t)
	h := server.New(server.Config{Store: s, Logger: zerolog.Nop()}).Handler()
	version := func() int64 { v, _ := s.Version(context.Background()); return v }
	v0 := version()

	bad := "key,kind,name\nhope,organisation,Liverpool Hope\nann,robot,Ann\n"
	r := importFile(t, h, "actors.csv", bad, true)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.EINVALID {
		t.Fatalf("bad file: errors %+v, want one BAD_USER_INPUT", r.Errors)
	}
	rows, _ := r.Errors[0].Extensions["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("bad file: extensions.rows = %v, want the one bad row", r.Errors[0].Extensions["rows"])
	}
	if row := rows[0].(map[string]any); row["file"] != "actors.csv" || row["line"] != 3.0 || row["message"] == "" {
		t.Errorf("bad row = %v, want actors.csv line 3 with a message", row)
	}

	good := "key,kind,name\nhope,organisation,Liverpool Hope\nann,person,Ann\n"
	var preview struct {
		ImportNetwork struct{ Created, Updated, Unchanged, Actors, Links int }
	}
	r = importFile(t, h, "actors.csv", good, true)
	if len(r.Errors) > 0 {
		t.Fatalf("good file, dry run: %+v", r.Errors)
	}
	json.Unmarshal(r.Data, &preview)
	if p := preview.ImportNetwork; p.Created != 2 || p.Actors != 2 || p.Links != 0 {
		t.Errorf("preview = %+v, want 2 actors, 2 created", p)
	}
	if v := version(); v != v0 {
		t.Fatalf("dry runs moved the version from %d to %d", v0, v)
	}
	if r = importFile(t, h, "actors.csv", good, false); len(r.Errors) > 0 {
		t.Fatalf("good file: %+v", r.Errors)
	}
	if page, _ := s.FindActors(context.Background(), graph.ActorFilter{}, graph.PageArgs{}); page.TotalCount != 2 {
		t.Errorf("after the import %d actors, want 2", page.TotalCount)
	}
}

// importFile runs importNetwork on one uploaded file.
func importFile(t *testing.T, h http.Handler, name, content string, dryRun bool) *response {
	t.Helper()
	req := importRequest(t, `mutation($files: [Upload!]!, $dry: Boolean) { importNetwork(files: $files, dryRun: $dry) {
		created updated unchanged rows actors programmes participations links dryRun } }`, map[string]any{"dry": dryRun}, name, content)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return &r
}
