package server_test

import (
	"math"
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestEgoNetworkOnDemo: a broker's own dashboard. At radius 1 the ego
// network holds the broker's contacts, so its brokerage counts and the
// communities it touches are brokerProfile's, and its Burt measures are
// brokerProfile's by definition (both computed on the whole scope).
func TestEgoNetworkOnDemo(t *testing.T) {
	ts, _ := demo(t, openStore)
	const q = `{ egoNetwork(actor: "liverpool-hope-university") {
		actor { key } radius size ties density constraint effectiveSize efficiency
		brokerage { total } communities { community actors }
		actors { actor { key } distance } links { key } }
		brokerProfile(actor: "liverpool-hope-university") { constraint effectiveSize degree brokerage { total } communities } }`
	var data struct {
		EgoNetwork struct {
			Actor                                 struct{ Key string }
			Radius, Size, Ties                    int
			Density                               float64
			Constraint, EffectiveSize, Efficiency *float64
			Brokerage                             struct{ Total int }
			Communities                           []struct{ Community, Actors int }
			Actors                                []struct {
				Actor    struct{ Key string }
				Distance int
			}
			Links []struct{ Key string }
		}
		BrokerProfile struct {
			Constraint, EffectiveSize *float64
			Degree                    float64
			Brokerage                 struct{ Total int }
			Communities               []int
		}
	}
	first := raw(t, ts.URL, q)
	if again := raw(t, ts.URL, q); string(again) != string(first) {
		t.Errorf("the same query answered differently:\n%s\n%s", first, again)
	}
	ok(t, do(t, ts.URL, q, nil, &data))
	e, p := data.EgoNetwork, data.BrokerProfile
	n := e.Size + 1
	if e.Actor.Key != "liverpool-hope-university" || e.Radius != 1 || e.Size < 5 || len(e.Actors) != n ||
		e.Actors[0].Actor.Key != e.Actor.Key || e.Actors[0].Distance != 0 {
		t.Fatalf("ego network: %+v", e)
	}
	for _, a := range e.Actors[1:] {
		if a.Distance != 1 {
			t.Errorf("%s at distance %d, want 1", a.Actor.Key, a.Distance)
		}
	}
	// The ego's ties alone number size; links are at least the ties.
	if e.Ties < e.Size || len(e.Links) < e.Ties || math.Abs(e.Density-2*float64(e.Ties)/float64(n*(n-1))) > 1e-12 {
		t.Errorf("size %d, ties %d, links %d, density %v", e.Size, e.Ties, len(e.Links), e.Density)
	}
	if e.Constraint == nil || p.Constraint == nil || *e.Constraint != *p.Constraint ||
		e.EffectiveSize == nil || p.EffectiveSize == nil || *e.EffectiveSize != *p.EffectiveSize ||
		e.Efficiency == nil || math.Abs(*e.Efficiency-*e.EffectiveSize/float64(e.Size)) > 1e-9 {
		t.Errorf("Burt measures %v %v %v, brokerProfile %v %v", e.Constraint, e.EffectiveSize, e.Efficiency, p.Constraint, p.EffectiveSize)
	}
	if e.Brokerage.Total != p.Brokerage.Total || e.Brokerage.Total == 0 {
		t.Errorf("brokerage within the ego network %d, brokerProfile %d: at radius 1 they count the same pairs", e.Brokerage.Total, p.Brokerage.Total)
	}
	var ids []int
	total := 0
	for _, c := range e.Communities {
		ids = append(ids, c.Community)
		total += c.Actors
	}
	if !slices.Equal(ids, p.Communities) || total != n {
		t.Errorf("communities %+v, brokerProfile %v; want the same ids and %d actors", e.Communities, p.Communities, n)
	}

	var w struct{ EgoNetwork struct{ Size int } }
	ok(t, do(t, ts.URL, `{ egoNetwork(actor: "liverpool-hope-university", radius: 2) { size } }`, nil, &w))
	if w.EgoNetwork.Size <= e.Size {
		t.Errorf("radius 2 holds %d actors, radius 1 %d", w.EgoNetwork.Size, e.Size)
	}
	for _, tc := range []struct{ q, code, field string }{
		{`{ egoNetwork(actor: "liverpool-hope-university", radius: 4) { size } }`, graph.EINVALID, "radius"},
		{`{ egoNetwork(actor: "liverpool-hope-university", radius: 0) { size } }`, graph.EINVALID, "radius"},
		{`{ egoNetwork(actor: "nobody") { size } }`, graph.ENOTFOUND, "actor"},
	} {
		r := do(t, ts.URL, tc.q, nil, nil)
		if r.code() != tc.code || r.Errors[0].Extensions["field"] != tc.field {
			t.Errorf("%s: %+v, want %s on %s", tc.q, r.Errors, tc.code, tc.field)
		}
	}
}
