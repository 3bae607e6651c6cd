package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

// getResult is one GET /graphql answer.
type getResult struct {
	status int
	header http.Header
	body   []byte
	resp   response
}

// getQuery sends query as a GET request with the given extra headers.
func getQuery(t *testing.T, base, query string, vars map[string]any, header map[string]string) getResult {
	t.Helper()
	v := url.Values{"query": {query}}
	if vars != nil {
		b, _ := json.Marshal(vars)
		v.Set("variables", string(b))
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/graphql?"+v.Encode(), nil)
	for k, val := range header {
		req.Header.Set(k, val)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	g := getResult{status: res.StatusCode, header: res.Header}
	g.body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusNotModified {
		if err := json.Unmarshal(g.body, &g.resp); err != nil {
			t.Fatalf("decode response (status %d) %q: %v", res.StatusCode, g.body, err)
		}
	}
	return g
}

func TestETag(t *testing.T) { onStores(t, testETag) }

// testETag polls a query as a dashboard does: the same tag while nothing
// changes, 304 for it, a new tag after a write, none for answers with
// errors or for mutations.
func testETag(t *testing.T, openStore func(*testing.T) graph.Store) {
	s := openStore(t)
	ts := newServer(t, s)
	const q = `query Count($first: Int) { organisations(first: $first) { totalCount nodes { key } } }`
	vars := map[string]any{"first": 5}

	first := getQuery(t, ts.URL, q, vars, nil)
	tag := first.header.Get("ETag")
	if first.status != http.StatusOK || tag == "" || len(first.resp.Errors) > 0 {
		t.Fatalf("first poll: status %d, ETag %q, errors %v; want 200 with an ETag", first.status, tag, first.resp.Errors)
	}
	if again := getQuery(t, ts.URL, q, vars, nil); again.header.Get("ETag") != tag || !bytes.Equal(again.body, first.body) {
		t.Errorf("second poll: ETag %q body %s, want %q and the same body", again.header.Get("ETag"), again.body, tag)
	}
	if other := getQuery(t, ts.URL, q, map[string]any{"first": 6}, nil); other.header.Get("ETag") == tag {
		t.Errorf("other variables: same ETag %q", tag)
	}
	nm := getQuery(t, ts.URL, q, vars, map[string]string{"If-None-Match": `"other", ` + tag})
	if nm.status != http.StatusNotModified || len(nm.body) != 0 || nm.header.Get("ETag") != tag {
		t.Errorf("If-None-Match the tag: status %d, body %q, ETag %q; want 304, empty, %q", nm.status, nm.body, nm.header.Get("ETag"), tag)
	}

	if _, err := s.CreateActor(context.Background(), &graph.Actor{Kind: graph.KindOrganisation, Key: "new-org", Name: "New Org", OrgType: graph.OrgUniversity}); err != nil {
		t.Fatal(err)
	}
	after := getQuery(t, ts.URL, q, vars, map[string]string{"If-None-Match": tag})
	if after.status != http.StatusOK || after.header.Get("ETag") == "" || after.header.Get("ETag") == tag {
		t.Errorf("after a write: status %d, ETag %q; want 200 with a tag other than %q", after.status, after.header.Get("ETag"), tag)
	}
	if bytes.Equal(after.body, first.body) {
		t.Errorf("after a write: the same answer %s", after.body)
	}

	if bad := getQuery(t, ts.URL, `{ brokerProfile(actor: "nobody") { betweenness } }`, nil, nil); len(bad.resp.Errors) == 0 || bad.header.Get("ETag") != "" {
		t.Errorf("an answer with errors: errors %v, ETag %q; want errors and no ETag", bad.resp.Errors, bad.header.Get("ETag"))
	}
	mut := getQuery(t, ts.URL, `mutation { deletePerson(id: "x") }`, nil, nil)
	if mut.status != http.StatusMethodNotAllowed || mut.header.Get("ETag") != "" || mut.header.Get("Allow") != http.MethodPost {
		t.Errorf("a mutation over GET: status %d, ETag %q, Allow %q; want 405, none, POST", mut.status, mut.header.Get("ETag"), mut.header.Get("Allow"))
	}
}

// TestETagPerRole: roles see different answers to one query, so they get
// different tags, and one role's tag is no 304 for another.
func TestETagPerRole(t *testing.T) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	const q = `{ people { nodes { key email } } }`
	viewer := getQuery(t, f.ts.URL, q, nil, map[string]string{"Authorization": "Bearer " + f.viewer})
	editor := getQuery(t, f.ts.URL, q, nil, map[string]string{"Authorization": "Bearer " + f.editor})
	vt, et := viewer.header.Get("ETag"), editor.header.Get("ETag")
	if viewer.status != http.StatusOK || editor.status != http.StatusOK || vt == "" || et == "" || vt == et {
		t.Fatalf("viewer: %d ETag %q; editor: %d ETag %q; want 200 and two different tags", viewer.status, vt, editor.status, et)
	}
	cross := getQuery(t, f.ts.URL, q, nil, map[string]string{"Authorization": "Bearer " + f.editor, "If-None-Match": vt})
	if cross.status != http.StatusOK || !bytes.Equal(cross.body, editor.body) {
		t.Errorf("editor sending the viewer's tag: status %d body %s; want 200 with the editor's answer", cross.status, cross.body)
	}
	// Admin writes (keys) leave the network's version alone: their answers get no tag.
	if keys := getQuery(t, f.ts.URL, `{ apiKeys { id } }`, nil, map[string]string{"Authorization": "Bearer " + f.admin}); keys.status != http.StatusOK || keys.header.Get("ETag") != "" {
		t.Errorf("apiKeys: status %d, ETag %q; want 200 and no tag", keys.status, keys.header.Get("ETag"))
	}
}

// apq posts a query by its SHA-256 hash, with its text or (query "") without.
func apq(t *testing.T, base, query, hash string) (int, *response) {
	t.Helper()
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return decode(t, req) // attack_test.go
}

func TestPersistedQueries(t *testing.T) { onStores(t, testPersistedQueries) }

// testPersistedQueries follows Apollo's protocol: the hash alone is unknown
// at first; sent with the query it is registered; then the hash alone runs
// the query, over POST and GET.
func testPersistedQueries(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts := newServer(t, openStore(t))
	const q = `{ organisations(first: 1) { totalCount } }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])

	if _, r := apq(t, ts.URL, "", hash); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: errors %+v, want PERSISTED_QUERY_NOT_FOUND", r.Errors)
	}
	status, full := apq(t, ts.URL, q, hash)
	if status != http.StatusOK || len(full.Errors) > 0 {
		t.Fatalf("register: status %d, errors %+v", status, full.Errors)
	}
	status, short := apq(t, ts.URL, "", hash)
	if status != http.StatusOK || len(short.Errors) > 0 || !bytes.Equal(short.Data, full.Data) {
		t.Errorf("hash only: status %d, errors %+v, data %s; want %s", status, short.Errors, short.Data, full.Data)
	}
	ext := url.Values{"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`}}
	res, err := http.Get(ts.URL + "/graphql?" + ext.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" || !bytes.Contains(body, full.Data) {
		t.Errorf("hash only over GET: status %d, ETag %q, body %s; want 200, a tag and %s", res.StatusCode, res.Header.Get("ETag"), body, full.Data)
	}
	if _, r := apq(t, ts.URL, q, "0000"); len(r.Errors) == 0 {
		t.Errorf("a query with a hash not its own: no error")
	}
}
