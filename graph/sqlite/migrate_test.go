package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'schema'`).Scan(&version); err != nil || version != 6 {
		t.Errorf("schema after the upgrade = %d, %v; want 6", version, err)
	}
	for _, c := range []struct{ query, index string }{
		{`SELECT id FROM actors WHERE parent_id IN (SELECT value FROM json_each('["x"]'))`, "actors_parent"},
		{`SELECT id FROM actors WHERE parent_id = 'x'`, "actors_parent"},
		{`SELECT id FROM links WHERE programme_id = 'x'`, "links_programme"},
		{`SELECT id FROM links WHERE brokered_by_id = 'x'`, "links_broker"},
	} {
		if plan := planOf(t, db, c.query); !strings.Contains(plan, "INDEX "+c.index) {
			t.Errorf("plan of %s = %q, want it to use %s", c.query, plan, c.index)
		}
	}
}

// planOf returns the steps of SQLite's plan for q, joined by "; ".
func planOf(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	var plan []string
	rows, err := db.Query(`EXPLAIN QUERY PLAN ` + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}

// schema5Links is the links table as schemas 1 to 5 made it: a rowid table
// with unique indexes of both ID and key.
const schema5Links = `
CREATE TABLE links_v5 (
	id             TEXT PRIMARY KEY,
	key            TEXT NOT NULL UNIQUE,
	type           TEXT NOT NULL,
	source_id      TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
	target_id      TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
	directed       INTEGER NOT NULL,
	weight         REAL NOT NULL,
	from_date      TEXT NOT NULL DEFAULT '',
	to_date        TEXT NOT NULL DEFAULT '',
	programme_id   TEXT REFERENCES programmes (id) ON DELETE SET NULL,
	brokered_by_id TEXT REFERENCES actors (id) ON DELETE SET NULL,
	evidence       TEXT NOT NULL DEFAULT '{}',
	attrs          TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO links_v5 SELECT * FROM links;
DROP TABLE links;
ALTER TABLE links_v5 RENAME TO links;
CREATE INDEX links_source ON links (source_id);
CREATE INDEX links_target ON links (target_id);
CREATE INDEX links_programme ON links (programme_id) WHERE programme_id IS NOT NULL;
CREATE INDEX links_broker ON links (brokered_by_id) WHERE brokered_by_id IS NOT NULL;
UPDATE meta SET value = 5 WHERE name = 'schema';`

// TestMigrateSchema5 opens a store whose links are a rowid table beside
// unique indexes of ID and key: they move to the table stored by key with
// nothing lost, reads and writes by ID still work, and pages of a type's or
// an actor's links are read from an index in key order, without sorting.
func TestMigrateSchema5(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	var items []graph.Item
	for _, k := range []string{"a", "b", "c", "d"} {
		items = append(items, graph.Item{Actor: &graph.Actor{Key: k, Kind: graph.KindPerson, Name: "Person " + k}})
	}
	for i, end := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}, {"d", "a"}, {"b", "d"}} {
		items = append(items, graph.Item{Link: &graph.Link{Key: fmt.Sprintf("l%d", 5-i), Type: graph.LinkTypes[i%2],
			SourceID: graph.NewID(graph.KindActor, end[0]), TargetID: graph.NewID(graph.KindActor, end[1]),
			Attrs: map[string]string{"n": fmt.Sprint(i)}}})
	}
	if _, err := s.ApplyStream(ctx, seq(items, nil), false); err != nil {
		t.Fatal(err)
	}
	before := scanAll(t, s)
	s.Close()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "partnergraph.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, schema5Links); err != nil {
		t.Fatal(err)
	}

	s, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if diff := cmp.Diff(before, scanAll(t, s)); diff != "" {
		t.Errorf("store after the upgrade (-before +after):\n%s", diff)
	}
	var version int
	var ddl string
	if err := db.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE name = 'schema'),
		(SELECT group_concat(sql, ';') FROM sqlite_master WHERE tbl_name LIKE 'links%')`).Scan(&version, &ddl); err != nil {
		t.Fatal(err)
	}
	if version != 6 || !strings.Contains(ddl, "WITHOUT ROWID") || strings.Contains(ddl, "links_v5") || !strings.Contains(ddl, "links_type") {
		t.Errorf("after the upgrade: schema %d, links %s; want 6, stored by key, indexed by type", version, ddl)
	}
	id := graph.NewID(graph.KindLink, "l3")
	if ls, err := s.LinksByID(ctx, []string{id, graph.NewID(graph.KindActor, "l3"), "x"}); err != nil || ls[0] == nil || ls[0].ID != id || ls[1] != nil || ls[2] != nil {
		t.Errorf("LinksByID after the upgrade = %v, %v; want l3, nil, nil", ls, err)
	}
	w := 2.5
	if l, err := s.UpdateLink(ctx, graph.LinkUpdate{ID: id, Weight: &w}); err != nil || l.Weight != w {
		t.Errorf("UpdateLink after the upgrade = %v, %v", l, err)
	}
	if err := s.DeleteLink(ctx, id, ""); err != nil {
		t.Errorf("DeleteLink after the upgrade: %v", err)
	}
	for _, q := range []string{
		`SELECT id FROM links WHERE type IN ('COLLABORATION') AND (to_date = '' OR to_date >= '2020-01-01') ORDER BY key LIMIT 51`,
		`SELECT key FROM links WHERE source_id = 'x' AND key > '' UNION ALL SELECT key FROM links WHERE target_id = 'x' AND key > ''
			ORDER BY key LIMIT 11`,
	} {
		if plan := planOf(t, db, q); strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN") {
			t.Errorf("plan of %s = %q, want index searches in key order", q, plan)
		}
	}
}

// scanAll returns everything s holds, in Scan's order.
func scanAll(t *testing.T, s *sqlite.Store) []graph.Item {
	t.Helper()
	var out []graph.Item
	if _, err := s.Scan(context.Background(), func(it graph.Item) error {
		out = append(out, it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}
