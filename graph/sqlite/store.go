// Package sqlite is partnergraph's embedded store: one SQLite database file
// (pure Go, modernc.org/sqlite) in WAL mode with synchronous commits, so an
// acknowledged write survives a crash.
package sqlite

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/partnergraph/partnergraph/graph"
	_ "modernc.org/sqlite"
)

//go:embed schema.sql
var schema string

var _ graph.Store = (*Store)(nil)

// writerCacheKiB is the writer's page cache (see Open).
const writerCacheKiB = 32 << 10

// Store is a graph.Store on a SQLite file. Writes go through one connection
// (SQLite has one writer at a time); reads use a pool and see snapshots.
type Store struct {
	w, r *sql.DB
	keep int64 // versions the change log keeps (graph.KeepChangeVersions; tests lower it)
}

// Open opens (creating if needed) the store in directory dir.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	path := filepath.Join(dir, "partnergraph.db")
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	// The one writer keeps statement journals in memory and a 32 MiB page
	// cache, so a large transaction (an import) neither writes a temporary
	// file per statement nor spills pages to the WAL early.
	wq := url.Values{"_pragma": append(q["_pragma"][:len(q["_pragma"]):len(q["_pragma"])], "temp_store(MEMORY)", "cache_size(-"+strconv.Itoa(writerCacheKiB)+")")}
	w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	s := &Store{w: w, r: r, keep: graph.KeepChangeVersions}
	if err := linksByKey(ctx, w); err != nil { // before schema.sql indexes the old table
		s.Close()
		return nil, err
	}
	if _, err := w.ExecContext(ctx, schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: create schema: %w", err)
	}
	if err := migrate(ctx, w); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.w.Close(), s.r.Close())
}

// Version returns the write counter.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("sqlite: version: %w", err)
	}
	return v, nil
}

// write runs fn in a write transaction and bumps the version if fn succeeds.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx, log *graph.ChangeLog) error) error {
	return s.writeTx(ctx, func(tx *sql.Tx, log *graph.ChangeLog) (bool, error) { return true, fn(tx, log) })
}

// writeTx runs fn in a write transaction and commits if fn succeeds. If fn
// says it changed something, the version moves on and what fn logged is
// added to the change log, in the same transaction.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx, log *graph.ChangeLog) (changed bool, err error)) error {
	return writeTxOn(ctx, s.w, s.keep, fn)
}

// beginner is where a write transaction begins: the writer's pool, or its
// one connection pinned.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

func writeTxOn(ctx context.Context, db beginner, keep int64, fn func(tx *sql.Tx, log *graph.ChangeLog) (changed bool, err error)) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	log := graph.NewChangeLog(ctx)
	changed, err := fn(tx, log)
	if err != nil {
		return err
	}
	if changed {
		var v int64
		err := tx.QueryRowContext(ctx, `UPDATE meta SET value = value + 1 WHERE name = 'version' RETURNING value`).Scan(&v)
		if err != nil {
			return fmt.Errorf("sqlite: bump version: %w", err)
		}
		if err := logChanges(ctx, tx, log.Entries(v), keep); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// read runs fn in a read transaction (one consistent snapshot).
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// queryer is what reads need: a transaction or a database.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanAll runs a query and scans every row with scan.
func scanAll[T any](ctx context.Context, q queryer, scan func(rowScanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query: %w", err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: rows: %w", err)
	}
	return out, nil
}

type rowScanner interface{ Scan(dest ...any) error }

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// inChunks calls fn on slices of at most 500 ids, below SQLite's parameter limit.
func inChunks(ids []string, fn func([]string) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func jsonText(v any) string {
	// The common empty values skip reflection: a bulk import writes them
	// on nearly every row.
	switch v := v.(type) {
	case []string:
		if v != nil && len(v) == 0 {
			return "[]"
		}
	case graph.Evidence:
		if v.IsZero() {
			return "{}"
		}
	}
	b, _ := json.Marshal(v) // values here are strings, slices and Evidence: never fail
	return string(b)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ftsQuery turns free text into an FTS5 query: every word must prefix-match.
func ftsQuery(search string) string {
	var terms []string
	// Split as FTS5's unicode61 tokenizer does, so each term is one token.
	for _, w := range strings.FieldsFunc(search, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}
