package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// whereNetwork stores a seeded random network built for ties (repeated
// names, dates, weights and degrees), missing values (no sector, no
// dates) and names whose case folding is not ASCII's.
func whereNetwork(t *testing.T, s graph.Store) ([]*graph.Actor, []*graph.Programme, []*graph.Link) {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 12))
	names := []string{"Alpha", "alpha", "Beta Trust", "ΣΟΦΙΑΣ Academy", "İzmir Partners", "École Normale",
		"Straße Trust", "Ångström Institute", "beta trust", "Zeta"}
	b := &graph.Batch{}
	for i := range 24 {
		name := names[r.IntN(len(names))]
		if i < len(names) {
			name = names[i] // every name at least once
		}
		a := person(fmt.Sprintf("a%02d", i), name)
		if i%3 != 0 {
			a = org(a.Key, a.Name, graph.OrgTypes[r.IntN(3)], []string{"", "Schools", "Higher education"}[r.IntN(3)])
		}
		b.Actors = append(b.Actors, a)
	}
	dates := []string{"", "2019-05-01", "2020-09-01", "2020-09-02", "2021-01-15"}
	for i := range 6 {
		b.Programmes = append(b.Programmes, &graph.Programme{Key: fmt.Sprintf("p%d", i), Name: names[r.IntN(3)],
			Start: maybeDate(dates[r.IntN(2)]), End: maybeDate(dates[2+r.IntN(3)])})
	}
	id := func(i int) string { return graph.NewID(graph.KindActor, b.Actors[i].Key) }
	for i := range 60 {
		src, tgt := r.IntN(24), r.IntN(23)
		if tgt >= src {
			tgt++
		}
		l := &graph.Link{Key: fmt.Sprintf("l%02d", i), Type: []graph.LinkType{graph.LinkKnowledgeExchange, graph.LinkPartnership}[r.IntN(2)],
			SourceID: id(src), TargetID: id(tgt), Weight: float64(1 + r.IntN(3)), Interval: graph.Interval{From: maybeDate(dates[r.IntN(5)])}}
		if l.From.IsZero() || r.IntN(2) == 0 {
			l.To = maybeDate(dates[r.IntN(5)])
			if !l.From.IsZero() && !l.To.IsZero() && l.To.Before(l.From) {
				l.To = graph.Date{}
			}
		}
		b.Links = append(b.Links, l)
	}
	must(graph.Apply(ctx, s, b))
	return must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 100})).Items,
		must(s.FindProgrammes(ctx, graph.ProgrammeFilter{}, graph.PageArgs{First: 100})).Items,
		must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 100})).Items
}

func maybeDate(s string) graph.Date {
	if s == "" {
		return graph.Date{}
	}
	return graph.MustDate(s)
}

// find reads a page of T with a filter and page arguments.
type find[T any] func(p graph.PageArgs) (*graph.Page[T], error)

// pageBothWays pages through a list forwards (first/after) and backwards
// (last/before) in pages of size and checks both give want, with Relay's
// page info.
func pageBothWays[T any](t *testing.T, f find[T], order graph.Order, size int, want []string, key func(T) string) {
	t.Helper()
	var fwd []string
	after, prev := "", false
	for pages := 0; ; pages++ {
		p := must(f(graph.PageArgs{First: size, After: after, Order: order}))
		if p.PageInfo.HasPreviousPage != prev || p.TotalCount != len(want) {
			t.Fatalf("page %d forwards: hasPreviousPage %v totalCount %d, want %v and %d", pages, p.PageInfo.HasPreviousPage, p.TotalCount, prev, len(want))
		}
		// Without the total, the page is the same.
		q := must(f(graph.PageArgs{First: size, After: after, Order: order, NoTotal: true}))
		q.TotalCount = p.TotalCount
		if diff := gocmp.Diff(p, q); diff != "" {
			t.Fatalf("page %d forwards without the total (-with +without):\n%s", pages, diff)
		}
		for _, it := range p.Items {
			fwd = append(fwd, key(it))
		}
		if !p.PageInfo.HasNextPage || pages > len(want) {
			break
		}
		after, prev = p.PageInfo.EndCursor, true
	}
	if diff := gocmp.Diff(want, fwd); diff != "" {
		t.Errorf("forwards (-want +got):\n%s", diff)
	}
	var back []string
	before, next := "", false
	for pages := 0; ; pages++ {
		p := must(f(graph.PageArgs{Last: size, Before: before, Order: order}))
		if p.PageInfo.HasNextPage != next {
			t.Fatalf("page %d backwards: hasNextPage %v, want %v", pages, p.PageInfo.HasNextPage, next)
		}
		var keys []string
		for _, it := range p.Items {
			keys = append(keys, key(it))
		}
		back = append(keys, back...)
		if !p.PageInfo.HasPreviousPage || pages > len(want) {
			break
		}
		before, next = p.PageInfo.StartCursor, true
	}
	if diff := gocmp.Diff(want, back); diff != "" {
		t.Errorf("backwards (-want +got):\n%s", diff)
	}
}

