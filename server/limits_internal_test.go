package server

import (
	"net/http"
	"net/netip"
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
		if got := clientKey(&http.Request{RemoteAddr: tc.addr}, Limits{RateLimitLoopback: tc.loopback}); got != tc.want {
			t.Errorf("clientKey(%q, loopback %v) = %q, want %q", tc.addr, tc.loopback, got, tc.want)
		}
	}
}

// TestClientKeyBehindProxy: behind a trusted proxy the client is the address
// it forwards for, so a same-host proxy's clients are limited (and their
// failed authentications counted) one by one; an untrusted peer's
// X-Forwarded-For is ignored, and so is what a client wrote itself to the
// left of what the proxy saw.
func TestClientKeyBehindProxy(t *testing.T) {
	lim := Limits{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}}
	for _, tc := range []struct {
		peer, forwarded, want string
	}{
		{"127.0.0.1:4000", "198.51.100.9", "198.51.100.9"},
		{"127.0.0.1:4000", "203.0.113.1, 198.51.100.9", "198.51.100.9"}, // the client's own claim is left of the proxy's
		{"127.0.0.1:4000", "198.51.100.9, 10.1.2.3", "198.51.100.9"},    // through two trusted proxies
		{"127.0.0.1:4000", "", ""},                                      // the proxy itself, on loopback
		{"192.0.2.7:4000", "198.51.100.9", "192.0.2.7"},                 // not a trusted proxy: its header means nothing
		{"127.0.0.1:4000", "garbage, 198.51.100.9", "198.51.100.9"},
		{"127.0.0.1:4000", "198.51.100.9, garbage", ""}, // a malformed hop: trust stops there
		{"127.0.0.1:4000", "[2001:db8:1:2::7]", ""},     // brackets are not an address
		{"127.0.0.1:4000", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"},
	} {
		r := &http.Request{RemoteAddr: tc.peer, Header: http.Header{}}
		if tc.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tc.forwarded)
		}
		if got := clientKey(r, lim); got != tc.want {
			t.Errorf("peer %s forwarding %q: client %q, want %q", tc.peer, tc.forwarded, got, tc.want)
		}
	}
}
