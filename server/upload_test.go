package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
)

// tempWatchStore records, when an import writes, the files in dir: the
// upload's temporary file must be there while the request runs.
type tempWatchStore struct {
	graph.Store
	dir   string
	files []string
}

func (s *tempWatchStore) ApplyStream(ctx context.Context, items iter.Seq2[graph.Item, error], dryRun bool) (*graph.ApplyResult, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		s.files = append(s.files, e.Name())
	}
	return s.Store.ApplyStream(ctx, items, dryRun)
}

// uploadRequest is an importNetwork request uploading one file.
func uploadRequest(t *testing.T, name, content string) *http.Request {
	return importRequest(t, `mutation($files: [Upload!]!) { importNetwork(files: $files) { created rows } }`, nil, name, content)
}

// importRequest is a request running query, with vars and the one file as
// variable $files, as a multipart upload.
func importRequest(t *testing.T, query string, vars map[string]any, name, content string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	all := map[string]any{"files": []any{nil}}
	for k, v := range vars {
		all[k] = v
	}
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": all})
	mw.WriteField("operations", string(ops))
	mw.WriteField("map", `{"0": ["variables.files.0"]}`)
	w, _ := mw.CreateFormFile("0", name)
	w.Write([]byte(content))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Apollo-Require-Preflight", "true") // the CSRF prevention asks for it (browser.go)
	return req
}

// TestUploadStreamsToTempFile: an upload larger than the in-memory size goes
// to a temporary file, which is gone once the request is answered; one
// larger than the body limit is refused before it is read.
func TestUploadStreamsToTempFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the multipart transport writes
	st := &tempWatchStore{Store: openStore(t), dir: tmp}
	h := server.New(server.Config{Store: st, Logger: zerolog.Nop(), MaxBodyBytes: 64 << 10, UploadMemoryBytes: 4 << 10}).Handler()

	about := strings.Repeat("a long description ", 400) // 7.6 KB, beyond the 4 KiB kept in memory
	csv := "key,kind,name,description\nhope,organisation,Liverpool Hope," + about + "\nann,person,Ann,\n"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, uploadRequest(t, "actors.csv", csv)) // returns when the request is done
	var res struct {
		Data   struct{ ImportNetwork struct{ Created, Rows int } }
		Errors []map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) > 0 {
		t.Fatalf("import: %v %s", err, rec.Body)
	}
	if got := res.Data.ImportNetwork; got.Created != 2 || got.Rows != 2 {
		t.Errorf("import = %+v, want 2 created from 2 rows", got)
	}
	if len(st.files) != 1 || !strings.HasPrefix(st.files[0], "gqlgen-") {
		t.Errorf("temporary files during the import = %v, want the upload's one", st.files)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%d temporary files left after the request, want none", len(left))
	}

	t.Run("ErrTooLarge", func(t *testing.T) {
		st.files = nil
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, uploadRequest(t, "actors.csv", csv+strings.Repeat("x", 64<<10)))
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "REQUEST_TOO_LARGE") {
			t.Errorf("status %d %s, want 413 REQUEST_TOO_LARGE", rec.Code, rec.Body)
		}
		if st.files != nil {
			t.Error("an upload beyond the body limit reached the store")
		}
	})
}
