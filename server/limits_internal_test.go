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
	for _, tc := range []struct {
		addr     string
		loopback bool
		want     string
	}{
		{"192.0.2.7:4000", false, "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:4000", false, "2001:db8:1:2::"},
		{"[2001:db8:1:2:ff::1]:1", false, "2001:db8:1:2::"},
		{"[::ffff:192.0.2.7]:4000", false, "192.0.2.7"},
		{"127.0.0.1:4000", false, ""},
		{"[::1]:4000", false, ""},
		{"127.0.0.2:4000", true, "127.0.0.2"},
		{"not an address", false, "not an address"},
	} {
		if got := clientKey(&http.Request{RemoteAddr: tc.addr}, tc.loopback); got != tc.want {
			t.Errorf("clientKey(%q, loopback %v) = %q, want %q", tc.addr, tc.loopback, got, tc.want)
		}
	}
}
