package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
)

// ownedLinks selects (owner, link id) for the owners in the JSON array
// parameter; an actor owns the links it is an end of (a link never joins an
// actor to itself, so no link is owned twice by one actor).
var ownedLinks = map[graph.LinkOwner]string{
	graph.OwnerActor: `SELECT source_id AS owner, id AS lid FROM links WHERE source_id IN (SELECT value FROM json_each(?1))
		UNION ALL SELECT target_id, id FROM links WHERE target_id IN (SELECT value FROM json_each(?1))`,
	graph.OwnerBroker:    `SELECT brokered_by_id AS owner, id AS lid FROM links WHERE brokered_by_id IN (SELECT value FROM json_each(?1))`,
	graph.OwnerProgramme: `SELECT programme_id AS owner, id AS lid FROM links WHERE programme_id IN (SELECT value FROM json_each(?1))`,
}

// LinkPages returns, for each ID, page p of the links owner says it has.
// Two queries in one read: the count per owner, and the first size+1
// links per owner after the cursor (a window over each owner's links).
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
	from := `FROM (` + ownedLinks[owner] + `) o JOIN links ON links.id = o.lid WHERE ` + where
	// ?1 is the owners; the filter's parameters are numbered after it.
	args = append([]any{jsonText(owners(ids))}, args...)
	var totals map[string]int
	found := map[string][]*graph.Link{}
	err = s.read(ctx, func(tx *sql.Tx) error {
		clear(found)
		var err error
		if totals, err = countBy(ctx, tx, `SELECT owner, count(*) `+from+` GROUP BY owner`, args); err != nil {
			return err
		}
		q := `SELECT ` + linkCols + `, owner FROM (SELECT links.*, owner, row_number() OVER (PARTITION BY owner ORDER BY key) AS n ` +
			from + ` AND key > ?) WHERE n <= ? ORDER BY owner, key`
		return eachRow(ctx, tx, q, append(args, after, size+1), func(r rowScanner) error {
			var o string
			l, err := scanLink(withOwner{r, &o})
			found[o] = append(found[o], l)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return graph.NewPages(ids, found, totals, size, p.After, graph.LinkKey), nil
}

// withOwner scans a link row followed by its owner column.
type withOwner struct {
	rowScanner
	owner *string
}

func (w withOwner) Scan(dest ...any) error { return w.rowScanner.Scan(append(dest, w.owner)...) }

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
