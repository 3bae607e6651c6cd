package resolvers

import (
	"context"
	"reflect"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// The where inputs become graph.Where trees, which the store checks
// (graph.CheckWhere: bounds, and the path of a bad condition) and
// translates; nothing here filters.

func actorWhere(w *model.ActorWhere) *graph.Where {
	if w == nil {
		return nil
	}
	g := &graph.Where{And: wheres(w.And, actorWhere), Or: wheres(w.Or, actorWhere), Not: actorWhere(w.Not.Value())}
	g.Conds = textConds(g.Conds, graph.WhereName, w.Name)
	g.Conds = textConds(g.Conds, graph.WhereKey, w.Key)
	if k := w.Kind.Value(); k != nil {
		g.Conds = enumConds(g.Conds, graph.WhereKind, kinds(ptrList(k.Eq)), kinds(k.In.Value()), k.In.IsSet())
	}
	if t := w.Type.Value(); t != nil {
		g.Conds = enumConds(g.Conds, graph.WhereType, ptrList(t.Eq), t.In.Value(), t.In.IsSet())
	}
	g.Conds = textConds(g.Conds, graph.WhereSector, w.Sector)
	g.Conds = textConds(g.Conds, graph.WhereRegion, w.Region)
	g.Conds = idConds(g.Conds, graph.WhereParent, graph.KindActor, w.ParentID)
	if ls := w.LinksSome.Value(); ls != nil {
		link := &graph.Where{Active: graph.Interval{From: val(ls.ActiveFrom), To: val(ls.ActiveTo)}}
		link.Conds = linkConds(link.Conds, ls.Type, ls.From, ls.To, ls.Weight)
		g.LinksSome = &graph.LinksSome{Link: link, Other: actorWhere(ls.Other.Value())}
	}
	return g
}

func programmeWhere(w *model.ProgrammeWhere) *graph.Where {
	if w == nil {
		return nil
	}
	g := &graph.Where{And: wheres(w.And, programmeWhere), Or: wheres(w.Or, programmeWhere),
		Not: programmeWhere(w.Not.Value()), Active: graph.Interval{From: val(w.ActiveFrom), To: val(w.ActiveTo)}}
	g.Conds = textConds(g.Conds, graph.WhereName, w.Name)
	g.Conds = textConds(g.Conds, graph.WhereKey, w.Key)
	g.Conds = dateConds(g.Conds, graph.WhereStart, w.Start)
	g.Conds = dateConds(g.Conds, graph.WhereEnd, w.End)
	return g
}

func linkWhere(w *model.LinkWhere) *graph.Where {
	if w == nil {
		return nil
	}
	g := &graph.Where{And: wheres(w.And, linkWhere), Or: wheres(w.Or, linkWhere), Not: linkWhere(w.Not.Value()),
		Active: graph.Interval{From: val(w.ActiveFrom), To: val(w.ActiveTo)},
		Source: actorWhere(w.Source.Value()), Target: actorWhere(w.Target.Value())}
	g.Conds = textConds(g.Conds, graph.WhereKey, w.Key)
	g.Conds = linkConds(g.Conds, w.Type, w.From, w.To, w.Weight)
	g.Conds = idConds(g.Conds, graph.WhereProgramme, graph.KindProgramme, w.ProgrammeID)
	g.Conds = idConds(g.Conds, graph.WhereBroker, graph.KindActor, w.BrokeredByID)
	return g
}

// linkConds adds the conditions on a link's own fields.
func linkConds(cs []graph.Cond, typ graphql.Omittable[*model.LinkTypeCondition], from, to graphql.Omittable[*model.DateCondition],
	weight graphql.Omittable[*model.FloatCondition]) []graph.Cond {
	if t := typ.Value(); t != nil {
		cs = enumConds(cs, graph.WhereType, ptrList(t.Eq), t.In.Value(), t.In.IsSet())
	}
	cs = dateConds(cs, graph.WhereFrom, from)
	cs = dateConds(cs, graph.WhereTo, to)
	if w := weight.Value(); w != nil {
		for _, c := range []struct {
			op graph.Op
			v  graphql.Omittable[*float64]
		}{{graph.OpEq, w.Eq}, {graph.OpLt, w.Lt}, {graph.OpLte, w.Lte}, {graph.OpGt, w.Gt}, {graph.OpGte, w.Gte}} {
			if p := c.v.Value(); p != nil {
				cs = append(cs, graph.Cond{Field: graph.WhereWeight, Op: c.op, Values: []any{*p}})
			}
		}
	}
	return cs
}

// wheres converts a list of conditions; null or absent is nil, and an
// empty list stays empty (an empty OR matches nothing).
func wheres[W any](o graphql.Omittable[[]*W], f func(*W) *graph.Where) []*graph.Where {
	if o.Value() == nil {
		return nil
	}
	return each(o.Value(), f)
}

func textConds(cs []graph.Cond, f graph.WhereField, o graphql.Omittable[*model.StringCondition]) []graph.Cond {
	c := o.Value()
	if c == nil {
		return cs
	}
	cs = one(cs, f, graph.OpEq, c.Eq)
	if c.In.IsSet() {
		cs = append(cs, graph.Cond{Field: f, Op: graph.OpIn, Values: anys(c.In.Value())})
	}
	cs = one(cs, f, graph.OpContains, c.Contains)
	return one(cs, f, graph.OpStartsWith, c.StartsWith)
}

func idConds(cs []graph.Cond, f graph.WhereField, k graph.Kind, o graphql.Omittable[*model.IDCondition]) []graph.Cond {
	c := o.Value()
	if c == nil {
		return cs
	}
	refs := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = graph.RefID(k, id)
		}
		return out
	}
	return enumConds(cs, f, refs(ptrList(c.Eq)), refs(c.In.Value()), c.In.IsSet())
}

