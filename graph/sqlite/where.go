package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
	"modernc.org/sqlite"
)

// fold is graph.Fold in SQL: SQLite's lower() folds ASCII only, and the
// case-insensitive comparisons must fold as Neo4j's toLower does.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("pg_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return graph.Fold(v), nil
		case nil:
			return nil, nil
		}
		return nil, fmt.Errorf("pg_fold: %T is not text", args[0])
	})
}

// whereSQL is the SQL of each Where field, with %[1]s for the row's
// table or alias: constant text, never input. Absent references read as ”,
// as Neo4j's absent properties do through coalesce.
var whereSQL = map[graph.Entity]map[graph.WhereField]string{
	graph.EntityActor: {
		graph.WhereName: `%[1]s.name`, graph.WhereKey: `%[1]s.key`, graph.WhereKind: `%[1]s.kind`,
		graph.WhereType: `%[1]s.org_type`, graph.WhereSector: `%[1]s.sector`, graph.WhereRegion: `%[1]s.region`,
		graph.WhereParent: `coalesce(%[1]s.parent_id, '')`,
	},
	graph.EntityProgramme: {
		graph.WhereName: `%[1]s.name`, graph.WhereKey: `%[1]s.key`,
		graph.WhereStart: `%[1]s.start_date`, graph.WhereEnd: `%[1]s.end_date`,
	},
	graph.EntityLink: {
		graph.WhereKey: `%[1]s.key`, graph.WhereType: `%[1]s.type`, graph.WhereFrom: `%[1]s.from_date`,
		graph.WhereTo: `%[1]s.to_date`, graph.WhereWeight: `%[1]s.weight`,
		graph.WhereProgramme: `coalesce(%[1]s.programme_id, '')`, graph.WhereBroker: `coalesce(%[1]s.brokered_by_id, '')`,
	},
}

// The date columns an Active window compares.
var activeSQL = map[graph.Entity][2]string{
	graph.EntityProgramme: {`%[1]s.start_date`, `%[1]s.end_date`},
	graph.EntityLink:      {`%[1]s.from_date`, `%[1]s.to_date`},
}

// whereBuilder translates a checked graph.Where into a parameterised
// condition; args collects the values in the order of their ?s.
type whereBuilder struct {
	args  []any
	alias int // numbers the aliases of nested rows
}

