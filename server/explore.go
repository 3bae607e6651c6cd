package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// The network explorer's page and assets, built from explorer/ with npm at
// development time (see explorer/README.md) and committed, so that building
// and running the service needs no Node.js and the page loads nothing from
// elsewhere.
//
//go:embed explore
var exploreFS embed.FS

// exploreCSP lets the page load only what the service itself serves: its
// script, stylesheet and layout worker, and GraphQL on the same origin.
const exploreCSP = "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// exploreAsset is one embedded file with the entity tag of its content.
type exploreAsset struct {
	body  []byte
	ctype string
	etag  string
}

// routeExplore serves the explorer at /explore and its assets under /explore/.
func routeExplore(mux *http.ServeMux) {
	assets := loadExploreAssets()
	page := func(w http.ResponseWriter, r *http.Request) { serveExploreAsset(w, r, assets["index.html"]) }
	mux.HandleFunc("GET /explore", page)
	mux.HandleFunc("GET /explore/{$}", page)
	mux.HandleFunc("GET /explore/{file}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.PathValue("file")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveExploreAsset(w, r, a)
	})
}

// loadExploreAssets reads every embedded file once; a missing or unreadable
// asset is a build error, so it panics.
func loadExploreAssets() map[string]*exploreAsset {
	entries, err := fs.ReadDir(exploreFS, "explore")
	if err != nil {
		panic("server: explorer assets: " + err.Error())
	}
	assets := make(map[string]*exploreAsset, len(entries))
	for _, e := range entries {
		body, err := exploreFS.ReadFile(path.Join("explore", e.Name()))
		if err != nil {
			panic("server: explorer assets: " + err.Error())
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		assets[e.Name()] = &exploreAsset{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	}
	if assets["index.html"] == nil {
		panic("server: explorer assets: index.html is missing (run npm run build in explorer/)")
	}
	return assets
}

// serveExploreAsset answers with a, revalidated by its entity tag.
func serveExploreAsset(w http.ResponseWriter, r *http.Request, a *exploreAsset) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", exploreCSP)
	h.Set("Referrer-Policy", "no-referrer")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
