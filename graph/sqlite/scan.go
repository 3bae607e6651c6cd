package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/partnergraph/partnergraph/graph"
)

// Scan streams the whole network from one read transaction.
func (s *Store) Scan(ctx context.Context, fn func(graph.Item) error) (int64, error) {
	var version int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&version); err != nil {
			return fmt.Errorf("sqlite: version: %w", err)
		}
		if err := each(ctx, tx, `SELECT `+actorCols+` FROM actors ORDER BY key`, scanActor, func(a *graph.Actor) error {
			return fn(graph.Item{Actor: a})
		}); err != nil {
			return err
		}
		if err := each(ctx, tx, `SELECT `+programmeCols+` FROM programmes ORDER BY key`, scanProgramme, func(p *graph.Programme) error {
			return fn(graph.Item{Programme: p})
		}); err != nil {
			return err
		}
		if err := each(ctx, tx, `SELECT `+participationCols+` FROM participations ORDER BY actor_id, programme_id`, scanParticipation, func(p *graph.Participation) error {
			return fn(graph.Item{Participation: p})
		}); err != nil {
			return err
		}
		return each(ctx, tx, `SELECT `+linkCols+` FROM links ORDER BY key`, scanLink, func(l *graph.Link) error {
			return fn(graph.Item{Link: l})
		})
	})
	return version, err
}

// each streams query's rows through scan to fn without holding them all.
func each[T any](ctx context.Context, tx *sql.Tx, query string, scan func(rowScanner) (*T, error), fn func(*T) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("sqlite: scan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("sqlite: scan: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
