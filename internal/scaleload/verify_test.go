package scaleload

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestVerifyFindsLostWrites injects the faults verify exists to catch: an
// acknowledged entity the server no longer has, and an update acknowledged
// but not kept; a value sent without an answer may or may not be there.
func TestVerifyFindsLostWrites(t *testing.T) {
	stored := map[string]any{
		"L1": map[string]any{"id": "L1", "typename": "Link", "weight": 2},
		"L2": map[string]any{"id": "L2", "typename": "Link", "weight": 3},   // its pending update applied
		"L3": map[string]any{"id": "L3", "typename": "Link", "weight": 1.5}, // an acknowledged update lost
		"P1": map[string]any{"id": "P1", "typename": "Person", "description": nil},
		"P3": map[string]any{"id": "P3", "typename": "Person", "description": "old"}, // its pending update not applied
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query     string
			Variables struct{ IDs []string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.Contains(req.Query, "nodes(ids:") {
			t.Errorf("unexpected request %q: %v", req.Query, err)
		}
		nodes := make([]any, len(req.Variables.IDs))
		for i, id := range req.Variables.IDs {
			nodes[i] = stored[id] // nil: missing
		}
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"nodes": nodes}})
	}))
	defer srv.Close()
	w := &workload{cfg: Config{URL: srv.URL}, http: srv.Client(), ledger: map[string]*entry{
		"L1": {kind: "Link", field: "weight", value: "2"},
		"L2": {kind: "Link", field: "weight", value: "1", pending: []string{"3"}},
		"L3": {kind: "Link", field: "weight", value: "2"},
		"P1": {kind: "Person"},
		"P2": {kind: "Person"},
		"P3": {kind: "Person", field: "description", value: "old", pending: []string{"new"}},
	}}
	n, lost, err := w.verify(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`L3: weight is "1.5", want "2"`, "P2: missing"}
	if n != 6 || !cmp.Equal(lost, want) {
		t.Errorf("verify = %d read, lost %q; want 6 read, lost %q", n, lost, want)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	s := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 5}, {0.99, 10}, {1, 10}, {0, 1}} {
		if got := percentile(s, c.p); got != c.want {
			t.Errorf("percentile(1..10, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile(empty) = %v, want 0", got)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"NoClients":       {URL: "http://127.0.0.1:1", Duration: time.Second},
		"NoEnd":           {URL: "http://127.0.0.1:1", Clients: 1},
		"WriteShareAbove": {URL: "http://127.0.0.1:1", Clients: 1, Duration: time.Second, WriteShare: 101},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Run(t.Context(), cfg); err == nil || !strings.HasPrefix(err.Error(), "scaleload: ") {
				t.Errorf("Run(%+v) = %v, want a scaleload error", cfg, err)
			}
		})
	}
}
