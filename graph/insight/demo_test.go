package insight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/seed"
)

// stored builds snapshots straight from a store, without a cache.
type stored struct{ st graph.Store }

func (s stored) Get(ctx context.Context, scope graph.Scope) (*snapshot.Snapshot, error) {
	return snapshot.Build(ctx, s.st, scope)
}

// demo returns a service over the demo network in a temporary embedded store.
func demo(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := seed.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	return &Service{Snapshots: stored{st}, PathBudget: time.Minute}
}

// The seed documents describe Liverpool Hope, the Robert Owen Centre and
// Education Scotland as the intermediaries of their partnerships.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	sv := demo(t)
	s, err := sv.Snapshots.Get(ctx, graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	top := func(m Metric, n int) []string {
		t.Helper()
		rs, err := Top(ctx, s, m, BySector, n)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Actor.Key)
		}
		return out
	}
	if got := top(Betweenness, 1); got[0] != "liverpool-hope-university" {
		t.Errorf("top broker by betweenness = %v", got)
	}
	if got := top(DeclaredBrokerage, 1); got[0] != "education-scotland" {
		t.Errorf("top declared broker = %v", got)
	}
	brokers := top(Brokerage, 5)
	for _, k := range []string{"liverpool-hope-university", "robert-owen-centre", "education-scotland"} {
		if !slices.Contains(brokers, k) {
			t.Errorf("%s not among the top 5 Gould–Fernandez brokers %s", k, brokers)
		}
	}
	p, err := NewProfile(s, id("liverpool-hope-university"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Bridging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !p.IsCutpoint() || len(p.Sectors()) < 2 || len(b.Pairs) == 0 || !b.Pairs[0].CrossesSectors {
		t.Errorf("Liverpool Hope: cut-point %v, sectors %v, %d pairs", p.IsCutpoint(), p.Sectors(), len(b.Pairs))
	}
	ro, err := p.Brokerage(ctx, BySector)
	if z, ok := ro.Z[analysis.AnyRole], ro.ZDefined[analysis.AnyRole]; err != nil || !ok || z < 2 {
		t.Errorf("Liverpool Hope's brokerage z-score = %v (defined %v), %v; want a clear broker (> 2)", z, ok, err)
	}
	ps, err := sv.KnowledgePaths(ctx, PathQuery{From: id("tina-cook"), To: id("croxteth-community-primary-school"),
		K: 1, MaxHops: MaxHops, TimeRespecting: true})
	if err != nil || len(ps) != 1 {
		t.Fatalf("time-respecting path: %v, %v", ps, err)
	}
	var last graph.Date
	for _, st := range ps[0].Steps {
		if st.Day != nil {
			if st.Day.Before(last) {
				t.Errorf("time-respecting path goes back in time at %s", st.Day)
			}
			last = *st.Day
		}
	}
	pts, err := sv.History(ctx, id("liverpool-hope-university"), Betweenness, Span(date("2015-01-01"), date("2024-12-31"), Year), graph.Scope{})
	if err != nil || len(pts) != 10 {
		t.Errorf("history: %d points, %v; want 10", len(pts), err)
	}
}

func TestUserError(t *testing.T) {
	for _, tc := range []struct {
		err         error
		code, field string
	}{
		{fmt.Errorf("x: %w", analysis.ErrSameEndpoints), graph.EINVALID, "to"},
		{fmt.Errorf("x: %w", analysis.ErrNoNode), graph.EINVALID, ""},
		{fmt.Errorf("x: %w", analysis.ErrBadOption), graph.EINVALID, ""},
		{fmt.Errorf("x: %w", analysis.ErrOption), graph.EINVALID, ""},
		{fmt.Errorf("x: %w", analysis.ErrBadWeight), graph.EINVALID, ""},
		{context.Canceled, graph.EINTERNAL, ""},
	} {
		got := userError(tc.err)
		wantCode(t, got, tc.code, tc.field)
		if tc.code == graph.EINTERNAL && !errors.Is(got, tc.err) {
			t.Errorf("userError(%v) = %v: other errors must pass unchanged", tc.err, got)
		}
	}
	if userError(nil) != nil {
		t.Errorf("userError(nil) is not nil")
	}
}

func TestGraphScores(t *testing.T) {
	s := testSnapshot()
	for _, m := range []Metric{Brokerage, DeclaredBrokerage} {
		_, err := GraphScores(context.Background(), s.G, m, Options{})
		wantCode(t, err, graph.EINVALID, "metric")
	}
	sc, err := GraphScores(context.Background(), s.G, Betweenness, Options{})
	want, _ := Compute(context.Background(), s, Betweenness, BySector)
	if err != nil || len(sc.Value) != len(want.Value) {
		t.Fatalf("betweenness on the bare graph: %v, %v", sc, err)
	}
}
