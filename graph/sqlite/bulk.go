package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A large stream is written in bulk mode: once it has applied as many items
// as the store held rows when it began (and at least bulkMinItems), the
// stream's transaction drops the secondary indexes of actors and links and
// the triggers that keep the name index, writes on with a larger page
// cache, and remakes them all before it ends. Building an index by sorting
// once is far cheaper than a random insertion per row, and the name index
// (FTS5) otherwise flushes a segment per statement. Everything happens in
// the one transaction, so a failed or killed import leaves the indexes as
// they were and readers never see them missing. Remaking costs time in
// proportion to the whole store, which the threshold keeps within a small
// factor of the stream's own size; small writes never pay it.
//
// A stream runs with foreign keys off (withoutForeignKeys), so SQLite never
// looks for referring rows through the indexes bulk mode drops, even when
// an organisation's parent comes after it.
var bulkMinItems = 5000

// onBulk, if set, is called as a stream enters bulk mode (tests set it).
var onBulk func()

// bulkCacheKiB is the page cache a stream uses in bulk mode (the writer's
// usual one is writerCacheKiB): the unique indexes of a million links then
// stay in memory while rows go in at random places.
const bulkCacheKiB = 256 << 10

// maxKnown bounds the set of actor IDs a stream remembers as existing (a
// few tens of bytes each); beyond it, references are looked up.
const maxKnown = 1 << 21

// bulkState is what a stream keeps for bulk mode and for reference checks.
type bulkState struct {
	known           map[string]struct{} // IDs of actors that exist in the transaction
	knownProgrammes map[string]struct{} // and of programmes
	bulkAt          int                 // items after which to go bulk; 0: never
	remake          []string            // DDL of what bulk mode dropped, in order
}

// planBulk decides after how many items the stream goes bulk: as many as
// the store holds actors and links (max(rowid) is a cheap upper bound on
// the actors' count; links, stored by key, are counted), and at least
// bulkMinItems.
func (sa *streamApplier) planBulk() error {
	var rows int
	err := sa.tx.QueryRowContext(sa.ctx, `SELECT coalesce((SELECT max(rowid) FROM actors), 0) +
		(SELECT count(*) FROM links)`).Scan(&rows)
	if err != nil {
		return fmt.Errorf("sqlite: size store: %w", err)
	}
	sa.known, sa.knownProgrammes = map[string]struct{}{}, map[string]struct{}{}
	sa.bulkAt = max(rows, bulkMinItems)
	return nil
}

// maybeBulk enters bulk mode once n items have been applied.
func (sa *streamApplier) maybeBulk(n int) error {
	if n != sa.bulkAt {
		return nil
	}
	rows, err := sa.tx.QueryContext(sa.ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name IN ('actors', 'links') AND sql IS NOT NULL
			AND (type = 'index' OR (type = 'trigger' AND sql LIKE '%actor\_names%' ESCAPE '\'))
		ORDER BY type, name`)
	if err != nil {
		return fmt.Errorf("sqlite: bulk mode: %w", err)
	}
	var drop []string
	for rows.Next() {
		var typ, name, ddl string
		if err := rows.Scan(&typ, &name, &ddl); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: bulk mode: %w", err)
		}
		drop = append(drop, `DROP `+typ+` "`+strings.ReplaceAll(name, `"`, `""`)+`"`)
		sa.remake = append(sa.remake, ddl)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: bulk mode: %w", err)
	}
	drop = append(drop, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB))
	if onBulk != nil {
		onBulk()
	}
	return sa.execAll(drop)
}

// leaveBulk remakes what bulk mode dropped and rebuilds the name index from
// the actors table, then writes on as usual.
func (sa *streamApplier) leaveBulk() error {
	if sa.remake == nil {
		return nil
	}
	ddl := slices.Concat(sa.remake, []string{`INSERT INTO actor_names (actor_names) VALUES ('rebuild')`, restoreCache})
	if err := sa.execAll(ddl); err != nil {
		return err // the transaction rolls back, and close restores the cache
	}
	sa.remake, sa.bulkAt = nil, 0
	return nil
}

var restoreCache = `PRAGMA cache_size = -` + strconv.Itoa(writerCacheKiB)

func (sa *streamApplier) execAll(stmts []string) error {
	for _, q := range stmts {
		if _, err := sa.tx.ExecContext(sa.ctx, q); err != nil {
			return fmt.Errorf("sqlite: bulk mode: %w", err)
		}
	}
	return nil
}

func (sa *streamApplier) remember(id string) { remember(sa.known, id) }

func remember(known map[string]struct{}, id string) {
	if len(known) < maxKnown {
		known[id] = struct{}{}
	}
}

// actorExists says whether the actor with id exists, remembering it if so.
func (sa *streamApplier) actorExists(id string) (bool, error) {
	return sa.existsIn(sa.known, sa.actorCount, id)
}

// programmeExists says whether the programme with id exists, remembering
// it if so: a stream's links often name a few programmes many times.
func (sa *streamApplier) programmeExists(id string) (bool, error) {
	return sa.existsIn(sa.knownProgrammes, sa.programmeCount, id)
}

// existsIn says whether id is in known or counted by count (which it
// then joins). A stream deletes nothing, so what exists stays.
func (sa *streamApplier) existsIn(known map[string]struct{}, count *sql.Stmt, id string) (bool, error) {
	if _, ok := known[id]; ok {
		return true, nil
	}
	var n int
	if err := count.QueryRowContext(sa.ctx, id).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		remember(known, id)
	}
	return n > 0, nil
}

// withoutForeignKeys runs fn on the writer's connection with SQLite's
// foreign keys off, and turns them on again before the connection goes
// back to the pool (or closes it if that fails). A stream checks every
// reference it writes itself (checkLinkRefs, checkParents, exists), and it
// deletes nothing, so the keys' own checks, a primary-key search per
// reference written, only repeat them. The pragma cannot change inside a
// transaction, hence the pinned connection.
func (s *Store) withoutForeignKeys(ctx context.Context, fn func(w beginner) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("sqlite: foreign keys off: %w", err)
	}
	err = fn(conn)
	if _, err2 := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err2 != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // never reused without them
		err = errors.Join(err, fmt.Errorf("sqlite: foreign keys on: %w", err2))
	}
	return err
}
