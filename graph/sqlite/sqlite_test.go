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
