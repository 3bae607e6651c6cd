package server

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	l := newRateLimiter(2, 4) // 2 a second, 4 at once
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 4 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatalf("request %d within the burst refused", i)
		}
	}
	ok, wait := l.allow("a", t0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("beyond the burst: %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Errorf("another client refused")
	}
	// A refusal takes no token: half a second later one is there.
	if ok, _ := l.allow("a", t0.Add(500*time.Millisecond)); !ok {
		t.Errorf("refused after the wait it was told")
	}
	// Clients idle long enough to have a full bucket again are forgotten
	// (sweeps run at most once a minute, when a new client comes).
	l.allow("c", t0.Add(2*time.Minute))
	if _, kept := l.clients["a"]; kept || len(l.clients) != 1 {
		t.Errorf("after two idle minutes the limiter keeps %d clients", len(l.clients))
	}
}

func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7:4000":              "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:4000": "2001:db8:1:2::",
		"[2001:db8:1:2:ff::1]:1":      "2001:db8:1:2::",
		"[::ffff:192.0.2.7]:4000":     "192.0.2.7",
		"not an address":              "not an address",
	} {
		if got := clientKey(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", addr, got, want)
		}
	}
}
