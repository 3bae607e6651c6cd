package snapshot

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// logStore is a store whose change log says what a test needs (fault
// injection: the real logs are tested with the stores, in storetest).
type logStore struct {
	graph.Store
	changes []graph.Change
	version int64
}

func (s *logStore) Changes(_ context.Context, since int64, limit int) ([]graph.Change, int64, error) {
	return s.changes, s.version, nil
}

func created(t *testing.T, version int64, a *graph.Actor) graph.Change {
	after, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return graph.Change{Version: version, Op: graph.ChangeCreated, Kind: graph.KindActor, ID: a.ID, After: after}
}

// TestFollow: follow applies what the log says to a copy, and gives up —
// so the cache scans — on anything it cannot apply or is not worth it.
func TestFollow(t *testing.T) {
	ctx := context.Background()
	b := &graph.Actor{ID: graph.NewID(graph.KindActor, "b"), Key: "b", Kind: graph.KindPerson, Name: "B"}
	d := &graph.Actor{ID: graph.NewID(graph.KindActor, "d"), Key: "d", Kind: graph.KindPerson, Name: "D"}
	base := &network{version: 1, actors: []*graph.Actor{b, d}, programmes: map[string]bool{}}
	a := &graph.Actor{ID: graph.NewID(graph.KindActor, "a"), Key: "a", Kind: graph.KindPerson, Name: "A"}
	c := &graph.Actor{ID: graph.NewID(graph.KindActor, "c"), Key: "c", Kind: graph.KindPerson, Name: "C"}
	gone := graph.Change{Version: 3, Op: graph.ChangeDeleted, Kind: graph.KindActor, ID: d.ID}

	m, ok, err := follow(ctx, &logStore{changes: []graph.Change{created(t, 2, c), created(t, 2, a), gone}, version: 3}, base, 3)
	if err != nil || !ok {
		t.Fatalf("follow = %v, %v; want it to apply the log", ok, err)
	}
	var keys []string
	for _, x := range m.actors {
		keys = append(keys, x.Key)
	}
	if got := len(keys); m.version != 3 || got != 3 || keys[0] != "a" || keys[1] != "b" || keys[2] != "c" {
		t.Errorf("followed network at version %d holds %v, want a, b, c at 3", m.version, keys)
	}
	if len(base.actors) != 2 || base.actors[0] != b || base.actors[1] != d || base.version != 1 {
		t.Errorf("the network followed from changed: %+v", base)
	}

	many := make([]graph.Change, graph.MaxWriteChanges+1)
	for i := range many {
		many[i] = created(t, 2, a)
	}
	noValue := created(t, 2, a)
	noValue.After = nil
	for name, st := range map[string]*logStore{
		"Reset":     {changes: graph.ResetSince(3), version: 3},
		"TooMany":   {changes: many, version: 2},
		"NoValue":   {changes: []graph.Change{noValue}, version: 2},
		"NoAdvance": {changes: nil, version: 1},
	} {
		if _, ok, err := follow(ctx, st, base, 2); ok || err != nil {
			t.Errorf("%s: follow = %v, %v; want a rescan (false, nil)", name, ok, err)
		}
	}
}