func dateConds(cs []graph.Cond, f graph.WhereField, o graphql.Omittable[*model.DateCondition]) []graph.Cond {
	c := o.Value()
	if c == nil {
		return cs
	}
	for _, d := range []struct {
		op graph.Op
		v  graphql.Omittable[*graph.Date]
	}{{graph.OpEq, c.Eq}, {graph.OpLt, c.Lt}, {graph.OpLte, c.Lte}, {graph.OpGt, c.Gt}, {graph.OpGte, c.Gte}} {
		if p := d.v.Value(); p != nil {
			cs = append(cs, graph.Cond{Field: f, Op: d.op, Values: []any{p.String()}})
		}
	}
	return cs
}

// enumConds adds eq (if eq holds a value) and in (if given, even empty:
// the store refuses an empty in) conditions on values of a string type.
func enumConds[T ~string](cs []graph.Cond, f graph.WhereField, eq, in []T, inSet bool) []graph.Cond {
	if len(eq) > 0 {
		cs = append(cs, graph.Cond{Field: f, Op: graph.OpEq, Values: anys(eq)})
	}
	if inSet {
		cs = append(cs, graph.Cond{Field: f, Op: graph.OpIn, Values: anys(in)})
	}
	return cs
}

func one(cs []graph.Cond, f graph.WhereField, op graph.Op, o graphql.Omittable[*string]) []graph.Cond {
	if p := o.Value(); p != nil {
		cs = append(cs, graph.Cond{Field: f, Op: op, Values: []any{*p}})
	}
	return cs
}

func ptrList[T any](o graphql.Omittable[*T]) []T {
	if p := o.Value(); p != nil {
		return []T{*p}
	}
	return nil
}

