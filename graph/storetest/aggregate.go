package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/partnergraph/partnergraph/graph"
)

// aggregateNetwork stores a seeded random network whose properties repeat
// and are often missing (no sector, no from date, no programme), so groups
// have many members and the "no value" group is exercised.
func aggregateNetwork(t *testing.T, s graph.Store) ([]*graph.Actor, []*graph.Link) {
	t.Helper()
	r := rand.New(rand.NewPCG(16, 2))
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	b := &graph.Batch{Programmes: []*graph.Programme{{Key: "p1", Name: "P1"}, {Key: "p2", Name: "P2"}}}
	for i := range 30 {
		a := person(fmt.Sprintf("a%02d", i), fmt.Sprintf("Actor %02d", i))
		if i%3 != 0 {
			a = org(a.Key, a.Name, graph.OrgTypes[r.IntN(3)], pick("", "Schools", "Higher education"))
			a.Region = pick("", "North", "South")
		}
		b.Actors = append(b.Actors, a)
	}
	id := func(i int) string { return graph.NewID(graph.KindActor, b.Actors[i].Key) }
	for i := range 120 {
		src, tgt := r.IntN(30), r.IntN(29)
		if tgt >= src {
			tgt++
		}
		l := &graph.Link{Key: fmt.Sprintf("l%03d", i), Type: graph.LinkTypes[r.IntN(3)], SourceID: id(src), TargetID: id(tgt),
			Weight: float64(1+r.IntN(8)) / 4} // quarters: sums are exact in any order
		if r.IntN(4) > 0 {
			l.From = graph.MustDate(fmt.Sprintf("20%02d-%02d-%02d", 18+r.IntN(4), 1+r.IntN(12), 1+r.IntN(28)))
			if r.IntN(2) == 0 {
				l.To = l.From.AddDays(30 * r.IntN(20))
			}
		}
		if r.IntN(3) == 0 {
			l.ProgrammeID = graph.NewID(graph.KindProgramme, pick("p1", "p2"))
		}
		if b := r.IntN(30); b != src && b != tgt && r.IntN(5) == 0 {
			l.BrokeredByID = id(b)
		}
		b.Links = append(b.Links, l)
	}
	must(graph.Apply(ctx, s, b))
	actors := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{First: 100})).Items
	links := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{First: 200})).Items
	if len(actors) != 30 || len(links) != 120 {
		t.Fatalf("stored %d actors and %d links, want 30 and 120", len(actors), len(links))
	}
	return actors, links
}

// wantGroups is the brute-force answer: every item's key by key, counted.
func wantGroups[T any](items []T, key func(T) []string, link func(T) *graph.Link) []graph.Group {
	var gs []graph.Group
	for _, it := range items {
		k := key(it)
		i := slices.IndexFunc(gs, func(g graph.Group) bool { return slices.Equal(g.Key, k) })
		if i < 0 {
			gs, i = append(gs, graph.Group{Key: k}), len(gs)
		}
		g := &gs[i]
		g.Count++
		l := link(it)
		if l == nil {
			continue
		}
		if g.Count == 1 || l.Weight < g.WeightMin {
			g.WeightMin = l.Weight
		}
		g.WeightMax, g.WeightSum = max(g.WeightMax, l.Weight), g.WeightSum+l.Weight
		if !l.From.IsZero() && (g.First.IsZero() || l.From.Before(g.First)) {
			g.First = l.From
		}
		last := l.To
		if last.IsZero() {
			last = l.From
		}
		if !last.IsZero() && (g.Last.IsZero() || g.Last.Before(last)) {
			g.Last = last
		}
	}
	return must(graph.SortGroups(gs))
}

// linkKey gives a link's value of each field as the stores must.
func linkKey(sector map[string]string, by []graph.LinkField) func(*graph.Link) []string {
	return func(l *graph.Link) []string {
		k := make([]string, len(by))
		from := l.From.String()
		for i, f := range by {
			switch f {
			case graph.LinkTypeField:
				k[i] = string(l.Type)
			case graph.LinkProgramme:
				k[i] = l.ProgrammeID
			case graph.LinkBroker:
				k[i] = l.BrokeredByID
			case graph.LinkYear:
				k[i] = from[:min(4, len(from))]
			case graph.LinkMonth:
				k[i] = from[:min(7, len(from))]
			case graph.LinkQuarter:
				if from != "" {
					k[i] = fmt.Sprintf("%s-Q%d", from[:4], (int(l.From.Time().Month())+2)/3)
				}
			case graph.LinkSourceSector:
				k[i] = sector[l.SourceID]
			case graph.LinkTargetSector:
				k[i] = sector[l.TargetID]
			}
		}
		return k
	}
}

