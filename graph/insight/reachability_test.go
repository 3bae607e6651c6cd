package insight

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

func TestReachability(t *testing.T) {
	sv := testService()
	ctx := context.Background()
	r, err := sv.Reachability(ctx, id("c"), id("x"), graph.Scope{}, MaxHops, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != DifferentComponents || r.Hops != nil || r.FromComponentSize != 6 || r.ToComponentSize != 1 {
		t.Errorf("c → x = %+v, want different components of 6 and 1", r)
	}
	// Near c: a and b (1 hop, 3 ties each, a first by key), then d (3 ties) and
	// e (2); x has nobody near, so it is its own best introduction.
	var got []string
	for _, in := range r.Introductions {
		got = append(got, in.A.Key+in.B.Key+string(rune('0'+in.Hops)))
	}
	if strings.Join(got, " ") != "ax2 bx2 dx3 ex3" {
		t.Errorf("introductions = %v, want ax2 bx2 dx3 ex3", got)
	}

	for _, tc := range []struct {
		name           string
		from, to       string
		maxHops        int
		timeRespecting bool
		status         ReachStatus
		hops           int
	}{
		{"Connected", "c", "f", MaxHops, false, Connected, 3},
		{"TooManyHops", "c", "f", 2, false, TooManyHops, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := sv.Reachability(ctx, id(tc.from), id(tc.to), graph.Scope{}, tc.maxHops, tc.timeRespecting)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || r.Hops == nil || *r.Hops != tc.hops || r.Message == "" {
				t.Errorf("%s → %s = %+v (hops %v), want %s in %d hops", tc.from, tc.to, r, r.Hops, tc.status, tc.hops)
			}
		})
	}

	t.Run("AgainstDirection", func(t *testing.T) {
		as, ls := network()
		for _, l := range ls {
			l.Directed = l.Key == "d-f" // d → f only
		}
		sv := &Service{Snapshots: fixed{as, ls}, PathBudget: 10 * time.Second}
		r, err := sv.Reachability(ctx, id("f"), id("d"), graph.Scope{Directed: true}, MaxHops, false)
		if err != nil || r.Status != AgainstDirection {
			t.Errorf("f → d along directed links = %+v, %v; want AGAINST_DIRECTION", r, err)
		}
	})

	t.Run("NotForwardInTime", func(t *testing.T) {
		// Every route from c ends on a tie with d that ended before c's ties began.
		years := map[string]string{"a-c": "2022", "e-a": "2022", "e-d": "2019", "b-a": "2022", "b-c": "2021", "b-d": "2020", "d-f": "2020"}
		as, ls := network()
		for _, l := range ls {
			l.Interval = graph.Interval{From: graph.MustDate(years[l.Key] + "-01-01"), To: graph.MustDate(years[l.Key] + "-12-31")}
		}
		sv := &Service{Snapshots: fixed{as, ls}, PathBudget: 10 * time.Second}
		r, err := sv.Reachability(ctx, id("c"), id("d"), graph.Scope{}, MaxHops, true)
		if err != nil || r.Status != NotForwardInTime || r.Hops == nil || *r.Hops != 2 {
			t.Errorf("c → d forward in time = %+v, %v; want NOT_FORWARD_IN_TIME, 2 hops", r, err)
		}
		r, err = sv.Reachability(ctx, id("d"), id("c"), graph.Scope{}, MaxHops, true)
		if err != nil || r.Status != Connected {
			t.Errorf("d → c forward in time = %+v, %v; want CONNECTED", r, err)
		}
	})

	if _, err := sv.Reachability(ctx, id("c"), id("c"), graph.Scope{}, MaxHops, false); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("c → c: %v, want EINVALID", err)
	}
	if _, err := sv.Reachability(ctx, id("c"), id("f"), graph.Scope{}, 0, false); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("maxHops 0: %v, want EINVALID", err)
	}
}

func TestOrderPairs(t *testing.T) {
	actor := func(k string) *graph.Actor { return &graph.Actor{Key: k, Name: strings.ToUpper(k)} }
	alt := []*graph.Actor{actor("z")}
	pairs := []Pair{
		{A: actor("a"), B: actor("b"), Alternatives: alt, CrossesSectors: true, CrossesOrganisations: true, Evidence: 2},
		{A: actor("c"), B: actor("d"), CrossesSectors: false, CrossesOrganisations: false, Evidence: 2},
		{A: actor("e"), B: actor("f"), CrossesSectors: false, CrossesOrganisations: true, Evidence: 0},
		{A: actor("g"), B: actor("h"), CrossesSectors: true, CrossesOrganisations: true, Evidence: 1},
	}
	for order, want := range map[PairOrder]string{
		IrreplaceableFirst: "gh ef cd ab", // no alternative; across organisations; across sectors; evidence
		CrossSectorFirst:   "gh ab cd ef",
		EvidenceFirst:      "cd ab gh ef",
		ByName:             "ab cd ef gh",
	} {
		var got []string
		for _, p := range OrderPairs(pairs, order) {
			got = append(got, p.A.Key+p.B.Key)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %v, want %s", order, got, want)
		}
	}
}
