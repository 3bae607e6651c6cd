package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// get fetches url and returns the response with its body read.
func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestExplorePage(t *testing.T) {
	ts := newServer(t, openStore(t))
	for _, path := range []string{"/explore", "/explore/"} {
		res, page := get(t, ts.URL+path, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", path, ct)
		}
		if !strings.Contains(page, `id="graph"`) {
			t.Errorf("GET %s: the page has no map container", path)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}
}

// The page loads nothing from elsewhere: every src and href is on the service.
func TestExplorePageLoadsOnlyItsOwnAssets(t *testing.T) {
	ts := newServer(t, openStore(t))
	_, page := get(t, ts.URL+"/explore", nil)
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`).FindString(page); m != "" {
		t.Errorf("the page names another origin: %q", m)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 2 {
		t.Fatalf("found %d asset references in the page, want its script and stylesheet", len(refs))
	}
	want := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for _, ref := range refs {
		u := ref[1]
		if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "#") {
			continue
		}
		if !strings.HasPrefix(u, "/explore/") {
			t.Errorf("asset %q is not under /explore/", u)
			continue
		}
		res, body := get(t, ts.URL+u, nil)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: status %d, %d bytes", u, res.StatusCode, len(body))
			continue
		}
		for ext, ct := range want {
			if strings.HasSuffix(u, ext) && !strings.HasPrefix(res.Header.Get("Content-Type"), ct) {
				t.Errorf("GET %s: Content-Type %q, want %s", u, res.Header.Get("Content-Type"), ct)
			}
		}
	}
	// The layout worker is loaded by the script, not the page.
	if res, _ := get(t, ts.URL+"/explore/layout.js", nil); res.StatusCode != http.StatusOK {
		t.Errorf("GET /explore/layout.js: status %d", res.StatusCode)
	}
}

func TestExploreAssetsRevalidate(t *testing.T) {
	ts := newServer(t, openStore(t))
	res, _ := get(t, ts.URL+"/explore/app.js", nil)
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on /explore/app.js")
	}
	res, _ = get(t, ts.URL+"/explore/app.js", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("GET with If-None-Match: status %d, want %d", res.StatusCode, http.StatusNotModified)
	}
}

func TestExploreUnknownAsset(t *testing.T) {
	ts := newServer(t, openStore(t))
	for _, path := range []string{"/explore/nope.js", "/explore/../server.go", "/explore/a/b"} {
		if res, _ := get(t, ts.URL+path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
		}
	}
}