// testAggregates: each store's groups equal a brute-force count of what
// FindActors and FindLinks return, for filters and groupings of each field.
func testAggregates(t *testing.T, s graph.Store) {
	actors, _ := aggregateNetwork(t, s)
	sector := map[string]string{}
	for _, a := range actors {
		sector[a.ID] = a.Sector
	}
	approx := cmpopts.EquateApprox(0, 1e-9)
	actorCases := []struct {
		f  graph.ActorFilter
		by []graph.ActorField
	}{
		{graph.ActorFilter{}, nil},
		{graph.ActorFilter{}, []graph.ActorField{graph.ActorKind, graph.ActorType}},
		{graph.ActorFilter{Kinds: []graph.Kind{graph.KindOrganisation}}, []graph.ActorField{graph.ActorSector, graph.ActorRegion}},
		{graph.ActorFilter{Region: "North"}, []graph.ActorField{graph.ActorParent, graph.ActorType}},
	}
	for i, tc := range actorCases {
		t.Run(fmt.Sprintf("Actors%d", i), func(t *testing.T) {
			all := must(s.FindActors(ctx, tc.f, graph.PageArgs{First: 100})).Items
			want := wantGroups(all, func(a *graph.Actor) []string {
				k := make([]string, len(tc.by))
				for j, f := range tc.by {
					k[j] = map[graph.ActorField]string{graph.ActorKind: string(a.Kind), graph.ActorType: string(a.OrgType),
						graph.ActorSector: a.Sector, graph.ActorRegion: a.Region, graph.ActorParent: a.ParentID}[f]
				}
				return k
			}, func(*graph.Actor) *graph.Link { return nil })
			got := must(s.AggregateActors(ctx, tc.f, tc.by))
			if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("AggregateActors(%+v, %v) (-got +want):\n%s", tc.f, tc.by, diff)
			}
		})
	}
	linkCases := []struct {
		f  graph.LinkFilter
		by []graph.LinkField
	}{
		{graph.LinkFilter{}, nil},
		{graph.LinkFilter{}, []graph.LinkField{graph.LinkTypeField, graph.LinkYear}},
		{graph.LinkFilter{}, []graph.LinkField{graph.LinkQuarter, graph.LinkProgramme}},
		{graph.LinkFilter{}, []graph.LinkField{graph.LinkMonth, graph.LinkBroker}},
		{graph.LinkFilter{Types: []graph.LinkType{graph.LinkTypes[0], graph.LinkTypes[1]}}, []graph.LinkField{graph.LinkSourceSector, graph.LinkTargetSector}},
		{graph.LinkFilter{Active: graph.Interval{From: graph.MustDate("2019-06-01"), To: graph.MustDate("2020-06-30")}}, []graph.LinkField{graph.LinkTargetSector, graph.LinkYear}},
	}
	for i, tc := range linkCases {
		t.Run(fmt.Sprintf("Links%d", i), func(t *testing.T) {
			all := must(s.FindLinks(ctx, tc.f, graph.PageArgs{First: 200})).Items
			want := wantGroups(all, linkKey(sector, tc.by), func(l *graph.Link) *graph.Link { return l })
			got := must(s.AggregateLinks(ctx, tc.f, tc.by))
			if diff := cmp.Diff(got, want, cmpopts.EquateEmpty(), approx); diff != "" {
				t.Errorf("AggregateLinks(%+v, %v) (-got +want):\n%s", tc.f, tc.by, diff)
			}
		})
	}
	t.Run("ErrGroupBy", func(t *testing.T) {
		_, err := s.AggregateLinks(ctx, graph.LinkFilter{}, []graph.LinkField{"NAME"})
		wantCode(t, err, graph.EINVALID, "groupBy")
		_, err = s.AggregateActors(ctx, graph.ActorFilter{}, []graph.ActorField{graph.ActorKind, graph.ActorKind})
		wantCode(t, err, graph.EINVALID, "groupBy")
		_, err = s.AggregateLinks(ctx, graph.LinkFilter{}, []graph.LinkField{"TYPE", "YEAR", "MONTH", "QUARTER", "BROKER"})
		wantCode(t, err, graph.EINVALID, "groupBy")
	})
}

// DirectCount counts, with the backend's own query language, the links
// of a type whose from date is in year ("" for none) and whose source's
// sector is sector ("" for none), and sums their weights.
type DirectCount func(typ graph.LinkType, year, sector string) (n int, weight float64, err error)

// AggregatesMatchDirect checks that every group of AggregateLinks by
// TYPE, YEAR and SOURCE_SECTOR has the count and weight a direct query
// gives, and that the groups hold every link.
func AggregatesMatchDirect(t *testing.T, s graph.Store, direct DirectCount) {
	aggregateNetwork(t, s)
	gs := must(s.AggregateLinks(ctx, graph.LinkFilter{}, []graph.LinkField{graph.LinkTypeField, graph.LinkYear, graph.LinkSourceSector}))
	total := 0
	for _, g := range gs {
		n, w, err := direct(graph.LinkType(g.Key[0]), g.Key[1], g.Key[2])
		noErr(t, err)
		if g.Count != n || !cmp.Equal(g.WeightSum, w, cmpopts.EquateApprox(0, 1e-9)) {
			t.Errorf("group %q: count %d weight %v, direct query %d and %v", g.Key, g.Count, g.WeightSum, n, w)
		}
		total += g.Count
	}
	if total != 120 || len(gs) < 10 {
		t.Errorf("%d groups hold %d links, want 120 links in at least 10", len(gs), total)
	}
}
