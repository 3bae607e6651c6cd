package server_test

import (
	"regexp"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestOpenDatesAreNull checks the schema's promise that an open-ended date
// is null: never "", which is not a Date.
func TestOpenDatesAreNull(t *testing.T) { onStores(t, testOpenDatesAreNull) }

func testOpenDatesAreNull(t *testing.T, openStore func(*testing.T) graph.Store) {
	ts, _ := demo(t, openStore)
	var data struct {
		Links      struct{ Nodes []struct{ From, To *string } }
		Programmes struct {
			Nodes []struct{ Start, End *string }
		}
	}
	ok(t, do(t, ts.URL, `{ links(first: 1000) { nodes { from to } } programmes(first: 1000) { nodes { start end } } }`, nil, &data))
	day := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	var dates []*string
	for _, l := range data.Links.Nodes {
		dates = append(dates, l.From, l.To)
	}
	for _, p := range data.Programmes.Nodes {
		dates = append(dates, p.Start, p.End)
	}
	nulls := 0
	for _, d := range dates {
		switch {
		case d == nil:
			nulls++
		case !day.MatchString(*d):
			t.Errorf("date %q is neither null nor YYYY-MM-DD", *d)
		}
	}
	if nulls == 0 || nulls == len(dates) {
		t.Errorf("%d of %d dates are null: the demo has both open and dated bounds", nulls, len(dates))
	}
}
