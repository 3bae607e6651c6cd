package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// bulkStore opens a store holding seed whose streams go bulk after 10
// items, with a second connection to look at its schema.
func bulkStore(t *testing.T, seed ...graph.Item) (*sqlite.Store, *sql.DB, *int) {
	t.Helper()
	entered := new(int)
	t.Cleanup(sqlite.SetBulkMode(10, entered))
	dir := t.TempDir()
	s, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "partnergraph.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := s.ApplyStream(context.Background(), seq(seed, nil), false); err != nil {
		t.Fatal(err)
	}
	return s, db, entered
}

// schemaOf lists the database's tables, indexes and triggers with their SQL.
func schemaOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// checkIntegrity runs SQLite's checks of the file and of the name index.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
	if _, err := db.Exec(`INSERT INTO actor_names (actor_names, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("name index integrity-check: %v", err)
	}
}

func person(key, name string) graph.Item {
	return graph.Item{Actor: &graph.Actor{Key: key, Kind: graph.KindPerson, Name: name}}
}

func link(a, b string) graph.Item {
	return graph.Item{Link: &graph.Link{Key: a + "-" + b, Type: graph.LinkCollaboration, Weight: 1,
		SourceID: graph.NewID(graph.KindPerson, a), TargetID: graph.NewID(graph.KindPerson, b)}}
}

func seq(its []graph.Item, during func(i int)) iter.Seq2[graph.Item, error] {
	return func(yield func(graph.Item, error) bool) {
		for i, it := range its {
			if during != nil {
				during(i)
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

func names(t *testing.T, s *sqlite.Store, search string) []string {
	t.Helper()
	p, err := s.FindActors(context.Background(), graph.ActorFilter{Search: search}, graph.PageArgs{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range p.Items {
		out = append(out, a.Key)
	}
	return out
}

// bulkItems makes a stream long enough to go bulk: people p0..p29 (names
// "Walker 0"…), links between them, and renames of an actor the store had
// and of one the stream made.
func bulkItems() []graph.Item {
	var its []graph.Item
	for i := range 30 {
		its = append(its, person(fmt.Sprintf("p%d", i), fmt.Sprintf("Walker %d", i)))
	}
	for i := range 30 {
		its = append(its, link(fmt.Sprintf("p%d", i), fmt.Sprintf("p%d", (i*7+1)%30)))
	}
	return append(its, person("old", "Renamed Olds"), person("p3", "Renamed Three"))
}

func TestBulkStream(t *testing.T) {
	ctx := context.Background()
	s, db, entered := bulkStore(t, person("old", "Oldfield"))
	before := schemaOf(t, db)
	var during []string
	res, err := s.ApplyStream(ctx, seq(bulkItems(), func(i int) {
		if i == 40 { // in bulk mode: readers see the store as it was
			during = names(t, s, "Oldfield")
		}
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	if *entered != 1 {
		t.Fatalf("streams in bulk mode = %d, want 1", *entered)
	}
	if diff := cmp.Diff(&graph.ApplyResult{Created: 60, Updated: 2}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"old"}, during); diff != "" {
		t.Errorf("search during the stream (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, schemaOf(t, db)); diff != "" {
		t.Errorf("schema after a bulk stream (-before +after):\n%s", diff)
	}
	for search, want := range map[string][]string{"Oldfield": nil, "Renamed": {"old", "p3"}, "Walker 12": {"p12"}} {
		if diff := cmp.Diff(want, names(t, s, search)); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", search, diff)
		}
	}
	got, err := s.LinksOfActors(ctx, []string{graph.NewID(graph.KindPerson, "p1")}, graph.LinkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[0]) != 2 {
		t.Errorf("links of p1 = %d, want 2", len(got[0]))
	}
	checkIntegrity(t, db)
}

// TestBulkStreamFails checks a stream that fails in bulk mode leaves the
// store, its indexes and its name index as they were.
func TestBulkStreamFails(t *testing.T) {
	ctx := context.Background()
	s, db, entered := bulkStore(t, person("old", "Oldfield"))
	before := schemaOf(t, db)
	its := append(bulkItems(), link("p1", "nobody"))
	_, err := s.ApplyStream(ctx, seq(its, nil), false)
	if graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("stream with a link to nobody = %v, want ENOTFOUND", err)
	}
	if *entered != 1 {
		t.Fatalf("streams in bulk mode = %d, want 1", *entered)
	}
	if diff := cmp.Diff(before, schemaOf(t, db)); diff != "" {
		t.Errorf("schema after a failed bulk stream (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"old"}, names(t, s, "Oldfield")); diff != "" {
		t.Errorf("search after a failed bulk stream (-want +got):\n%s", diff)
	}
	checkIntegrity(t, db)
}

// TestBulkStreamParentLater checks that an organisation whose parent comes
// later in the stream, before or in bulk mode, is written with its parent
// (foreign keys are off, so SQLite looks up no referring rows through the
// indexes bulk mode drops).
func TestBulkStreamParentLater(t *testing.T) {
	ctx := context.Background()
	org := func(key, parent string) graph.Item {
		a := &graph.Actor{Key: key, Kind: graph.KindOrganisation, Name: "Org " + key, OrgType: graph.OrgSchool}
		if parent != "" {
			a.ParentID = graph.NewID(graph.KindOrganisation, parent)
		}
		return graph.Item{Actor: a}
	}
	for _, tc := range []struct {
		name        string
		its         []graph.Item
		wantEntered int
	}{
		{"Early", append([]graph.Item{org("school", "trust"), org("trust", "")}, bulkItems()...), 1},
		{"InBulkMode", append(bulkItems(), org("school", "trust"), org("trust", "")), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, db, entered := bulkStore(t)
			before := schemaOf(t, db)
			if _, err := s.ApplyStream(ctx, seq(tc.its, nil), false); err != nil {
				t.Fatal(err)
			}
			if *entered != tc.wantEntered {
				t.Errorf("streams in bulk mode = %d, want %d", *entered, tc.wantEntered)
			}
			as, err := s.ActorsByID(ctx, []string{graph.NewID(graph.KindOrganisation, "school")})
			if err != nil || as[0] == nil || as[0].ParentID != graph.NewID(graph.KindOrganisation, "trust") {
				t.Errorf("school = %+v, %v; want one with parent trust", as, err)
			}
			if diff := cmp.Diff(before, schemaOf(t, db)); diff != "" {
				t.Errorf("schema after the stream (-before +after):\n%s", diff)
			}
			if got := names(t, s, "Org"); !slices.Equal(got, []string{"school", "trust"}) {
				t.Errorf("search Org = %v, want [school trust]", got)
			}
			checkIntegrity(t, db)
		})
	}
}

// TestStreamForeignKeysBack checks that the writer has its foreign keys
// again after a stream (which runs without them), whether it committed or
// failed: deleting an actor then still deletes its links.
func TestStreamForeignKeysBack(t *testing.T) {
	ctx := context.Background()
	s, _, _ := bulkStore(t, person("a", "Ann"), person("b", "Bea"), link("a", "b"))
	if _, err := s.ApplyStream(ctx, seq([]graph.Item{link("a", "nobody")}, nil), false); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("stream with a link to nobody = %v, want ENOTFOUND", err)
	}
	if err := s.DeleteActor(ctx, graph.NewID(graph.KindPerson, "a"), ""); err != nil {
		t.Fatal(err)
	}
	ls, err := s.LinksByID(ctx, []string{link("a", "b").Link.ID})
	if err != nil || len(ls) != 1 || ls[0] != nil {
		t.Errorf("link a-b after deleting a = %v, %v; want none", ls, err)
	}
}

// TestStreamLinkBatches checks links written in batches count as one at a
// time would: across batches, a link repeated in a batch, and a reference
// to an actor that only a later item creates.
func TestStreamLinkBatches(t *testing.T) {
	ctx := context.Background()
	s, _, _ := bulkStore(t)
	var its []graph.Item
	for i := range 60 {
		its = append(its, person(fmt.Sprintf("q%d", i), fmt.Sprintf("Quinn %d", i)))
	}
	// Over two batches: distinct pairs (q_a, q_a+d) for d up to 29, so
	// none repeats another either way round.
	n := 2*sqlite.LinkBatchSize + 50
	if n > 29*60 {
		t.Fatalf("%d links need more than 60 people", n)
	}
	for i := range n {
		its = append(its, link(fmt.Sprintf("q%d", i%60), fmt.Sprintf("q%d", (i/60+i+1)%60)))
	}
	again := link("q0", "q1")
	again.Link.Weight = 2
	its = append(its, again, link("q0", "q1"), graph.Item{Link: again.Link, IfMissing: true})
	res, err := s.ApplyStream(ctx, seq(its, nil), false)
	if err != nil {
		t.Fatal(err)
	}
	want := graph.ApplyResult{Created: 60 + n, Updated: 2, Unchanged: 1}
	if *res != want {
		t.Errorf("result = %+v, want %+v", *res, want)
	}
	late := []graph.Item{link("q0", "q2"), link("q0", "late"), person("late", "Late Comer")}
	_, err = s.ApplyStream(ctx, seq(late, nil), false)
	if ie := (*graph.ItemError)(nil); !errors.As(err, &ie) || ie.Index != 1 || graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("link to an actor made later = %v, want ENOTFOUND at item 1", err)
	}
}
