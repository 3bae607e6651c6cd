package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// The SQL of each group-by field: constant text, never input. Absent values
// are ” so that both stores group them alike (Neo4j has no empty strings).
var (
	actorGroupSQL = map[graph.ActorField]string{
		graph.ActorKind:   `kind`,
		graph.ActorType:   `org_type`,
		graph.ActorSector: `sector`,
		graph.ActorRegion: `region`,
		graph.ActorParent: `coalesce(parent_id, '')`,
	}
	linkGroupSQL = map[graph.LinkField]string{
		graph.LinkTypeField: `l.type`,
		graph.LinkProgramme: `coalesce(l.programme_id, '')`,
		graph.LinkBroker:    `coalesce(l.brokered_by_id, '')`,
		graph.LinkYear:      `substr(l.from_date, 1, 4)`,
		graph.LinkQuarter: `CASE l.from_date WHEN '' THEN '' ELSE substr(l.from_date, 1, 4) || '-Q' ||
			((CAST(substr(l.from_date, 6, 2) AS INTEGER) + 2) / 3) END`,
		graph.LinkMonth:        `substr(l.from_date, 1, 7)`,
		graph.LinkSourceSector: `s.sector`,
		graph.LinkTargetSector: `t.sector`,
	}
)

// AggregateActors counts actors per group with one GROUP BY.
func (s *Store) AggregateActors(ctx context.Context, f graph.ActorFilter, by []graph.ActorField) ([]graph.Group, error) {
	if err := graph.CheckGroupBy(by); err != nil {
		return nil, err
	}
	if err := checkActorFilter(f); err != nil {
		return nil, err
	}
	where, args := actorWhere(f)
	keys := columns(by, actorGroupSQL)
	q := `SELECT ` + keys.sel + `count(*), 0, 0, 0, '', '' FROM actors WHERE ` + where + keys.group
	return s.aggregate(ctx, len(by), q, args)
}

// AggregateLinks counts links and sums their weights per group with one
// GROUP BY, joining the ends only when a sector is asked for.
func (s *Store) AggregateLinks(ctx context.Context, f graph.LinkFilter, by []graph.LinkField) ([]graph.Group, error) {
	if err := graph.CheckGroupBy(by); err != nil {
		return nil, err
	}
	if err := graph.CheckWhere(graph.EntityLink, f.Where); err != nil {
		return nil, err
	}
	where, args := linkWhere(f, "l").sql()
	keys := columns(by, linkGroupSQL)
	from := `links l`
	for _, f := range by {
		switch f {
		case graph.LinkSourceSector:
			from += ` JOIN actors s ON s.id = l.source_id`
		case graph.LinkTargetSector:
			from += ` JOIN actors t ON t.id = l.target_id`
		}
	}
	q := `SELECT ` + keys.sel + `count(*), sum(l.weight), min(l.weight), max(l.weight), min(nullif(l.from_date, '')),
		max(nullif(CASE l.to_date WHEN '' THEN l.from_date ELSE l.to_date END, ''))
		FROM ` + from + ` WHERE ` + where + keys.group
	return s.aggregate(ctx, len(by), q, args)
}

type groupSQL struct{ sel, group string }

// columns returns the select list and GROUP BY clause of by's fields.
func columns[F comparable](by []F, exprs map[F]string) groupSQL {
	if len(by) == 0 {
		return groupSQL{}
	}
	var sel, pos []string
	for i, f := range by {
		sel = append(sel, exprs[f])
		pos = append(pos, fmt.Sprint(i+1))
	}
	return groupSQL{sel: strings.Join(sel, ", ") + ", ", group: ` GROUP BY ` + strings.Join(pos, ", ") + fmt.Sprintf(` LIMIT %d`, graph.MaxAggregateGroup+1)}
}

// aggregate runs q, whose rows are n keys, a count, the weight sum, min and
// max and the first and last dates, and orders the groups.
func (s *Store) aggregate(ctx context.Context, n int, q string, args []any) ([]graph.Group, error) {
	var gs []graph.Group
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlite: aggregate: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			g, err := scanGroup(rows, n)
			if err != nil {
				return err
			}
			if g.Count > 0 {
				gs = append(gs, g)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return graph.SortGroups(gs)
}

func scanGroup(rows *sql.Rows, n int) (graph.Group, error) {
	g := graph.Group{Key: make([]string, n)}
	var sum, lo, hi sql.NullFloat64
	var first, last sql.NullString
	dest := make([]any, 0, n+6)
	for i := range g.Key {
		dest = append(dest, &g.Key[i])
	}
	dest = append(dest, &g.Count, &sum, &lo, &hi, &first, &last)
	if err := rows.Scan(dest...); err != nil {
		return g, fmt.Errorf("sqlite: scan group: %w", err)
	}
	g.WeightSum, g.WeightMin, g.WeightMax = sum.Float64, lo.Float64, hi.Float64
	var err error
	if first.String != "" {
		g.First, err = graph.ParseDate("first", first.String)
	}
	if err == nil && last.String != "" {
		g.Last, err = graph.ParseDate("last", last.String)
	}
	return g, err
}
