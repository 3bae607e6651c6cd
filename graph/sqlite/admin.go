package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/partnergraph/partnergraph/graph"
)

var _ graph.AdminStore = (*Store)(nil)

// adminSchema holds API keys (only hashes of their secrets) and the audit log.
// It joins schema.sql's statements at init, so Open creates the tables as it
// creates the others (idempotently).
const adminSchema = `
CREATE TABLE IF NOT EXISTS api_keys (
	id      TEXT PRIMARY KEY,
	name    TEXT NOT NULL DEFAULT '',
	role    TEXT NOT NULL,
	hash    BLOB NOT NULL UNIQUE,
	created INTEGER NOT NULL, -- Unix nanoseconds
	revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit_log (
	id     TEXT PRIMARY KEY,
	at     INTEGER NOT NULL, -- Unix nanoseconds
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at, id);
`

func init() { schema += adminSchema }

const keyCols = `id, name, role, hash, created, revoked`

func scanKey(r rowScanner) (*graph.APIKey, error) {
	var k graph.APIKey
	var created, revoked int64
	if err := r.Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &created, &revoked); err != nil {
		return nil, err
	}
	k.Created, k.Revoked = graph.FromUnixNanos(created), graph.FromUnixNanos(revoked)
	return &k, nil
}

// CreateKey stores k and records e. Key writes leave the version alone:
// they do not change the network.
func (s *Store) CreateKey(ctx context.Context, k *graph.APIKey, e *graph.AuditEntry) error {
	if err := k.Validate(); err != nil {
		return err
	}
	return s.adminWrite(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE id = ? OR hash = ?`, k.ID, k.Hash).Scan(&n); err != nil {
			return fmt.Errorf("sqlite: check key: %w", err)
		}
		if n > 0 {
			return graph.Errorf(graph.ECONFLICT, "id", "key %q already exists", k.ID)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
			k.ID, k.Name, k.Role, k.Hash, graph.UnixNanos(k.Created), graph.UnixNanos(k.Revoked))
		if err != nil {
			return fmt.Errorf("sqlite: create key: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// KeyByHash returns the key whose secret hashes to hash.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*graph.APIKey, error) {
	k, err := scanKey(s.r.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE hash = ?`, hash))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, graph.Errorf(graph.ENOTFOUND, "key", "no such key")
	case err != nil:
		return nil, fmt.Errorf("sqlite: key by hash: %w", err)
	}
	return k, nil
}

// Keys returns every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]*graph.APIKey, error) {
	return scanAll(ctx, s.r, scanKey, `SELECT `+keyCols+` FROM api_keys ORDER BY created, id`)
}

// RevokeKey marks key id revoked and records e, unless it already is.
func (s *Store) RevokeKey(ctx context.Context, id string, e *graph.AuditEntry) (*graph.APIKey, error) {
	var k *graph.APIKey
	err := s.adminWrite(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = scanKey(tx.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE id = ?`, id))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return graph.Errorf(graph.ENOTFOUND, "id", "no key with ID %q", id)
		case err != nil:
			return fmt.Errorf("sqlite: get key: %w", err)
		case !k.Revoked.IsZero():
			return nil
		}
		k.Revoked = e.At
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked = ? WHERE id = ?`, graph.UnixNanos(k.Revoked), id); err != nil {
			return fmt.Errorf("sqlite: revoke key: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ErasePerson deletes a person as DeleteActor does and records e. With
// secure_delete on, SQLite overwrites what it deletes; merging the name
// index's segments drops the name's tokens from it; the checkpoint that
// follows leaves no copy of the old pages in the write-ahead log.
func (s *Store) ErasePerson(ctx context.Context, id string, e *graph.AuditEntry) error {
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		a, err := getActor(ctx, tx, id)
		if err != nil {
			return err
		}
		if a == nil || a.Kind != graph.KindPerson {
			return graph.Errorf(graph.ENOTFOUND, "id", "no person with %s", graph.Describe(id))
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return fmt.Errorf("sqlite: erase: %w", err)
		}
		defer tx.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
		if err := deleteRow(ctx, tx, "actors", "actor", id); err != nil {
			return err
		}
		// The change log must not keep the person either: a reset, and
		// earlier entries naming them scrubbed.
		log.Reset()
		if err := eraseChanges(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO actor_names (actor_names) VALUES ('optimize')`); err != nil {
			return fmt.Errorf("sqlite: erase: merge name index: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	// Best effort: a reader holding an old snapshot can keep pages in the
	// log until the next checkpoint.
	s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}

// AuditLog returns a page of the audit log, newest first.
func (s *Store) AuditLog(ctx context.Context, p graph.PageArgs) (*graph.Page[*graph.AuditEntry], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	where, args := "1", []any{}
	at, id, ok, err := p.AfterAudit()
	if err != nil {
		return nil, err
	}
	if ok {
		where, args = `(at, id) < (?, ?)`, []any{at, id}
	}
	var total int
	var found []*graph.AuditEntry
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&total); err != nil {
			return fmt.Errorf("sqlite: count audit log: %w", err)
		}
		found, err = scanAll(ctx, tx, scanAudit, `SELECT id, at, actor, action, target FROM audit_log WHERE `+where+
			` ORDER BY at DESC, id DESC LIMIT ?`, append(args, size+1)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewPage(found, size, total, p.After, graph.AuditKey), nil
}

func scanAudit(r rowScanner) (*graph.AuditEntry, error) {
	var e graph.AuditEntry
	var at int64
	if err := r.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target); err != nil {
		return nil, err
	}
	e.At = graph.FromUnixNanos(at)
	return &e, nil
}

func insertAudit(ctx context.Context, tx *sql.Tx, e *graph.AuditEntry) error {
	if e == nil || e.ID == "" || e.Action == "" {
		return graph.Errorf(graph.EINVALID, "audit", "an audited write needs an audit entry")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE id = ?`, e.ID).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: check audit entry: %w", err)
	}
	if n > 0 {
		return graph.Errorf(graph.ECONFLICT, "audit", "audit entry %q already exists", e.ID)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, action, target) VALUES (?, ?, ?, ?, ?)`,
		e.ID, graph.UnixNanos(e.At), e.Actor, e.Action, e.Target)
	if err != nil {
		return fmt.Errorf("sqlite: write audit entry: %w", err)
	}
	return nil
}

// adminWrite runs fn in a write transaction that, unlike write, leaves the
// network's version alone.
func (s *Store) adminWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}
