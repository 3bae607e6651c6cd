package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	_, err := db.ExecContext(ctx, `UPDATE meta SET value = 2 WHERE name = 'schema' AND value < 2`)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
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
