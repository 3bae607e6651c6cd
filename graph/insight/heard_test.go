package insight

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/partnergraph/partnergraph/graph"
)

// TestReachableBy: a-b in January 2020 and b-c from 15 January reach c on
// the 15th; c-d closed on 10 January, before c heard, so d hears only by
// b-d on 1 March; a-e is undated (e could have heard at any time) and e-f
// opens on 1 February; g-h never touches a.
func TestReachableBy(t *testing.T) {
	sv := datedService("a b c d e f g h",
		[3]string{"a-b", "2020-01-01", "2020-01-31"},
		[3]string{"b-c", "2020-01-15", "2020-02-10"},
		[3]string{"c-d", "2020-01-01", "2020-01-10"},
		[3]string{"b-d", "2020-03-01", "2020-03-05"},
		[3]string{"a-e", "", ""},
		[3]string{"e-f", "2020-02-01", ""},
		[3]string{"g-h", "2020-01-01", "2020-12-31"})
	ctx := context.Background()
	show := func(hs []Heard) string {
		var out []string
		for _, h := range hs {
			out = append(out, fmt.Sprintf("%s@%s", h.Actor.Key, h.Earliest))
		}
		return strings.Join(out, " ")
	}
	for name, tc := range map[string]struct {
		by    string
		n     int
		want  string
		total int
	}{
		"MidFebruary": {"2020-02-15", 10, "e@ b@2020-01-01 c@2020-01-15 f@2020-02-01", 4},
		"YearEnd":     {"2020-12-31", 10, "e@ b@2020-01-01 c@2020-01-15 f@2020-02-01 d@2020-03-01", 5},
		"First2":      {"2020-12-31", 2, "e@ b@2020-01-01", 5},
		"Before":      {"2019-06-01", 10, "e@", 1},
	} {
		t.Run(name, func(t *testing.T) {
			hs, total, err := sv.ReachableBy(ctx, id("a"), date(tc.by), graph.Scope{}, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, show(hs)); diff != "" || total != tc.total {
				t.Errorf("got %q (total %d), want %q (total %d)", show(hs), total, tc.want, tc.total)
			}
		})
	}
	// A scope window starting in February: a-b's days are gone, so only
	// the undated a-e and then e-f carry the news.
	hs, _, err := sv.ReachableBy(ctx, id("a"), date("2020-12-31"), graph.Scope{Window: graph.Interval{From: date("2020-02-01")}}, 10)
	if err != nil || show(hs) != "e@2020-02-01 f@2020-02-01" {
		t.Errorf("window from February: %q, %v", show(hs), err)
	}
	_, _, err = sv.ReachableBy(ctx, id("a"), graph.Date{}, graph.Scope{}, 10)
	wantCode(t, err, graph.EINVALID, "by")
	_, _, err = sv.ReachableBy(ctx, id("nobody"), date("2020-12-31"), graph.Scope{}, 10)
	wantCode(t, err, graph.ENOTFOUND, "from")
}