// sortedBy returns the keys of items sorted by cmps in turn (each a
// comparison already turned for descending keys).
func sortedBy[T any](items []T, key func(T) string, cmps ...func(a, b T) int) []string {
	s := slices.Clone(items)
	slices.SortStableFunc(s, func(a, b T) int {
		for _, c := range cmps {
			if n := c(a, b); n != 0 {
				return n
			}
		}
		return 0
	})
	out := make([]string, len(s))
	for i, it := range s {
		out[i] = key(it)
	}
	return out
}

func by[T any, V cmp.Ordered](f func(T) V, desc bool) func(a, b T) int {
	return func(a, b T) int {
		if desc {
			return cmp.Compare(f(b), f(a))
		}
		return cmp.Compare(f(a), f(b))
	}
}

func order(keys ...graph.OrderKey) graph.Order { return must(graph.NewOrder(keys...)) }

func testOrders(t *testing.T, s graph.Store) {
	actors, programmes, links := whereNetwork(t, s)
	degree := map[string]int{}
	for _, l := range links {
		degree[l.SourceID]++
		degree[l.TargetID]++
	}
	aKey, pKey, lKey := func(a *graph.Actor) string { return a.Key }, func(p *graph.Programme) string { return p.Key }, func(l *graph.Link) string { return l.Key }
	name, aid := func(a *graph.Actor) string { return a.Name }, func(a *graph.Actor) string { return a.ID }
	deg := func(a *graph.Actor) int { return degree[a.ID] }
	findActors := func(p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
		return s.FindActors(ctx, graph.ActorFilter{}, p)
	}
	run(t, "ActorsByName", func(t *testing.T) {
		pageBothWays(t, findActors, graph.Order{}, 5, sortedBy(actors, aKey, by(name, false), by(aid, false)), aKey)
	})
	run(t, "ActorsByNameDesc", func(t *testing.T) {
		pageBothWays(t, findActors, order(graph.OrderKey{Field: graph.SortName, Desc: true}), 4,
			sortedBy(actors, aKey, by(name, true), by(aid, false)), aKey)
	})
	run(t, "ActorsByDegree", func(t *testing.T) {
		pageBothWays(t, findActors, order(graph.OrderKey{Field: graph.SortDegree, Desc: true}, graph.OrderKey{Field: graph.SortName}), 3,
			sortedBy(actors, aKey, by(deg, true), by(name, false), by(aid, false)), aKey)
	})
	run(t, "ActorsByKeyDesc", func(t *testing.T) {
		pageBothWays(t, findActors, order(graph.OrderKey{Field: graph.SortKey, Desc: true}), 7, sortedBy(actors, aKey, by(aKey, true)), aKey)
	})
	findProgrammes := func(p graph.PageArgs) (*graph.Page[*graph.Programme], error) {
		return s.FindProgrammes(ctx, graph.ProgrammeFilter{}, p)
	}
	start, end, pid := func(p *graph.Programme) string { return p.Start.String() }, func(p *graph.Programme) string { return p.End.String() },
		func(p *graph.Programme) string { return p.ID }
	run(t, "ProgrammesByStartEnd", func(t *testing.T) {
		pageBothWays(t, findProgrammes, order(graph.OrderKey{Field: graph.SortStart}, graph.OrderKey{Field: graph.SortEnd, Desc: true}), 2,
			sortedBy(programmes, pKey, by(start, false), by(end, true), by(pid, false)), pKey)
	})
	findLinks := func(p graph.PageArgs) (*graph.Page[*graph.Link], error) {
		return s.FindLinks(ctx, graph.LinkFilter{}, p)
	}
	from, to := func(l *graph.Link) string { return l.From.String() }, func(l *graph.Link) string { return l.To.String() }
	weight, typ := func(l *graph.Link) float64 { return l.Weight }, func(l *graph.Link) string { return string(l.Type) }
	run(t, "LinksByWeightFrom", func(t *testing.T) {
		pageBothWays(t, findLinks, order(graph.OrderKey{Field: graph.SortWeight, Desc: true}, graph.OrderKey{Field: graph.SortFrom}), 7,
			sortedBy(links, lKey, by(weight, true), by(from, false), by(lKey, false)), lKey)
	})
	run(t, "LinksByTypeToDesc", func(t *testing.T) {
		pageBothWays(t, findLinks, order(graph.OrderKey{Field: graph.SortType}, graph.OrderKey{Field: graph.SortTo, Desc: true}), 9,
			sortedBy(links, lKey, by(typ, false), by(to, true), by(lKey, false)), lKey)
	})
	run(t, "LinksByKey", func(t *testing.T) {
		pageBothWays(t, findLinks, graph.Order{}, 11, sortedBy(links, lKey, by(lKey, false)), lKey)
	})
}

