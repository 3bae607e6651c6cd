package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

// schema2NameIndex is the name index as schema 2 made it: names only.
const schema2NameIndex = `
DROP TRIGGER actors_ai; DROP TRIGGER actors_ad; DROP TRIGGER actors_au; DROP TABLE actor_names;
ALTER TABLE actors DROP COLUMN aliases;
CREATE VIRTUAL TABLE actor_names USING fts5 (
	name, content = 'actors', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER actors_ai AFTER INSERT ON actors BEGIN
	INSERT INTO actor_names (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER actors_ad AFTER DELETE ON actors BEGIN
	INSERT INTO actor_names (actor_names, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER actors_au AFTER UPDATE OF name ON actors BEGIN
	INSERT INTO actor_names (actor_names, rowid, name) VALUES ('delete', old.rowid, old.name);
	INSERT INTO actor_names (rowid, name) VALUES (new.rowid, new.name);
END;
INSERT INTO actor_names (actor_names) VALUES ('rebuild');
UPDATE meta SET value = 2 WHERE name = 'schema';`

// TestMigrateSchema2 opens a store an earlier version made: its actors stay,
// their names are still found, and aliases can be added and searched.
func TestMigrateSchema2(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	hope, err := s.CreateActor(ctx, &graph.Actor{Key: "hope", Kind: graph.KindOrganisation, Name: "Liverpool Hope University"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "partnergraph.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, schema2NameIndex); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, err := s.FindActors(ctx, graph.ActorFilter{Search: "hope"}, graph.PageArgs{}); err != nil || p.TotalCount != 1 {
		t.Fatalf("search by name after the upgrade: %v, %v", p, err)
	}
	aliases := []string{"LHU"}
	if _, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: hope.ID, Aliases: &aliases}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.FindActors(ctx, graph.ActorFilter{Search: "lhu"}, graph.PageArgs{}); err != nil || p.TotalCount != 1 {
		t.Errorf("search by alias after the upgrade: %v, %v", p, err)
	}
}

// TestMigrateSchema3 opens a store made before the change log: the changes
// it made are not in the log, so following it from before its version
// means a rescan, and writes from then on are logged.
func TestMigrateSchema3(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateActor(ctx, &graph.Actor{Key: "hope", Kind: graph.KindOrganisation, Name: "Liverpool Hope University"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "partnergraph.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `DROP TABLE changes; DELETE FROM meta WHERE name = 'changes_floor';
		UPDATE meta SET value = 3 WHERE name = 'schema'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cs, v, err := s.Changes(ctx, 0, 10); err != nil || len(cs) != 1 || cs[0].Op != graph.ChangeReset || v != 1 {
		t.Fatalf("Changes(0) after the upgrade = %+v to %d, %v; want one reset at 1", cs, v, err)
	}
	if _, err := s.CreateActor(ctx, &graph.Actor{Key: "roc", Kind: graph.KindOrganisation, Name: "Robert Owen Centre"}); err != nil {
		t.Fatal(err)
	}
	if cs, v, err := s.Changes(ctx, 1, 10); err != nil || len(cs) != 1 || cs[0].Op != graph.ChangeCreated || v != 2 {
		t.Errorf("Changes(1) after a write = %+v to %d, %v; want the actor created at 2", cs, v, err)
	}
}

// TestMigrateSchema4 opens a store whose indexes of mostly empty references
// cover every row: they are remade partial, and queries by those
// references still use them.
func TestMigrateSchema4(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "partnergraph.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `DROP INDEX actors_parent; DROP INDEX links_programme; DROP INDEX links_broker;
		CREATE INDEX actors_parent ON actors (parent_id); CREATE INDEX links_programme ON links (programme_id);
		CREATE INDEX links_broker ON links (brokered_by_id); UPDATE meta SET value = 4 WHERE name = 'schema'`); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var partial, version int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN ('actors_parent', 'links_programme', 'links_broker')
		AND sql LIKE '%WHERE%IS NOT NULL'`).Scan(&partial); err != nil || partial != 3 {
		t.Errorf("partial indexes after the upgrade = %d, %v; want 3", partial, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'schema'`).Scan(&version); err != nil || version != 5 {
		t.Errorf("schema after the upgrade = %d, %v; want 5", version, err)
	}
	for _, c := range []struct{ query, index string }{
		{`SELECT id FROM actors WHERE parent_id IN (SELECT value FROM json_each('["x"]'))`, "actors_parent"},
		{`SELECT id FROM actors WHERE parent_id = 'x'`, "actors_parent"},
		{`SELECT id FROM links WHERE programme_id = 'x'`, "links_programme"},
		{`SELECT id FROM links WHERE brokered_by_id = 'x'`, "links_broker"},
	} {
		q, index := c.query, c.index
		var plan []string
		rows, err := db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "; "), "INDEX "+index) {
			t.Errorf("plan of %s = %q, want it to use %s", q, plan, index)
		}
	}
}
