package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// ownerCols are the columns that name a link's owner: an actor owns the
// links it is an end of (a link never joins an actor to itself, so no link
// is owned twice by one actor). Each has an index that ends with the key.
var ownerCols = map[graph.LinkOwner][]string{
	graph.OwnerActor:     {"source_id", "target_id"},
	graph.OwnerBroker:    {"brokered_by_id"},
	graph.OwnerProgramme: {"programme_id"},
}

// LinkPages returns, for each ID, page p of the links owner says it has.
// Two queries per owner in one read: the count, and the first size+1 links
// after the cursor, which SQLite reads from each owner column's index in
// key order (merging the two of an actor's) and stops, so a hub's page
// costs what a leaf's does.
func (s *Store) LinkPages(ctx context.Context, owner graph.LinkOwner, ids []string, f graph.LinkFilter, p graph.PageArgs) ([]*graph.Page[*graph.Link], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	if err := owner.Check(); err != nil {
		return nil, err
	}
	after := ""
	if parts, err := p.AfterKey(1); err != nil {
		return nil, err
	} else if parts != nil {
		after = parts[0]
	}
	where, args := linkWhere(f, "links").sql()
	// ?1 is the owner and ?2 the cursor (in pages); each arm's filter
	// parameters are numbered after them, in turn, and the limit last.
	var counts, arms []string
	var armArgs []any
	for _, col := range ownerCols[owner] {
		counts = append(counts, `(SELECT count(*) FROM links WHERE `+col+` = ?1 AND `+where+`)`)
		arms = append(arms, `SELECT `+linkCols+` FROM links WHERE `+col+` = ?1 AND key > ?2 AND `+where)
		armArgs = append(armArgs, args...)
	}
	countQ := `SELECT ` + strings.Join(counts, " + ")
	pageQ := strings.Join(arms, " UNION ALL ") + ` ORDER BY key LIMIT ?`
	totals := map[string]int{}
	found := map[string][]*graph.Link{}
	err = s.read(ctx, func(tx *sql.Tx) error {
		for _, id := range owners(ids) {
			var n int
			if err := tx.QueryRowContext(ctx, countQ, append([]any{id}, armArgs...)...).Scan(&n); err != nil {
				return fmt.Errorf("sqlite: count links: %w", err)
			}
			ls, err := scanAll(ctx, tx, scanLink, pageQ, append(append([]any{id, after}, armArgs...), size+1)...)
			if err != nil {
				return err
			}
			totals[id], found[id] = n, ls
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return graph.NewPages(ids, found, totals, size, p.After, graph.LinkKey), nil
}

// eachRow calls fn on each row of query.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(rowScanner) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UnitPages returns, for each parent ID, page p of its units: the count per
// parent, and the first size+1 units per parent after the cursor.
func (s *Store) UnitPages(ctx context.Context, parentIDs []string, p graph.PageArgs) ([]*graph.Page[*graph.Actor], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	const of = `parent_id IN (SELECT value FROM json_each(?))`
	where, args, err := afterNameID(of, []any{jsonText(owners(parentIDs))}, p)
	if err != nil {
		return nil, err
	}
	var totals map[string]int
	var found []*graph.Actor
	err = s.read(ctx, func(tx *sql.Tx) error {
		if totals, err = countBy(ctx, tx, `SELECT parent_id, count(*) FROM actors WHERE `+of+` GROUP BY parent_id`, args[:1]); err != nil {
			return err
		}
		found, err = scanAll(ctx, tx, scanActor, `SELECT `+actorCols+` FROM (SELECT *, row_number() OVER (PARTITION BY parent_id ORDER BY name, id) AS n
			FROM actors WHERE `+where+`) WHERE n <= ? ORDER BY parent_id, name, id`, append(args, size+1)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	by := map[string][]*graph.Actor{}
	for _, a := range found {
		by[a.ParentID] = append(by[a.ParentID], a)
	}
	return graph.NewPages(parentIDs, by, totals, size, p.After, graph.ActorKey), nil
}

// owners returns ids sorted without repeats, for a JSON array parameter.
func owners(ids []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

// countBy returns the counts query gives, by the id in its first column.
func countBy(ctx context.Context, tx *sql.Tx, query string, args []any) (map[string]int, error) {
	out := map[string]int{}
	err := eachRow(ctx, tx, query, args, func(r rowScanner) error {
		var id string
		var n int
		err := r.Scan(&id, &n)
		out[id] = n
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: count: %w", err)
	}
	return out, nil
}
