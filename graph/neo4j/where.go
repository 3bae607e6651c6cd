package neo4j

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// where builds a WHERE clause from constant condition texts whose values are
// all parameters.
type where struct {
	conds  []string
	params map[string]any
}

func newWhere() *where { return &where{params: map[string]any{}} }

// add adds cond, which refers to the parameter $name, bound to v.
func (w *where) add(cond, name string, v any) {
	w.conds = append(w.conds, cond)
	if name != "" {
		w.params[name] = v
	}
}

// eq adds cond with v unless v is "".
func (w *where) eq(cond, name, v string) {
	if v != "" {
		w.add(cond, name, v)
	}
}

// in adds cond with vs unless vs is empty.
func in[T ~string](w *where, cond, name string, vs []T) {
	if len(vs) > 0 {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = string(v)
		}
		w.add(cond, name, s)
	}
}

// String returns the WHERE clause of w's conditions and extra ones, or "".
func (w *where) String(extra ...string) string {
	conds := append(w.conds[:len(w.conds):len(w.conds)], extra...)
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// with returns a copy of w's parameters with more added.
func (w *where) with(kv ...any) map[string]any {
	p := make(map[string]any, len(w.params)+len(kv)/2)
	for k, v := range w.params {
		p[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// unique returns ids without repeats, in first-seen order.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// whereCypher is the Cypher of each Where field, with %[1]s for the
// variable bound to the node or relationship: constant text, never input.
// Absent properties read as ” (coalesce), so that a condition is true or
// false, never null, and NOT answers as SQL's does.
var whereCypher = map[graph.Entity]map[graph.WhereField]string{
	graph.EntityActor: {
		graph.WhereName: `%[1]s.name`, graph.WhereKey: `%[1]s.key`, graph.WhereKind: `%[1]s.kind`,
		graph.WhereType: `coalesce(%[1]s.orgType, '')`, graph.WhereSector: `coalesce(%[1]s.sector, '')`,
		graph.WhereRegion: `coalesce(%[1]s.region, '')`, graph.WhereParent: `coalesce(%[1]s.parentId, '')`,
	},
	graph.EntityProgramme: {
		graph.WhereName: `%[1]s.name`, graph.WhereKey: `%[1]s.key`,
		graph.WhereStart: `coalesce(%[1]s.startDate, '')`, graph.WhereEnd: `coalesce(%[1]s.endDate, '')`,
	},
	graph.EntityLink: {
		graph.WhereKey: `%[1]s.key`, graph.WhereType: `%[1]s.type`, graph.WhereFrom: `coalesce(%[1]s.validFrom, '')`,
		graph.WhereTo: `coalesce(%[1]s.validTo, '')`, graph.WhereWeight: `%[1]s.weight`,
		graph.WhereProgramme: `coalesce(%[1]s.programmeId, '')`, graph.WhereBroker: `coalesce(%[1]s.brokeredById, '')`,
	},
}

// The date properties an Active window compares.
var activeCypher = map[graph.Entity][2]string{
	graph.EntityProgramme: {`coalesce(%[1]s.startDate, '')`, `coalesce(%[1]s.endDate, '')`},
	graph.EntityLink:      {`coalesce(%[1]s.validFrom, '')`, `coalesce(%[1]s.validTo, '')`},
}

// addWhere adds the condition gw puts on the entities of e bound to v.
func (w *where) addWhere(e graph.Entity, gw *graph.Where, v string) {
	if gw != nil {
		b := &whereBuilder{params: w.params}
		w.conds = append(w.conds, b.where(e, gw, v))
	}
}

// whereBuilder translates a checked graph.Where into Cypher whose values
// are all parameters ($w0, $w1…).
type whereBuilder struct {
	params map[string]any
	vars   int // numbers the variables of nested patterns
}

func (b *whereBuilder) param(v any) string {
	name := fmt.Sprintf("w%d", len(b.params))
	for b.params[name] != nil {
		name += "_"
	}
	b.params[name] = v
	return "$" + name
}

func (b *whereBuilder) where(e graph.Entity, w *graph.Where, v string) string {
	if w == nil {
		return "true"
	}
	var parts []string
	for _, sub := range w.And {
		parts = append(parts, b.where(e, sub, v))
	}
	if w.Or != nil {
		alts := []string{"false"} // no alternative: nothing matches
		for _, sub := range w.Or {
			alts = append(alts, b.where(e, sub, v))
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	if w.Not != nil {
		parts = append(parts, "NOT "+b.where(e, w.Not, v))
	}
	for _, c := range w.Conds {
		parts = append(parts, b.cond(fmt.Sprintf(whereCypher[e][c.Field], v), c))
	}
	if cols, ok := activeCypher[e]; ok {
		from, to := fmt.Sprintf(cols[0], v), fmt.Sprintf(cols[1], v)
		if !w.Active.From.IsZero() {
			parts = append(parts, `(`+to+` = '' OR `+to+` >= `+b.param(w.Active.From.String())+`)`)
		}
		if !w.Active.To.IsZero() {
			parts = append(parts, `(`+from+` = '' OR `+from+` <= `+b.param(w.Active.To.String())+`)`)
		}
	}
	if ls := w.LinksSome; ls != nil {
		b.vars++
		l, o := fmt.Sprintf("l%d", b.vars), fmt.Sprintf("a%d", b.vars)
		parts = append(parts, `EXISTS { MATCH (`+v+`)-[`+l+`:LINK]-(`+o+`:Actor) WHERE `+
			b.where(graph.EntityLink, ls.Link, l)+` AND `+b.where(graph.EntityActor, ls.Other, o)+` }`)
	}
	// A link's ends through the link itself, so the caller need not have
	// bound them.
	if w.Source != nil {
		b.vars++
		a := fmt.Sprintf("a%d", b.vars)
		parts = append(parts, `EXISTS { MATCH (`+a+`:Actor)-[`+v+`]->() WHERE `+b.where(graph.EntityActor, w.Source, a)+` }`)
	}
	if w.Target != nil {
		b.vars++
		a := fmt.Sprintf("a%d", b.vars)
		parts = append(parts, `EXISTS { MATCH ()-[`+v+`]->(`+a+`:Actor) WHERE `+b.where(graph.EntityActor, w.Target, a)+` }`)
	}
	if len(parts) == 0 {
		return "true"
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

func (b *whereBuilder) cond(expr string, c graph.Cond) string {
	switch c.Op {
	case graph.OpIn:
		return expr + ` IN ` + b.param(c.Values)
	case graph.OpContains:
		return `toLower(` + expr + `) CONTAINS ` + b.param(c.Arg())
	case graph.OpStartsWith:
		return `toLower(` + expr + `) STARTS WITH ` + b.param(c.Arg())
	}
	op := map[graph.Op]string{graph.OpEq: "=", graph.OpLt: "<", graph.OpLte: "<=", graph.OpGt: ">", graph.OpGte: ">="}[c.Op]
	p := b.param(c.Arg())
	if c.Field.IsDate() && c.Op != graph.OpEq {
		return `(` + expr + ` <> '' AND ` + expr + ` ` + op + ` ` + p + `)` // a missing date is neither before nor after
	}
	return expr + ` ` + op + ` ` + p
}

// sortCypher is the Cypher of each sort key, with %[1]s for the variable
// of the entity sorted. Missing dates sort as ”, first, as in SQLite.
var sortCypher = map[graph.SortField]string{
	graph.SortName: `%[1]s.name`, graph.SortKey: `%[1]s.key`, graph.SortID: `%[1]s.id`,
	graph.SortDegree: `COUNT { (%[1]s)-[:LINK]-() }`,
	graph.SortStart:  `coalesce(%[1]s.startDate, '')`, graph.SortEnd: `coalesce(%[1]s.endDate, '')`,
	graph.SortType: `%[1]s.type`, graph.SortFrom: `coalesce(%[1]s.validFrom, '')`, graph.SortTo: `coalesce(%[1]s.validTo, '')`,
	graph.SortWeight: `%[1]s.weight`,
}

// pageQuery returns the query of the page ks asks for of the rows match
// and w select, v being the sorted variable and keep the variables
// ret needs; it returns ret and the list of sort values. It adds its
// parameters to params.
func pageQuery(ks *graph.Keyset, match string, w *where, v, keep, ret string, params map[string]any) string {
	n := len(ks.Keys)
	exprs, sel, names, order := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, k := range ks.Keys {
		exprs[i], names[i] = fmt.Sprintf(sortCypher[k.Field], v), fmt.Sprintf("s%d", i)
		sel[i] = exprs[i] + ` AS ` + names[i]
		order[i] = names[i]
		if ks.Reversed(i) {
			order[i] += ` DESC`
		}
	}
	// The seek past the cursor is on the properties themselves, beside the
	// other conditions, where the planner can use an index for it.
	var seek []string
	if f := ks.Keys[0].Field; ks.Cursor == nil && (f == graph.SortKey || f == graph.SortID) {
		// Always true, but it lets the planner read the first page in the
		// order of the key's (or ID's) index and stop after it, where it
		// would otherwise read and sort every match (a million links).
		seek = append(seek, exprs[0]+` IS NOT NULL`)
	}
	if ks.Cursor != nil {
		ps := make([]string, n)
		for i := range ps {
			name := fmt.Sprintf("cursor%d", i)
			ps[i], params[name] = "$"+name, ks.Cursor[i]
		}
		seek = append(seek, ks.After(exprs, ps))
	}
	params["limit"] = ks.Size + 1
	return match + w.String(seek...) + ` WITH ` + keep + `, ` + strings.Join(sel, ", ") +
		` ORDER BY ` + strings.Join(order, ", ") + ` LIMIT $limit RETURN ` + ret + `, [` + strings.Join(names, ", ") + `]`
}

// collectPage runs a pageQuery and decodes its rows and sort values.
func collectPage[T any](ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any,
	decode func(map[string]any) T) ([]T, [][]any, error) {
	var items []T
	var vals [][]any
	err := each(ctx, tx, q, params, func(r *neo4j.Record) error {
		m, ok := r.Values[0].(map[string]any)
		vs, ok2 := r.Values[1].([]any)
		if !ok || !ok2 {
			return fmt.Errorf("neo4j: unexpected %T, %T in page", r.Values[0], r.Values[1])
		}
		items, vals = append(items, decode(m)), append(vals, vs)
		return nil
	})
	return items, vals, err
}