// where returns the condition w puts on the row of e named t.
func (b *whereBuilder) where(e graph.Entity, w *graph.Where, t string) string {
	if w == nil {
		return "1"
	}
	var parts []string
	for _, sub := range w.And {
		parts = append(parts, b.where(e, sub, t))
	}
	if w.Or != nil {
		alts := []string{"0"} // no alternative: nothing matches
		for _, sub := range w.Or {
			alts = append(alts, b.where(e, sub, t))
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	if w.Not != nil {
		parts = append(parts, "NOT "+b.where(e, w.Not, t))
	}
	for _, c := range w.Conds {
		parts = append(parts, b.cond(fmt.Sprintf(whereSQL[e][c.Field], t), c))
	}
	if cols, ok := activeSQL[e]; ok {
		parts = append(parts, b.active(w.Active, fmt.Sprintf(cols[0], t), fmt.Sprintf(cols[1], t))...)
	}
	if w.LinksSome != nil {
		parts = append(parts, b.linksSome(w.LinksSome, t))
	}
	parts = append(parts, b.end(w.Source, t+".source_id"), b.end(w.Target, t+".target_id"))
	parts = dropTrue(parts)
	if len(parts) == 0 {
		return "1"
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

func dropTrue(parts []string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p != "1" {
			out = append(out, p)
		}
	}
	return out
}

func (b *whereBuilder) cond(expr string, c graph.Cond) string {
	switch c.Op {
	case graph.OpIn:
		b.args = append(b.args, c.Values...)
		return expr + ` IN (` + placeholders(len(c.Values)) + `)`
	case graph.OpContains:
		b.args = append(b.args, c.Arg())
		return `instr(pg_fold(` + expr + `), ?) > 0`
	case graph.OpStartsWith:
		b.args = append(b.args, c.Arg())
		return `instr(pg_fold(` + expr + `), ?) = 1`
	}
	op := map[graph.Op]string{graph.OpEq: "=", graph.OpLt: "<", graph.OpLte: "<=", graph.OpGt: ">", graph.OpGte: ">="}[c.Op]
	b.args = append(b.args, c.Arg())
	if c.Field.IsDate() && c.Op != graph.OpEq {
		return `(` + expr + ` <> '' AND ` + expr + ` ` + op + ` ?)` // a missing date is neither before nor after
	}
	return expr + ` ` + op + ` ?`
}

// active is the overlap of from..to with the window (open ends overlap).
func (b *whereBuilder) active(a graph.Interval, from, to string) []string {
	var parts []string
	if !a.From.IsZero() {
		b.args = append(b.args, a.From.String())
		parts = append(parts, `(`+to+` = '' OR `+to+` >= ?)`)
	}
	if !a.To.IsZero() {
		b.args = append(b.args, a.To.String())
		parts = append(parts, `(`+from+` = '' OR `+from+` <= ?)`)
	}
	return parts
}

// linksSome is the links of actor t, either direction, their other end
// matching ls.Other. One EXISTS, so that nesting does not double the
// query's size at every level; SQLite probes both end indexes for the OR.
func (b *whereBuilder) linksSome(ls *graph.LinksSome, t string) string {
	b.alias++
	l := fmt.Sprintf("l%d", b.alias)
	q := `EXISTS (SELECT 1 FROM links ` + l + ` WHERE (` + l + `.source_id = ` + t + `.id OR ` + l + `.target_id = ` + t + `.id) AND ` +
		b.where(graph.EntityLink, ls.Link, l)
	if ls.Other != nil {
		other := `CASE ` + l + `.source_id WHEN ` + t + `.id THEN ` + l + `.target_id ELSE ` + l + `.source_id END`
		q += ` AND ` + b.end(ls.Other, other)
	}
	return q + `)`
}

// end is the condition w puts on the actor whose ID is in column ref: an
// uncorrelated IN, which SQLite evaluates once per query into a table of
// IDs, rather than once per row that refers to the actor.
func (b *whereBuilder) end(w *graph.Where, ref string) string {
	if w == nil {
		return "1"
	}
	b.alias++
	a := fmt.Sprintf("a%d", b.alias)
	return ref + ` IN (SELECT ` + a + `.id FROM actors ` + a + ` WHERE ` + b.where(graph.EntityActor, w, a) + `)`
}

// sortSQL is the SQL of each sort key, for rows of the table unaliased.
var sortSQL = map[graph.SortField]string{
	graph.SortName: `name`, graph.SortKey: `key`, graph.SortID: `id`,
	graph.SortDegree: `((SELECT count(*) FROM links l WHERE l.source_id = actors.id) +
		(SELECT count(*) FROM links l WHERE l.target_id = actors.id))`,
	graph.SortStart: `start_date`, graph.SortEnd: `end_date`,
	graph.SortType: `type`, graph.SortFrom: `from_date`, graph.SortTo: `to_date`, graph.SortWeight: `weight`,
}

// findPage reads the rows of table that where selects, in the page ks
// asks for, with their sort values: an inner query computes the sort
// keys (s0, s1…), the outer one seeks past the cursor and orders.
func findPage[T any](ctx context.Context, tx *sql.Tx, ks *graph.Keyset, table, cols string, scan func(rowScanner) (T, error),
	where string, args []any) ([]T, [][]any, error) {
	n := len(ks.Keys)
	sel, names, order := make([]string, n), make([]string, n), make([]string, n)
	for i, k := range ks.Keys {
		names[i] = fmt.Sprintf("s%d", i)
		sel[i] = sortSQL[k.Field] + ` AS ` + names[i]
		order[i] = names[i]
		if ks.Reversed(i) {
			order[i] += ` DESC`
		}
	}
	q := `SELECT * FROM (SELECT ` + cols + `, ` + strings.Join(sel, ", ") + ` FROM ` + table + ` WHERE ` + where + `)`
	args = append([]any{}, args...)
	if ks.Cursor != nil {
		params := make([]string, n)
		for i := range params {
			params[i] = fmt.Sprintf("?%d", len(args)+1+i) // numbered: After repeats them
		}
		q += ` WHERE ` + after(ks, names, params)
		args = append(args, ks.Cursor...)
	}
	q += ` ORDER BY ` + strings.Join(order, ", ") + ` LIMIT ?`
	args = append(args, ks.Size+1)
	var items []T
	var vals [][]any
	err := eachRow(ctx, tx, q, args, func(r rowScanner) error {
		v := make([]any, n)
		item, err := scan(withSort{r, v})
		items, vals = append(items, item), append(vals, v)
		return err
	})
	return items, vals, err
}

// countUnlessNoTotal runs the count query into total, unless p says its
// caller does not read the total: counting every match of a filter is
// most of a page's work on a large store.
func countUnlessNoTotal(ctx context.Context, tx *sql.Tx, p graph.PageArgs, query string, args []any, total *int) error {
	if p.NoTotal {
		return nil
	}
	return tx.QueryRowContext(ctx, query, args...).Scan(total)
}

// withSort scans a row followed by its sort values.
type withSort struct {
	rowScanner
	vals []any
}

func (w withSort) Scan(dest ...any) error {
	for i := range w.vals {
		dest = append(dest, &w.vals[i])
	}
	return w.rowScanner.Scan(dest...)
}

// after is ks.After, as a row-value comparison when every key is read in
// one direction: SQLite seeks an index range for (name, id) > (?, ?), but
// scans for the equivalent OR of comparisons.
func after(ks *graph.Keyset, names, params []string) string {
	for i := range ks.Keys {
		if ks.Reversed(i) != ks.Reversed(0) {
			return ks.After(names, params)
		}
	}
	op := ` > `
	if ks.Reversed(0) {
		op = ` < `
	}
	return `(` + strings.Join(names, ", ") + `)` + op + `(` + strings.Join(params, ", ") + `)`
}
