package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// TestHistoryAfterPruning: when the log keeps fewer versions than the
// store has, history reads from the log's floor (found by bisection) and
// says a date before it is not complete.
func TestHistoryAfterPruning(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sqlite.SetKeepChanges(s, 3)
	start := time.Now().UTC()
	a, err := s.CreateActor(ctx, &graph.Actor{Kind: graph.KindPerson, Key: "ann", Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		name := fmt.Sprintf("Ann %d", i)
		if _, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: a.ID, Name: &name}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := graph.History(ctx, s, a.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].Version != 11 || h[2].Version != 9 {
		t.Errorf("history after pruning to 3 versions: %d changes from version %d, want versions 11 to 9", len(h), h[0].Version)
	}
	cs, complete, err := graph.ChangesSince(ctx, s, start)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 || complete {
		t.Errorf("changes since the start: %d, complete %v; want the 3 kept, not complete", len(cs), complete)
	}
}
