package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

func TestServeFlagsFromEnvironmentAndFlags(t *testing.T) {
	t.Setenv("PARTNERGRAPH_MAX_DEPTH", "9")
	t.Setenv("PARTNERGRAPH_RATE_LIMIT", "0")
	t.Setenv("PARTNERGRAPH_REQUEST_TIMEOUT", "5s")
	t.Setenv("PARTNERGRAPH_MAX_PAGE_SIZE", "200")
	t.Setenv("PARTNERGRAPH_SNAPSHOT_CACHE_BYTES", "1000")
	t.Setenv("PARTNERGRAPH_EXACT_BETWEENNESS_LIMIT", "5000")
	cmd := newServeCommand()
	if err := cmd.ParseFlags([]string{"--max-page-size", "100", "--store-timeout", "2s", "--analytics-budget", "3m"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"max-depth", "max-page-size", "request-timeout", "store-timeout", "rate-limit", "snapshot-cache-bytes"} {
		if cmd.Flags().Lookup(c) == nil {
			t.Fatalf("serve has no --%s", c)
		}
	}
	get := func(name string) string { return cmd.Flags().Lookup(name).Value.String() }
	for name, want := range map[string]string{"max-depth": "9", "max-page-size": "100", "request-timeout": "5s", "store-timeout": "2s", "rate-limit": "0", "snapshot-cache-bytes": "1000",
		"analytics-budget": "3m0s", "exact-betweenness-limit": "5000"} {
		if got := get(name); got != want {
			t.Errorf("--%s = %s, want %s", name, got, want)
		}
	}
	f := ServeFlags{MaxDepth: 9, MaxComplexity: 1, MaxPageSize: 100, MaxBodyBytes: 1, RateBurst: 1, RequestTimeout: time.Second,
		StoreTimeout: time.Second, PathBudget: time.Second}
	if cfg := f.config(nil, zerolog.Nop()); cfg.Limits.RateLimit != rate.Inf || cfg.Limits.MaxDepth != 9 {
		t.Errorf("config = %+v, want no rate limit and depth 9", cfg.Limits)
	}
}

func TestServeFlagsCheck(t *testing.T) {
	t.Run("ErrEnvironment", func(t *testing.T) {
		t.Setenv("PARTNERGRAPH_REQUEST_TIMEOUT", "soon")
		f := newServeFlags()
		if err := f.check(); err == nil || !strings.Contains(err.Error(), "PARTNERGRAPH_REQUEST_TIMEOUT") {
			t.Errorf("check = %v, want the malformed variable named", err)
		}
	})
	for name, change := range map[string]func(*ServeFlags){
		"OK":                func(*ServeFlags) {},
		"ErrPageSize":       func(f *ServeFlags) { f.MaxPageSize = 5000 },
		"ErrDepth":          func(f *ServeFlags) { f.MaxDepth = 0 },
		"ErrRate":           func(f *ServeFlags) { f.RateLimit = -1 },
		"ErrCertWithoutKey": func(f *ServeFlags) { f.TLSCert = "cert.pem" },
		"ErrCacheBytes":     func(f *ServeFlags) { f.CacheBytes = 0 },
		"ErrBudget":         func(f *ServeFlags) { f.AnalyticsBudget = 0 },
		"ErrExactLimit":     func(f *ServeFlags) { f.ExactLimit = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			f := newServeFlags()
			change(&f)
			if err := f.check(); (err == nil) != (name == "OK") {
				t.Errorf("check = %v", err)
			}
		})
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "partnergraph test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	m := NewMain()
	m.Store.DataDir, m.Addr, m.Logger = filepath.Join(dir, "data"), "127.0.0.1:0", zerolog.Nop()
	m.Serve.TLSCert, m.Serve.TLSKey = certFile, keyFile
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("URL = %s, want https", m.URL())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	res, err := client.Get(m.URL() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil || res.ProtoMajor != 2 {
		t.Errorf("GET /readyz over TLS = %d %s (TLS %v), want 200 over HTTP/2", res.StatusCode, res.Proto, res.TLS != nil)
	}
}

func TestServeTLSBadCertificate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o600)
	m := NewMain()
	m.Store.DataDir, m.Addr, m.Logger = filepath.Join(dir, "data"), "127.0.0.1:0", zerolog.Nop()
	m.Serve.TLSCert, m.Serve.TLSKey = bad, bad
	err := m.Run(t.Context())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "tls") {
		t.Errorf("Run with a bad certificate = %v, want a tls error", err)
	}
}
