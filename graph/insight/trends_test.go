package insight

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/partnergraph/partnergraph/graph"
)

func TestWindows(t *testing.T) {
	for name, tc := range map[string]struct {
		from, to string
		p        Period
		want     string
	}{
		"Year":             {"2020-03-01", "2021-12-31", Year, "2020-03-01..2021-02-28 2021-03-01..2021-12-31"},
		"AcademicYear":     {"2020-03-01", "2021-12-31", AcademicYear, "2020-03-01..2020-08-31 2020-09-01..2021-08-31 2021-09-01..2021-12-31"},
		"AcademicYearSept": {"2020-09-01", "2021-08-31", AcademicYear, "2020-09-01..2021-08-31"},
		"Quarter":          {"2020-02-15", "2020-08-10", Quarter, "2020-02-15..2020-03-31 2020-04-01..2020-06-30 2020-07-01..2020-08-10"},
		"QuarterNewYear":   {"2020-11-01", "2021-01-05", Quarter, "2020-11-01..2020-12-31 2021-01-01..2021-01-05"},
		"Month":            {"2020-01-15", "2020-03-02", Month, "2020-01-15..2020-01-31 2020-02-01..2020-02-29 2020-03-01..2020-03-02"},
		"MonthNewYear":     {"2020-12-31", "2021-01-01", Month, "2020-12-31..2020-12-31 2021-01-01..2021-01-01"},
		"OneDay":           {"2020-05-05", "2020-05-05", Quarter, "2020-05-05..2020-05-05"},
	} {
		t.Run(name, func(t *testing.T) {
			ws, err := Span(date(tc.from), date(tc.to), tc.p).Windows()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.From.String()+".."+w.To.String())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("windows = %v, want %s", got, tc.want)
			}
			if n := Span(date(tc.from), date(tc.to), tc.p).Count(); n != len(ws) {
				t.Errorf("Count = %d, want %d", n, len(ws))
			}
		})
	}
	// 50 quarters fit; 51 do not.
	if _, err := Span(date("2000-01-01"), date("2012-06-30"), Quarter).Windows(); err != nil {
		t.Errorf("50 quarters: %v", err)
	}
	_, err := Span(date("2000-01-01"), date("2012-09-30"), Quarter).Windows()
	wantCode(t, err, graph.EINVALID, "to")
	_, err = Span(date("2021-01-01"), date("2020-01-01"), AcademicYear).Windows()
	wantCode(t, err, graph.EINVALID, "to")
}

// datedService serves the actors keys and the links {"u-v", from, to}
// (an empty date leaves that end open).
func datedService(keys string, links ...[3]string) *Service {
	var as []*graph.Actor
	for _, k := range strings.Fields(keys) {
		as = append(as, &graph.Actor{ID: id(k), Key: k, Kind: graph.KindOrganisation, Name: strings.ToUpper(k)})
	}
	var ls []*graph.Link
	for _, t := range links {
		u, v, _ := strings.Cut(t[0], "-")
		l := &graph.Link{ID: graph.NewID(graph.KindLink, t[0]), Key: t[0], Type: graph.LinkCollaboration, SourceID: id(u), TargetID: id(v), Weight: 1}
		if t[1] != "" {
			l.From = date(t[1])
		}
		if t[2] != "" {
			l.To = date(t[2])
		}
		ls = append(ls, l)
	}
	return &Service{Snapshots: fixed{as, ls}, PathBudget: 10 * time.Second}
}

// trendNetwork: in 2020 a is the hub (a-b a-c a-d a-h, and e-f); in 2021 d
// is (d-b d-c d-e d-f d-g), a keeps only a-b (active both years), g enters
// and h leaves.
func trendNetwork() *Service {
	links := [][3]string{{"a-b", "2020-01-01", "2021-12-31"}}
	for _, tie := range strings.Fields("a-c a-d a-h e-f") {
		links = append(links, [3]string{tie, "2020-01-01", "2020-12-31"})
	}
	for _, tie := range strings.Fields("d-b d-c d-e d-f d-g") {
		links = append(links, [3]string{tie, "2021-01-01", "2021-12-31"})
	}
	return datedService("a b c d e f g h", links...)
}

func TestTrends(t *testing.T) {
	ctx := context.Background()
	sv := trendNetwork()
	tr, err := sv.Trends(ctx, Degree, Span(date("2020-01-01"), date("2021-12-31"), Year), graph.Scope{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Windows) != 2 || tr.Windows[0].ActiveActors != 7 || tr.Windows[1].ActiveActors != 7 {
		t.Fatalf("windows = %+v", tr.Windows)
	}
	if top := tr.Windows[1].Ranking[0]; top.Actor.Key != "d" || top.Rank != 1 {
		t.Errorf("2021's top = %s", top.Actor.Key)
	}
	// 2020 ranks: a 1, the rest 2 (7 ranked). 2021: d 1, b 2, the rest 3
	// (7 ranked). g enters from effective rank 8 to 3 (+5), h leaves from
	// 2 to effective rank 8 (-6).
	show := func(ts []Trend) []string {
		var out []string
		for _, t := range ts {
			place := func(p *Place) string {
				if p == nil {
					return "-"
				}
				return fmt.Sprint(p.Rank)
			}
			var nl, ll []string
			for _, l := range t.NewLinks {
				nl = append(nl, l.Key)
			}
			for _, l := range t.LostLinks {
				ll = append(ll, l.Key)
			}
			out = append(out, fmt.Sprintf("%s %s→%s %+d new[%s] lost[%s]", t.Actor.Key, place(t.First), place(t.Last), t.Rise, strings.Join(nl, " "), strings.Join(ll, " ")))
		}
		return out
	}
	wantEmerging := []string{"g -→3 +5 new[d-g] lost[]", "d 2→1 +1 new[d-b d-c d-e d-f d-g] lost[a-d]"}
	wantFading := []string{"h 2→- -6 new[] lost[a-h]", "a 1→3 -2 new[] lost[a-c a-d a-h]", "c 2→3 -1 new[d-c] lost[a-c]"}
	if diff := cmp.Diff(wantEmerging, show(tr.Emerging)); diff != "" {
		t.Errorf("emerging (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantFading, show(tr.Fading)); diff != "" {
		t.Errorf("fading (-want +got):\n%s", diff)
	}
	if g := tr.Emerging[0]; g.Last.Score != 1.0/6 {
		t.Errorf("g's 2021 score = %v, want 1/6 (degree 1 of 6 others)", g.Last.Score)
	}
	// One window: nothing changes.
	one, err := sv.Trends(ctx, Degree, Span(date("2020-01-01"), date("2020-12-31"), Year), graph.Scope{}, 3)
	if err != nil || len(one.Emerging)+len(one.Fading) != 0 {
		t.Errorf("one window: %v, %+v", err, one)
	}
	_, err = sv.Trends(ctx, Degree, Span(date("2021-01-01"), date("2020-01-01"), Year), graph.Scope{}, 3)
	wantCode(t, err, graph.EINVALID, "to")
}
