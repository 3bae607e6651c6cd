package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// logChanges adds one write's changes to the log and prunes all but the
// newest keep versions, raising changes_floor to match.
func logChanges(ctx context.Context, tx *sql.Tx, changes []graph.Change, keep int64) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO changes (version, op, kind, entity_id, caller_id, caller_name, at, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlite: log changes: %w", err)
	}
	defer st.Close()
	for _, c := range changes {
		_, err := st.ExecContext(ctx, c.Version, c.Op, c.Kind, c.ID, c.CallerID, c.CallerName,
			c.At.Format(time.RFC3339Nano), nullRaw(c.Before), nullRaw(c.After))
		if err != nil {
			return fmt.Errorf("sqlite: log changes: %w", err)
		}
	}
	floor := changes[0].Version - keep
	if floor <= 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM changes WHERE version <= ?;
		UPDATE meta SET value = ? WHERE name = 'changes_floor' AND value < ?`, floor, floor, floor)
	if err != nil {
		return fmt.Errorf("sqlite: prune changes: %w", err)
	}
	return nil
}

func nullRaw(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// eraseChanges turns every change naming id (an erased person: as the
// entity, or in a value) into a reset that names nothing.
func eraseChanges(ctx context.Context, tx *sql.Tx, id string) error {
	// Moving rows between pages as the table grew left stale copies of
	// them in pages' free space, which secure_delete does not reach: so
	// the table is emptied, which frees (and so zeroes) its pages, and
	// filled anew.
	_, err := tx.ExecContext(ctx, `UPDATE changes SET op = 'reset', kind = '', entity_id = '', before = NULL, after = NULL
			WHERE entity_id = ?1 OR instr(before, ?1) > 0 OR instr(after, ?1) > 0;
		CREATE TEMP TABLE changes_kept AS SELECT * FROM changes;
		DELETE FROM changes;
		INSERT INTO changes SELECT * FROM changes_kept;
		DROP TABLE changes_kept`, id)
	if err != nil {
		return fmt.Errorf("sqlite: erase from change log: %w", err)
	}
	return nil
}

// Changes returns the changes after since, by whole writes (graph.Store).
func (s *Store) Changes(ctx context.Context, since int64, limit int) ([]graph.Change, int64, error) {
	if err := graph.CheckChangesLimit(limit); err != nil {
		return nil, 0, err
	}
	var out []graph.Change
	var version int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		var floor int64
		err := tx.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE name = 'version'),
			(SELECT value FROM meta WHERE name = 'changes_floor')`).Scan(&version, &floor)
		if err != nil {
			return fmt.Errorf("sqlite: changes: %w", err)
		}
		if since < floor || since > version {
			out = graph.ResetSince(version)
			return nil
		}
		const q = `SELECT seq, version, op, kind, entity_id, caller_id, caller_name, at, before, after FROM changes `
		var last int64
		if out, last, err = scanChanges(ctx, tx, q+`WHERE version > ? ORDER BY seq LIMIT ?`, since, limit); err != nil {
			return err
		}
		if len(out) < limit {
			return nil
		}
		// Finish the last write, so a reader never applies half of one.
		v := out[len(out)-1].Version
		rest, _, err := scanChanges(ctx, tx, q+`WHERE version = ? AND seq > ? ORDER BY seq`, v, last)
		out, version = append(out, rest...), v
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, version, nil
}

// scanChanges reads changes and the seq of the last.
func scanChanges(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]graph.Change, int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqlite: changes: %w", err)
	}
	defer rows.Close()
	var out []graph.Change
	var seq int64
	for rows.Next() {
		var c graph.Change
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&seq, &c.Version, &c.Op, &c.Kind, &c.ID, &c.CallerID, &c.CallerName, &at, &before, &after); err != nil {
			return nil, 0, fmt.Errorf("sqlite: changes: %w", err)
		}
		if c.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, 0, fmt.Errorf("sqlite: changes: %w", err)
		}
		if before.Valid {
			c.Before = []byte(before.String)
		}
		if after.Valid {
			c.After = []byte(after.String)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("sqlite: changes: %w", err)
	}
	return out, seq, nil
}
