package insight

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// TestSeries: each period of a series is the summary of the network
// projected on that period, links dated so that periods differ.
func TestSeries(t *testing.T) {
	as, ls := network()
	for i, l := range ls {
		l.From = graph.MustDate("2020-01-10").AddDays(40 * i) // one link every 40 days
	}
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := graph.Apply(context.Background(), st, &graph.Batch{Actors: as, Links: ls}); err != nil {
		t.Fatal(err)
	}
	b := newEngine(t, st, BackgroundOptions{})
	from, to := graph.MustDate("2020-01-01"), graph.MustDate("2020-12-31")
	got, err := b.Series(context.Background(), Span(from, to, Quarter), graph.Scope{}, Fresh)
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := Span(from, to, Quarter).Windows()
	if len(got) != len(ws) {
		t.Fatalf("got %d periods, want %d", len(got), len(ws))
	}
	links := 0
	for i, w := range ws {
		want := Summarise(snapshot.FromNetwork(as, ls, graph.Scope{Window: w}))
		if got[i].Interval != w {
			t.Errorf("period %d = %v, want %v", i, got[i].Interval, w)
		}
		opts := []cmp.Option{cmpopts.IgnoreUnexported(Summary{}), cmpopts.IgnoreFields(Summary{}, "Info", "Consistency"), cmpopts.EquateApprox(0, 1e-12)}
		if diff := cmp.Diff(*got[i].Summary, *want, opts...); diff != "" {
			t.Errorf("period %v (-got +want):\n%s", w, diff)
		}
		links += got[i].Links
	}
	if links == 0 {
		t.Fatal("no period has links: the test proves nothing")
	}
	_, err = b.Series(context.Background(), Span(graph.MustDate("2000-01-01"), to, Month), graph.Scope{}, Fresh)
	if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorField(err) != "to" {
		t.Fatalf("too many periods: error %v, want EINVALID on to", err)
	}
}