func anys[T ~string](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// listArgs reads a list's paging and order arguments.
func listArgs[O any](ctx context.Context, first *int32, after *string, last *int32, before *string, orderBy []*O, key func(*O) graph.OrderKey) (graph.PageArgs, error) {
	p := pageArgs(first, after)
	// Counting every match is most of a large list's cost: only if asked.
	p.NoTotal = !slices.Contains(graphql.CollectAllFields(ctx), "totalCount")
	if last != nil {
		p.Last = int(*last)
		if p.Last == 0 {
			p.Last = -1 // as first: zero items asked for is refused
		}
	}
	if before != nil {
		p.Before = *before
	}
	keys := make([]graph.OrderKey, len(orderBy))
	for i, o := range orderBy {
		keys[i] = key(o)
	}
	var err error
	p.Order, err = graph.NewOrder(keys...)
	return p, err
}

// orderKey is the store's key of an order input's field and direction
// (the enums' values are the store's names).
func orderKey[F ~string](f F, d model.OrderDirection) graph.OrderKey {
	return graph.OrderKey{Field: graph.SortField(f), Desc: d == model.OrderDirectionDesc}
}

func actorOrder(o *model.ActorOrder) graph.OrderKey { return orderKey(o.Field, o.Direction) }
func programmeOrder(o *model.ProgrammeOrder) graph.OrderKey {
	return orderKey(o.Field, o.Direction)
}
func linkOrder(o *model.LinkOrder) graph.OrderKey { return orderKey(o.Field, o.Direction) }

// findActors reads a page of the actors, people or organisations list.
func (r *queryResolver) findActors(ctx context.Context, f graph.ActorFilter, first *int32, after *string, last *int32, before *string,
	orderBy []*model.ActorOrder, byMetric *model.MetricOrder) (*graph.Page[*graph.Actor], error) {
	p, err := listArgs(ctx, first, after, last, before, orderBy, actorOrder)
	switch {
	case err != nil:
		return nil, err
	case byMetric == nil:
		return r.Store.FindActors(ctx, f, p)
	case len(orderBy) > 0:
		return nil, graph.Errorf(graph.EINVALID, "orderByMetric", "give orderBy or orderByMetric, not both")
	}
	return r.actorsByMetric(ctx, f, p, byMetric)
}

// actorsByMetric pages the actors f selects that the metric's scope
// scores, ordered by their scores in Go (see MetricOrder in the schema).
func (r *queryResolver) actorsByMetric(ctx context.Context, f graph.ActorFilter, p graph.PageArgs, o *model.MetricOrder) (*graph.Page[*graph.Actor], error) {
	m, err := metricOf(&o.Metric)
	if err != nil {
		return nil, err
	}
	desc := !m.Ascending()
	if d := o.Direction.Value(); d != nil {
		desc = *d == model.OrderDirectionDesc
	}
	scope := scopeOf(o.Scope.Value())
	ks, err := p.ScoreKeyset("@"+string(o.Metric)+"|"+scope.Key(), desc)
	if err != nil {
		return nil, err
	}
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	selected, err := r.selected(ctx, f)
	if err != nil {
		return nil, err
	}
	res, err := r.scores(ctx, o.Scope.Value(), m, insight.BySector, nil)
	if err != nil {
		return nil, err
	}
	actors, scores := insight.Scored(res.Snapshot, res.Value)
	var items []*graph.Actor
	var vals [][]any
	for i, a := range actors {
		if (selected == nil || selected[a.ID]) && (len(f.Kinds) == 0 || slices.Contains(f.Kinds, a.Kind)) {
			items, vals = append(items, a), append(vals, []any{scores[i], a.ID})
		}
	}
	return graph.SortedPage(items, vals, ks, len(items)), nil
}

// selected returns the IDs of the actors f selects, read from the store
// page by page, or nil if f selects every actor or only some kinds (the
// people and organisations lists: the caller tells kinds apart).
func (r *queryResolver) selected(ctx context.Context, f graph.ActorFilter) (map[string]bool, error) {
	rest := f
	rest.Kinds = nil
	if reflect.ValueOf(rest).IsZero() {
		return nil, nil
	}
	ids := map[string]bool{}
	for p := (graph.PageArgs{First: graph.MaxPageSize}); ; {
		page, err := r.Store.FindActors(ctx, f, p)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			ids[a.ID] = true
		}
		if !page.PageInfo.HasNextPage {
			return ids, nil
		}
		p.After = page.PageInfo.EndCursor
	}
}
