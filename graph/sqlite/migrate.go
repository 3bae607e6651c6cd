package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// migrate brings a database made by an earlier version up to schema.sql,
// whose CREATE TABLE IF NOT EXISTS statements leave existing tables alone.
func migrate(ctx context.Context, db *sql.DB) error {
	// Schema 2: free-form attributes on actors and links.
	for _, table := range []string{"actors", "links"} {
		var n int
		err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'attrs'`, table).Scan(&n)
		if err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", table, err)
		}
		if n > 0 {
			continue
		}
		if _, err := db.ExecContext(ctx, `ALTER TABLE `+table+` ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}'`); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", table, err)
		}
	}
	// Schema 3: aliases, searched with the name.
	if err := addColumn(ctx, db, "actors", "aliases", `TEXT NOT NULL DEFAULT '[]'`); err != nil {
		return err
	}
	if err := nameIndex(ctx, db); err != nil {
		return err
	}
	// Schema 4: the change log (schema.sql makes its table). A database
	// written before it has no changes logged up to its version.
	_, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO meta (name, value) SELECT 'changes_floor', value FROM meta WHERE name = 'version';
		UPDATE meta SET value = 4 WHERE name = 'schema' AND value < 4`)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	if err := partialIndexes(ctx, db); err != nil {
		return err
	}
	// Schema 6: links stored by key (linksByKey, before schema.sql ran).
	if _, err := db.ExecContext(ctx, `UPDATE meta SET value = 6 WHERE name = 'schema' AND value < 6`); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return nil
}

// partialIndexes remakes the indexes of mostly empty references as
// schema.sql now makes them, covering only rows that have one (schema 5),
// in one transaction.
func partialIndexes(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index'
		AND name IN ('actors_parent', 'links_programme', 'links_broker') AND sql NOT LIKE '%WHERE%'`).Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate partial indexes: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `DROP INDEX actors_parent; DROP INDEX links_programme; DROP INDEX links_broker;
		CREATE INDEX actors_parent ON actors (parent_id) WHERE parent_id IS NOT NULL;
		CREATE INDEX links_programme ON links (programme_id) WHERE programme_id IS NOT NULL;
		CREATE INDEX links_broker ON links (brokered_by_id) WHERE brokered_by_id IS NOT NULL;
		UPDATE meta SET value = 5 WHERE name = 'schema' AND value < 5`)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate partial indexes: %w", err)
	}
	return nil
}

// linksByKey moves the links of a store made before schema 6, a rowid
// table with unique indexes of both ID and key, into the table schema.sql
// now makes, stored by key, in one transaction: the old table is renamed
// and its indexes dropped, schema.sql makes the new table and its indexes,
// and the rows are copied in key order. It runs before Open runs schema.sql,
// which would otherwise build the new indexes on the old table. Columns
// that schema 1 lacked take their defaults.
func linksByKey(ctx context.Context, db *sql.DB) error {
	var ddl string
	err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'links'`).Scan(&ddl)
	if errors.Is(err, sql.ErrNoRows) || strings.Contains(ddl, "WITHOUT ROWID") {
		return nil // a new store, or one made at schema 6
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate links: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate links: %w", err)
	}
	defer tx.Rollback()
	defer db.ExecContext(context.WithoutCancel(ctx), restoreCache)
	_, err = tx.ExecContext(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB)+`;
		ALTER TABLE links RENAME TO links_v5; DROP INDEX IF EXISTS links_source; DROP INDEX IF EXISTS links_target;
		DROP INDEX IF EXISTS links_programme; DROP INDEX IF EXISTS links_broker;`+schema)
	var cols string
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT group_concat(name, ', ') FROM pragma_table_info('links_v5')
			WHERE name IN (SELECT name FROM pragma_table_info('links'))`).Scan(&cols)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO links (`+cols+`) SELECT `+cols+` FROM links_v5 ORDER BY key;
			DROP TABLE links_v5`)
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate links: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: migrate links: %w", err)
	}
	return nil
}

// addColumn adds column to table unless it has it.
func addColumn(ctx context.Context, db *sql.DB, table, column, def string) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	if err == nil && n == 0 {
		_, err = db.ExecContext(ctx, `ALTER TABLE `+table+` ADD COLUMN `+column+` `+def)
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate %s.%s: %w", table, column, err)
	}
	return nil
}

// nameIndexDDL is the full-text index of actors' names and aliases, kept
// by triggers. (An external-content FTS5 table reads its columns from
// actors by name, and a delete must give the old values of each.)
const nameIndexDDL = `
CREATE VIRTUAL TABLE actor_names USING fts5 (
	name, aliases, content = 'actors', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER actors_ai AFTER INSERT ON actors BEGIN
	INSERT INTO actor_names (rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases);
END;
CREATE TRIGGER actors_ad AFTER DELETE ON actors BEGIN
	INSERT INTO actor_names (actor_names, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
END;
CREATE TRIGGER actors_au AFTER UPDATE OF name, aliases ON actors BEGIN
	INSERT INTO actor_names (actor_names, rowid, name, aliases) VALUES ('delete', old.rowid, old.name, old.aliases);
	INSERT INTO actor_names (rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases);
END;
INSERT INTO actor_names (actor_names) VALUES ('rebuild');`

// nameIndex makes the name index, or remakes one that does not index
// aliases (schema 2), in one transaction.
func nameIndex(ctx context.Context, db *sql.DB) error {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('actor_names') WHERE name = 'aliases'`).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migrate name index: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS actors_ai; DROP TRIGGER IF EXISTS actors_ad; DROP TRIGGER IF EXISTS actors_au;
		DROP TABLE IF EXISTS actor_names;`+nameIndexDDL)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("sqlite: migrate name index: %w", err)
	}
	return nil
}

// attrsText encodes attributes as a JSON object ("{}" for none; keys sorted,
// so equal maps give equal text).
func attrsText(attrs map[string]string) string {
	if len(attrs) == 0 {
		return "{}"
	}
	return jsonText(attrs)
}

// decodeAttrs reads an attrs column; no attributes read as nil, as written.
func decodeAttrs(s string) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil || len(m) == 0 {
		return nil, err
	}
	return m, nil
}