func eq(f graph.WhereField, v any) graph.Cond {
	return graph.Cond{Field: f, Op: graph.OpEq, Values: []any{v}}
}
func op(f graph.WhereField, o graph.Op, vs ...any) graph.Cond {
	return graph.Cond{Field: f, Op: o, Values: vs}
}

func testWhere(t *testing.T, s graph.Store) {
	actors, programmes, links := whereNetwork(t, s)
	byID := map[string]*graph.Actor{}
	for _, a := range actors {
		byID[a.ID] = a
	}
	fold := func(a *graph.Actor) string { return graph.Fold(a.Name) }
	for _, tc := range []struct {
		name  string
		where *graph.Where
		match func(a *graph.Actor) bool
	}{
		{"Contains", &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpContains, "TRUST")}},
			func(a *graph.Actor) bool { return strings.Contains(fold(a), "trust") }},
		{"StartsWithSigma", &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpStartsWith, "σοφιας a")}},
			func(a *graph.Actor) bool { return a.Name == "ΣΟΦΙΑΣ Academy" }},
		{"ContainsDottedI", &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpContains, "İZMIR")}},
			func(a *graph.Actor) bool { return a.Name == "İzmir Partners" }},
		{"ContainsSharpS", &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpContains, "STRASSE")}},
			func(a *graph.Actor) bool { return false }},
		{"StartsWithRing", &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpStartsWith, "ÅNGSTRÖM")}},
			func(a *graph.Actor) bool { return a.Name == "Ångström Institute" }},
		{"OrNotIn", &graph.Where{Or: []*graph.Where{
			{Conds: []graph.Cond{op(graph.WhereName, graph.OpIn, "Alpha", "Zeta")}},
			{Not: &graph.Where{Conds: []graph.Cond{op(graph.WhereSector, graph.OpIn, "", "Schools")}}},
		}}, func(a *graph.Actor) bool {
			return a.Name == "Alpha" || a.Name == "Zeta" || !(a.Sector == "" || a.Sector == "Schools")
		}},
		{"EmptyOr", &graph.Where{Or: []*graph.Where{}}, func(*graph.Actor) bool { return false }},
		{"KindTypeEq", &graph.Where{Conds: []graph.Cond{eq(graph.WhereKind, string(graph.KindOrganisation)), eq(graph.WhereType, string(graph.OrgUniversity))}},
			func(a *graph.Actor) bool { return a.OrgType == graph.OrgUniversity }},
		{"LinksSome", &graph.Where{Conds: []graph.Cond{eq(graph.WhereKind, string(graph.KindOrganisation))}, LinksSome: &graph.LinksSome{
			Link:  &graph.Where{Conds: []graph.Cond{eq(graph.WhereType, string(graph.LinkKnowledgeExchange)), op(graph.WhereFrom, graph.OpGt, "2020-09-01")}},
			Other: &graph.Where{Conds: []graph.Cond{eq(graph.WhereType, string(graph.OrgUniversity))}},
		}}, func(a *graph.Actor) bool {
			if a.Kind != graph.KindOrganisation {
				return false
			}
			for _, l := range links {
				other := map[string]string{l.SourceID: l.TargetID, l.TargetID: l.SourceID}[a.ID]
				if other != "" && l.Type == graph.LinkKnowledgeExchange && l.From.String() > "2020-09-01" && byID[other].OrgType == graph.OrgUniversity {
					return true
				}
			}
			return false
		}},
		{"NotLinksSome", &graph.Where{Not: &graph.Where{LinksSome: &graph.LinksSome{}}},
			func(a *graph.Actor) bool {
				return !slices.ContainsFunc(links, func(l *graph.Link) bool { return l.SourceID == a.ID || l.TargetID == a.ID })
			}},
	} {
		run(t, tc.name, func(t *testing.T) {
			var want []string
			for _, a := range actors {
				if tc.match(a) {
					want = append(want, a.Key)
				}
			}
			p := must(s.FindActors(ctx, graph.ActorFilter{Where: tc.where}, graph.PageArgs{First: 100}))
			if diff := gocmp.Diff(want, keysOf(p.Items, func(a *graph.Actor) string { return a.Key })); diff != "" {
				t.Errorf("actors (-want +got):\n%s", diff)
			}
		})
	}
	run(t, "NestedLinksSome", func(t *testing.T) {
		// Nesting as deep as allowed, with most of the values allowed: the
		// query stays within the stores' limits (SQLite's parameters).
		keys := make([]any, 190)
		for i := range keys {
			keys[i] = fmt.Sprintf("a%02d", i%30)
		}
		var w *graph.Where
		for range graph.MaxWhereDepth - 1 {
			w = &graph.Where{Conds: []graph.Cond{op(graph.WhereKey, graph.OpIn, keys...)}, LinksSome: &graph.LinksSome{Other: w}}
		}
		if p := must(s.FindActors(ctx, graph.ActorFilter{Where: w}, graph.PageArgs{})); p.TotalCount == 0 {
			t.Errorf("nested linksSome matched nothing")
		}
	})
	run(t, "FoldingMatchesSomething", func(t *testing.T) {
		// The non-ASCII cases above must not pass by matching nothing.
		for _, q := range []string{"σοφιας", "i̇zmir", "straße", "ångström", "école"} {
			p := must(s.FindActors(ctx, graph.ActorFilter{Where: &graph.Where{Conds: []graph.Cond{op(graph.WhereName, graph.OpContains, strings.ToUpper(q))}}}, graph.PageArgs{}))
			if p.TotalCount == 0 && q != "straße" { // ToUpper("straße") is STRASSE nowhere: Go keeps ß
				t.Errorf("contains %q: nothing matched", strings.ToUpper(q))
			}
		}
	})
	run(t, "Links", func(t *testing.T) {
		w := &graph.Where{Conds: []graph.Cond{op(graph.WhereWeight, graph.OpGte, 2.0), op(graph.WhereTo, graph.OpLt, "2021-01-01")},
			Active: graph.Interval{From: graph.MustDate("2020-09-02")},
			Source: &graph.Where{Conds: []graph.Cond{eq(graph.WhereKind, string(graph.KindOrganisation))}}}
		var want []string
		for _, l := range links {
			if l.Weight >= 2 && !l.To.IsZero() && l.To.String() < "2021-01-01" && l.Overlaps(graph.Interval{From: graph.MustDate("2020-09-02")}) &&
				byID[l.SourceID].Kind == graph.KindOrganisation {
				want = append(want, l.Key)
			}
		}
		p := must(s.FindLinks(ctx, graph.LinkFilter{Where: w}, graph.PageArgs{First: 100}))
		if diff := gocmp.Diff(want, keysOf(p.Items, func(l *graph.Link) string { return l.Key })); diff != "" {
			t.Errorf("links (-want +got):\n%s", diff)
		}
		gs := must(s.AggregateLinks(ctx, graph.LinkFilter{Where: w}, nil))
		if n := sumCounts(gs); n != len(want) {
			t.Errorf("linksAggregate counts %d, want %d", n, len(want))
		}
	})
	run(t, "Programmes", func(t *testing.T) {
		w := &graph.Where{Not: &graph.Where{Conds: []graph.Cond{op(graph.WhereStart, graph.OpGte, "2019-05-01")}},
			Active: graph.Interval{To: graph.MustDate("2020-09-01")}}
		var want []string
		for _, p := range programmes {
			if !(p.Start.String() >= "2019-05-01") && (graph.Interval{From: p.Start, To: p.End}).Overlaps(graph.Interval{To: graph.MustDate("2020-09-01")}) {
				want = append(want, p.Key)
			}
		}
		p := must(s.FindProgrammes(ctx, graph.ProgrammeFilter{Where: w}, graph.PageArgs{First: 100}))
		if diff := gocmp.Diff(want, keysOf(p.Items, func(p *graph.Programme) string { return p.Key })); diff != "" {
			t.Errorf("programmes (-want +got):\n%s", diff)
		}
	})
}

