package resolvers

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// Every GraphQL metric and grouping names one of the application layer's,
// and no two name the same.
func TestEnumsMapToInsight(t *testing.T) {
	metrics := map[insight.Metric]model.Metric{}
	for _, m := range model.AllMetric {
		got, err := metricOf(&m)
		if err != nil {
			t.Fatalf("metric %s: %v", m, err)
		}
		if prev, dup := metrics[got]; dup {
			t.Errorf("%s and %s both map to %s", prev, m, got)
		}
		metrics[got] = m
	}
	if len(metrics) != len(insight.Metrics()) {
		t.Errorf("GraphQL has %d metrics, insight %d", len(metrics), len(insight.Metrics()))
	}
	groups := map[insight.Group]bool{}
	for _, g := range model.AllGroupBy {
		got, err := groupOf(&g)
		if err != nil || groups[got] {
			t.Errorf("groupBy %s: %v, %v (duplicate %v)", g, got, err, groups[got])
		}
		groups[got] = true
	}
	if m, _ := metricOf(nil); m != insight.Betweenness {
		t.Errorf("default metric = %s, want betweenness", m)
	}
	if g, _ := groupOf(nil); g != insight.BySector {
		t.Errorf("default groupBy = %s, want sector", g)
	}
}

func TestBounded(t *testing.T) {
	n := func(v int32) *int32 { return &v }
	for name, tc := range map[string]struct {
		v       *int32
		want    int
		wantErr bool
	}{
		"Default":   {nil, 7, false},
		"Min":       {n(1), 1, false},
		"Max":       {n(20), 20, false},
		"ErrZero":   {n(0), 0, true},
		"ErrAbove":  {n(21), 0, true},
		"ErrNegNum": {n(-3), 0, true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := bounded("k", tc.v, 7, 20)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("bounded = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
