package sqlite_test

import (
	"context"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
	"github.com/partnergraph/partnergraph/graph/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestChangeRetention(t *testing.T) {
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sqlite.SetKeepChanges(s, 3)
	storetest.ChangeRetention(t, s, 3)
}

// TestAggregatesMatchSQL: the aggregate groups equal counts by hand-written SQL.
func TestAggregatesMatchSQL(t *testing.T) {
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.AggregatesMatchDirect(t, s, func(typ graph.LinkType, year, sector string) (n int, w float64, err error) {
		err = sqlite.QueryRow(s, `SELECT count(*), total(l.weight) FROM links l JOIN actors a ON a.id = l.source_id
			WHERE l.type = ? AND substr(l.from_date, 1, 4) = ? AND a.sector = ?`, string(typ), year, sector).Scan(&n, &w)
		return n, w, err
	})
}
