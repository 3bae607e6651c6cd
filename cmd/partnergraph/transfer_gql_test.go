package main

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// uploadImport posts files to the importNetwork mutation as a GraphQL
// multipart request and returns the response.
func uploadImport(t *testing.T, base string, dryRun bool, files map[string]string, names ...string) (data map[string]any, errs []map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	vars := map[string]any{"files": make([]any, len(names)), "dryRun": dryRun}
	ops, _ := json.Marshal(map[string]any{"query": `mutation($files: [Upload!]!, $dryRun: Boolean) {
		importNetwork(files: $files, dryRun: $dryRun) { created updated unchanged rows skippedSelfLoops dryRun } }`, "variables": vars})
	mw.WriteField("operations", string(ops))
	m := map[string][]string{}
	for i := range names {
		m[string(rune('0'+i))] = []string{"variables.files." + string(rune('0'+i))}
	}
	mp, _ := json.Marshal(m)
	mw.WriteField("map", string(mp))
	for i, name := range names {
		w, _ := mw.CreateFormFile(string(rune('0'+i)), name)
		w.Write([]byte(files[name]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Apollo-Require-Preflight", "true") // the server's CSRF prevention asks for it
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Data   map[string]any
		Errors []map[string]any
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r.Data, r.Errors
}

func TestImportNetworkMutation(t *testing.T) {
	m := startMain(t, filepath.Join(t.TempDir(), "db"), false)
	defer m.Close()
	files := map[string]string{
		"actors.csv": "key,kind,name,type\nhope,organisation,Liverpool Hope,university\nann,person,Ann,\n",
		"links.csv":  "source,target,type\nann,hope,affiliation\nann,nobody,collaboration\n",
	}
	_, errs := uploadImport(t, m.URL(), false, files, "links.csv", "actors.csv")
	if len(errs) != 1 || !strings.Contains(errs[0]["message"].(string), "links.csv:3: target 'nobody' does not exist") {
		t.Fatalf("import with a bad row: errors %v", errs)
	}
	files["links.csv"] = "source,target,type\nann,hope,affiliation\n"
	data, errs := uploadImport(t, m.URL(), true, files, "links.csv", "actors.csv")
	if len(errs) > 0 || data["importNetwork"].(map[string]any)["created"] != 3.0 {
		t.Fatalf("dry run: %v %v", data, errs)
	}
	data, errs = uploadImport(t, m.URL(), false, files, "links.csv", "actors.csv")
	if len(errs) > 0 || data["importNetwork"].(map[string]any)["created"] != 3.0 {
		t.Fatalf("import: %v %v", data, errs)
	}
	var got struct{ Actor struct{ Name string } }
	gql(t, m.URL(), `{ actor(key: "hope") { name } }`, &got)
	if got.Actor.Name != "Liverpool Hope" {
		t.Errorf("imported actor = %+v", got.Actor)
	}
}
