package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Defences against web pages the user visits while the service runs on
// their machine: with access control off (the demo default) any page could
// otherwise send it uploads and mutations, or read it through DNS rebinding.

// Codes of the refusals below.
const (
	codeCSRF    = "CSRF_REFUSED"
	codeBadHost = "HOST_NOT_ALLOWED"
)

// preflightHeaders are headers a cross-site page cannot send without a CORS
// preflight, which the server never grants (Apollo's CSRF prevention uses
// the same test).
var preflightHeaders = []string{"Apollo-Require-Preflight", "X-Apollo-Operation-Name", "X-Requested-With", "Authorization"}

// preventCSRF refuses POSTs a browser may send cross-site without a
// preflight — those with a "simple" content type, such as the multipart
// uploads of importNetwork — unless they carry a preflighted header or an
// Origin naming this server. JSON POSTs are preflighted by the browser, and
// GET requests cannot run mutations (gqlgen refuses them), so every mutation
// is covered.
func preventCSRF(next http.Handler, m *metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && simpleContentType(r.Header.Get("Content-Type")) && !preflighted(r) && !sameOrigin(r) {
			w.Header().Set("Connection", "close") // rather than wait for a body nobody reads
			refuse(w, m, http.StatusBadRequest, codeCSRF, "this request could be a cross-site request forgery: send it with a "+
				"Content-Type of application/json, or with an Apollo-Require-Preflight or X-Requested-With header")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// simpleContentType says whether a browser sends ct cross-site without a
// preflight (the Fetch standard's CORS-safelisted request header).
func simpleContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return true
	}
	return mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" || mt == "text/plain"
}

func preflighted(r *http.Request) bool {
	return slices.ContainsFunc(preflightHeaders, func(h string) bool { return r.Header.Get(h) != "" })
}

// sameOrigin says whether r's Origin names the host r was sent to.
func sameOrigin(r *http.Request) bool {
	u, err := url.Parse(r.Header.Get("Origin"))
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// checkHost refuses, on connections to a loopback address, Host headers
// other than loopback names and the configured ones: a page on a domain an
// attacker rebinds to 127.0.0.1 sends its own domain as Host.
func checkHost(next http.Handler, allowed []string, m *metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if onLoopback(r) && !hostAllowed(r.Host, allowed) {
			w.Header().Set("Connection", "close") // rather than wait for a body nobody reads
			refuse(w, m, http.StatusMisdirectedRequest, codeBadHost,
				"this server does not answer for that host name: use localhost or 127.0.0.1, or add the name to --allowed-hosts")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func onLoopback(r *http.Request) bool {
	a, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func hostAllowed(hostport string, allowed []string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(host), "["), "]")
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost") ||
		slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, host) })
}

// inlineScript matches a script element without a src, whose text the CSP
// must name by hash.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// withCSP serves page — a handler whose answer does not change — rendered
// once, with a Content-Security-Policy allowing only this origin's scripts
// and the page's own inline scripts (by hash), and no framing. GraphiQL sets
// styles inline, so styles may be inline.
func withCSP(page http.Handler) http.Handler {
	rec := httptest.NewRecorder()
	page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body := rec.Body.Bytes()
	var hashes []string
	for _, m := range inlineScript.FindAllSubmatch(body, -1) {
		sum := sha256.Sum256(m[1])
		hashes = append(hashes, fmt.Sprintf("'sha256-%s'", base64.StdEncoding.EncodeToString(sum[:])))
	}
	csp := "default-src 'none'; script-src 'self' " + strings.Join(hashes, " ") + "; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	ctype := rec.Header().Get("Content-Type")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Type", ctype)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}