func sumCounts(gs []graph.Group) int {
	n := 0
	for _, g := range gs {
		n += g.Count
	}
	return n
}

func keysOf[T any](items []T, key func(T) string) []string {
	var out []string
	for _, it := range items {
		out = append(out, key(it))
	}
	return out
}

func testWhereErrors(t *testing.T, s graph.Store) {
	whereNetwork(t, s)
	before := must(s.Version(ctx))
	deep := &graph.Where{}
	for w, i := deep, 0; i < graph.MaxWhereDepth; i++ {
		w.Not = &graph.Where{}
		w = w.Not
	}
	many := make([]any, graph.MaxWhereValues+1)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	page := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 2, Order: order(graph.OrderKey{Field: graph.SortDegree})}))
	for _, tc := range []struct {
		name  string
		err   func() error
		field string
	}{
		{"TooDeep", func() error {
			_, err := s.FindActors(ctx, graph.ActorFilter{Where: deep}, graph.PageArgs{})
			return err
		}, "where.NOT.NOT.NOT.NOT.NOT.NOT"},
		{"BadField", func() error {
			_, err := s.FindLinks(ctx, graph.LinkFilter{Where: &graph.Where{Or: []*graph.Where{{}, {Conds: []graph.Cond{op(graph.WhereName, graph.OpStartsWith, "a")}}}}}, graph.PageArgs{})
			return err
		}, "where.OR[1].name.startsWith"},
		{"BadOp", func() error {
			_, err := s.FindProgrammes(ctx, graph.ProgrammeFilter{Where: &graph.Where{Conds: []graph.Cond{op(graph.WhereStart, graph.OpContains, "2020")}}}, graph.PageArgs{})
			return err
		}, "where.start.contains"},
		{"BadDate", func() error {
			_, err := s.FindLinks(ctx, graph.LinkFilter{Where: &graph.Where{Conds: []graph.Cond{op(graph.WhereFrom, graph.OpLt, "soon")}}}, graph.PageArgs{})
			return err
		}, "where.from.lt"},
		{"TooManyValues", func() error {
			_, err := s.FindActors(ctx, graph.ActorFilter{Where: &graph.Where{Conds: []graph.Cond{op(graph.WhereKey, graph.OpIn, many...)}}}, graph.PageArgs{})
			return err
		}, "where.key.in"},
		{"TooManyConds", func() error {
			or := make([]*graph.Where, graph.MaxWhereConds+1)
			for i := range or {
				or[i] = &graph.Where{Conds: []graph.Cond{eq(graph.WhereKey, fmt.Sprint(i))}}
			}
			_, err := s.FindActors(ctx, graph.ActorFilter{Where: &graph.Where{Or: or}}, graph.PageArgs{})
			return err
		}, fmt.Sprintf("where.OR[%d].key.eq", graph.MaxWhereConds)},
		{"LinksSomeOnLinks", func() error {
			_, err := s.AggregateLinks(ctx, graph.LinkFilter{Where: &graph.Where{LinksSome: &graph.LinksSome{}}}, nil)
			return err
		}, "where.linksSome"},
		{"CursorOfAnotherOrder", func() error {
			_, err := s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{After: page.PageInfo.EndCursor})
			return err
		}, "after"},
		{"CursorOfAnotherDirection", func() error {
			_, err := s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{Before: page.PageInfo.EndCursor,
				Order: order(graph.OrderKey{Field: graph.SortDegree, Desc: true})})
			return err
		}, "before"},
		{"FirstAndLast", func() error {
			_, err := s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 1, Last: 1})
			return err
		}, "last"},
		{"OrderNotOfList", func() error {
			_, err := s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{Order: order(graph.OrderKey{Field: graph.SortDegree})})
			return err
		}, "orderBy"},
	} {
		run(t, tc.name, func(t *testing.T) { wantCode(t, tc.err(), graph.EINVALID, tc.field) })
	}
	if v := must(s.Version(ctx)); v != before {
		t.Errorf("version moved from %d to %d on bad input", before, v)
	}
}
