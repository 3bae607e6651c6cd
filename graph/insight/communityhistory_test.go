package insight

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partnergraph/partnergraph/graph"
)

// cliques returns the ties of a clique on keys, active from..to.
func cliques(from, to string, keys ...string) [][3]string {
	var out [][3]string
	for i := range keys {
		for _, v := range keys[i+1:] {
			out = append(out, [3]string{keys[i] + "-" + v, from, to})
		}
	}
	return out
}

// plantedHistory: cliques A (a1..a5) and B (b1..b5) throughout 2020–2023;
// in 2021 every a is also tied to every b (A and B merge); C (c1..c4) is
// a clique in 2022 only (born, then dies).
func plantedHistory() *Service {
	as, bs, cs := strings.Fields("a1 a2 a3 a4 a5"), strings.Fields("b1 b2 b3 b4 b5"), strings.Fields("c1 c2 c3 c4")
	links := append(cliques("2020-01-01", "2023-12-31", as...), cliques("2020-01-01", "2023-12-31", bs...)...)
	links = append(links, cliques("2022-01-01", "2022-12-31", cs...)...)
	for _, a := range as {
		for _, b := range bs {
			links = append(links, [3]string{a + "-" + b, "2021-01-01", "2021-12-31"})
		}
	}
	return datedService(strings.Join(append(append(as, bs...), cs...), " "), links...)
}

// describe writes a window as "id:event(preds)jaccard[members]" per community, then "died".
func describe(w CommunityWindow) string {
	var parts []string
	for _, c := range w.Communities {
		ev := [...]string{"BORN", "CONTINUED", "MERGED", "SPLIT"}[c.Event]
		parts = append(parts, fmt.Sprintf("%d:%s%v%.2f%v", c.ID, ev, c.Predecessors, c.Jaccard, keys(c.Members)))
	}
	return fmt.Sprintf("%s %s died%v", w.From, strings.Join(parts, " "), w.Died)
}

func TestCommunityHistory(t *testing.T) {
	ctx := context.Background()
	sv := plantedHistory()
	ws, err := sv.CommunityHistory(ctx, Span(date("2020-01-01"), date("2023-12-31"), Year), graph.Scope{}, CommunityQuery{}, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, describe(w))
	}
	want := []string{
		"2020-01-01 1:BORN[]0.00[a1 a2 a3 a4 a5] 2:BORN[]0.00[b1 b2 b3 b4 b5] died[]",
		"2021-01-01 1:MERGED[1 2]0.50[a1 a2 a3 a4 a5 b1 b2 b3 b4 b5] died[]",
		"2022-01-01 1:SPLIT[1]0.50[a1 a2 a3 a4 a5] 3:SPLIT[1]0.50[b1 b2 b3 b4 b5] 4:BORN[]0.00[c1 c2 c3 c4] died[]",
		"2023-01-01 1:CONTINUED[1]1.00[a1 a2 a3 a4 a5] 3:CONTINUED[3]1.00[b1 b2 b3 b4 b5] died[4]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if ws[1].Modularity != 0 || !(ws[0].Modularity > 0.4) {
		t.Errorf("modularity %v, %v: want one clique (0) after two apart (0.5)", ws[0].Modularity, ws[1].Modularity)
	}

	// A threshold above the overlap still follows mutual best matches:
	// the merged community continues A (its best match, and A's).
	ws, err = sv.CommunityHistory(ctx, Span(date("2020-01-01"), date("2021-12-31"), Year), graph.Scope{}, CommunityQuery{}, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(ws[1]), "2021-01-01 1:CONTINUED[1]0.50[a1 a2 a3 a4 a5 b1 b2 b3 b4 b5] died[2]"; got != want {
		t.Errorf("threshold 0.9: got %s, want %s", got, want)
	}

	for _, bad := range []float64{0, -0.1, 1.5} {
		_, err := sv.CommunityHistory(ctx, Span(date("2020-01-01"), date("2021-12-31"), Year), graph.Scope{}, CommunityQuery{}, bad)
		wantCode(t, err, graph.EINVALID, "threshold")
	}
}

// TestCommunityHistoryAt: explicit boundaries give the windows [at[i],
// at[i+1]), here 2020, 2021 and 2022–2023 (C's one year inside the last).
func TestCommunityHistoryAt(t *testing.T) {
	at := Windowing{At: []graph.Date{date("2020-01-01"), date("2021-01-01"), date("2022-01-01"), date("2024-01-01")}}
	ws, err := plantedHistory().CommunityHistory(context.Background(), at, graph.Scope{}, CommunityQuery{}, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.To.String()+" "+describe(w))
	}
	want := []string{
		"2020-12-31 2020-01-01 1:BORN[]0.00[a1 a2 a3 a4 a5] 2:BORN[]0.00[b1 b2 b3 b4 b5] died[]",
		"2021-12-31 2021-01-01 1:MERGED[1 2]0.50[a1 a2 a3 a4 a5 b1 b2 b3 b4 b5] died[]",
		"2023-12-31 2022-01-01 1:SPLIT[1]0.50[a1 a2 a3 a4 a5] 3:SPLIT[1]0.50[b1 b2 b3 b4 b5] 4:BORN[]0.00[c1 c2 c3 c4] died[]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}

func TestWindowingAt(t *testing.T) {
	d := date
	ws, err := Windowing{From: d("1999-01-01"), Step: Month, At: []graph.Date{d("2020-03-15"), d("2020-04-01"), d("2021-04-01")}}.Windows()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(ws), fmt.Sprint([]graph.Interval{{From: d("2020-03-15"), To: d("2020-03-31")}, {From: d("2020-04-01"), To: d("2021-03-31")}}); got != want {
		t.Errorf("windows %s, want %s (from and step ignored)", got, want)
	}
	many := make([]graph.Date, MaxWindows+2)
	for i := range many {
		many[i] = d("2000-01-01").AddDays(i)
	}
	if n := (Windowing{At: many[:MaxWindows+1]}).Count(); n != MaxWindows {
		t.Errorf("count %d, want %d", n, MaxWindows)
	}
	for name, tc := range map[string]struct {
		w     Windowing
		field string
	}{
		"OneDate":    {Windowing{At: []graph.Date{d("2020-01-01")}}, "at"},
		"Equal":      {Windowing{At: []graph.Date{d("2020-01-01"), d("2020-01-01")}}, "at"},
		"Decreasing": {Windowing{At: []graph.Date{d("2020-01-01"), d("2021-01-01"), d("2020-06-01")}}, "at"},
		"TooMany":    {Windowing{At: many}, "at"},
		"NoFrom":     {Windowing{To: d("2020-01-01")}, "from"},
		"NoTo":       {Windowing{From: d("2020-01-01")}, "to"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.w.Windows()
			wantCode(t, err, graph.EINVALID, tc.field)
		})
	}
	if _, err := (Windowing{At: many[:MaxWindows+1]}).Windows(); err != nil {
		t.Errorf("%d windows refused: %v", MaxWindows, err)
	}
}
