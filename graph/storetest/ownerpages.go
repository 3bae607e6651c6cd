package storetest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// testLinkPages: LinkPages gives, for every owner in one call, the page
// FindLinks would give for it — same links, order, counts and cursors —
// and paging on with its cursors reads each owner's links exactly once.
func testLinkPages(t *testing.T, s graph.Store) {
	id := func(key string) string { return graph.NewID(graph.KindActor, key) }
	prog := graph.NewID(graph.KindProgramme, "prog")
	link := func(key, src, tgt string, typ graph.LinkType, programme, broker string) *graph.Link {
		return &graph.Link{Key: key, Type: typ, SourceID: id(src), TargetID: id(tgt), ProgrammeID: programme, BrokeredByID: broker}
	}
	must(graph.Apply(ctx, s, &graph.Batch{
		Actors:     []*graph.Actor{person("a", "A"), person("b", "B"), person("c", "C"), person("d", "D"), person("x", "X")},
		Programmes: []*graph.Programme{{Key: "prog", Name: "Prog"}},
		Links: []*graph.Link{ // keys out of insertion order, so order must come from the key
			link("l5", "c", "d", graph.LinkCollaboration, prog, id("x")),
			link("l1", "a", "b", graph.LinkCollaboration, prog, id("x")),
			link("l3", "d", "a", graph.LinkPartnership, prog, ""),
			link("l2", "a", "c", graph.LinkCollaboration, "", id("x")),
			link("l4", "b", "c", graph.LinkCollaboration, "", ""),
		},
	}))
	// all is every link of an owner (subject to f), as the other reads give
	// them, ordered by key.
	all := func(owner graph.LinkOwner, ownerID string, f graph.LinkFilter) []*graph.Link {
		switch owner {
		case graph.OwnerBroker:
			f.BrokeredByID = ownerID
		case graph.OwnerProgramme:
			f.ProgrammeID = ownerID
		default:
			return must(s.LinksOfActors(ctx, []string{ownerID}, f))[0]
		}
		return must(s.FindLinks(ctx, f, graph.PageArgs{First: graph.MaxPageSize})).Items
	}
	collab := graph.LinkFilter{Types: []graph.LinkType{graph.LinkCollaboration}}
	for _, tc := range []struct {
		name   string
		owner  graph.LinkOwner
		ids    []string
		filter graph.LinkFilter
	}{
		{"Actor", graph.OwnerActor, []string{id("a"), id("c"), "nobody", id("a"), id("x")}, graph.LinkFilter{}},
		{"ActorFiltered", graph.OwnerActor, []string{id("a"), id("d")}, collab},
		{"Broker", graph.OwnerBroker, []string{id("x"), id("a"), id("x")}, graph.LinkFilter{}},
		{"Programme", graph.OwnerProgramme, []string{prog, "nobody"}, graph.LinkFilter{}},
		{"ProgrammeFiltered", graph.OwnerProgramme, []string{prog}, collab},
	} {
		run(t, tc.name, func(t *testing.T) {
			for _, first := range []int{1, 2, 50} {
				got := must(s.LinkPages(ctx, tc.owner, tc.ids, tc.filter, graph.PageArgs{First: first}))
				if len(got) != len(tc.ids) {
					t.Fatalf("first %d: %d pages for %d ids", first, len(got), len(tc.ids))
				}
				for i, oid := range tc.ids {
					want := all(tc.owner, oid, tc.filter)
					var seen []*graph.Link
					// Page on through the owner's links with its cursors.
					page, p := got[i], graph.PageArgs{First: first}
					for {
						if page.TotalCount != len(want) || len(page.Items) > first || page.PageInfo.HasNextPage != (len(seen)+len(page.Items) < len(want)) {
							t.Fatalf("first %d, %s after %q: %d links of %d (next %v), want %d in all",
								first, oid, p.After, len(page.Items), page.TotalCount, page.PageInfo.HasNextPage, len(want))
						}
						if tc.owner != graph.OwnerActor { // the same page as FindLinks, cursors included
							f := tc.filter
							f.BrokeredByID, f.ProgrammeID = map[bool]string{true: oid}[tc.owner == graph.OwnerBroker], map[bool]string{true: oid}[tc.owner == graph.OwnerProgramme]
							if diff := cmp.Diff(must(s.FindLinks(ctx, f, p)), page); diff != "" {
								t.Fatalf("first %d, %s after %q (-FindLinks +LinkPages):\n%s", first, oid, p.After, diff)
							}
						}
						seen = append(seen, page.Items...)
						if !page.PageInfo.HasNextPage {
							break
						}
						p.After = page.PageInfo.EndCursor
						page = must(s.LinkPages(ctx, tc.owner, []string{oid}, tc.filter, p))[0]
					}
					if diff := cmp.Diff(want, seen); diff != "" {
						t.Errorf("first %d, %s: links paged (-want +got):\n%s", first, oid, diff)
					}
				}
			}
		})
	}
	run(t, "Errors", func(t *testing.T) {
		for name, call := range map[string]func() error{
			"ErrOwner": func() error {
				_, err := s.LinkPages(ctx, "friend", []string{id("a")}, graph.LinkFilter{}, graph.PageArgs{})
				return err
			},
			"ErrCursor": func() error {
				_, err := s.LinkPages(ctx, graph.OwnerActor, []string{id("a")}, graph.LinkFilter{}, graph.PageArgs{After: "!"})
				return err
			},
			"ErrSize": func() error {
				_, err := s.LinkPages(ctx, graph.OwnerActor, []string{id("a")}, graph.LinkFilter{}, graph.PageArgs{First: graph.MaxPageSize + 1})
				return err
			},
		} {
			if err := call(); graph.ErrorCode(err) != graph.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID", name, err)
			}
		}
		if got := must(s.LinkPages(ctx, graph.OwnerActor, nil, graph.LinkFilter{}, graph.PageArgs{})); len(got) != 0 {
			t.Errorf("no ids: %d pages, want none", len(got))
		}
	})
}

// testUnitPages: UnitPages gives, for every parent in one call, the page
// FindActors gives for that parent, cursors included, and pages on.
func testUnitPages(t *testing.T, s graph.Store) {
	uni := org("uni", "Uni", graph.OrgUniversity, "Higher education")
	units := []*graph.Actor{uni, org("school", "School", graph.OrgSchool, "Schools")}
	for i, name := range []string{"Zeta centre", "Alpha centre", "Same name", "Same name"} {
		u := org(fmt.Sprintf("u%d", i), name, graph.OrgResearchCentre, "Research")
		u.ParentID = graph.NewID(graph.KindOrganisation, "uni")
		units = append(units, u)
	}
	must(graph.Apply(ctx, s, &graph.Batch{Actors: units}))
	uniID, schoolID := graph.NewID(graph.KindOrganisation, "uni"), graph.NewID(graph.KindOrganisation, "school")
	ids := []string{uniID, schoolID, "nobody", uniID}
	for _, first := range []int{1, 2, 50} {
		got := must(s.UnitPages(ctx, ids, graph.PageArgs{First: first}))
		if len(got) != len(ids) {
			t.Fatalf("first %d: %d pages for %d ids", first, len(got), len(ids))
		}
		for i, id := range ids {
			page, p, n := got[i], graph.PageArgs{First: first}, 0
			for {
				want := must(s.FindActors(ctx, graph.ActorFilter{ParentID: id}, p))
				if diff := cmp.Diff(want, page); diff != "" {
					t.Fatalf("first %d, %s after %q (-FindActors +UnitPages):\n%s", first, id, p.After, diff)
				}
				n += len(page.Items)
				if !page.PageInfo.HasNextPage {
					break
				}
				p.After = page.PageInfo.EndCursor
				page = must(s.UnitPages(ctx, []string{id}, p))[0]
			}
			if want := map[string]int{uniID: 4}[id]; n != want {
				t.Errorf("first %d, %s: %d units paged, want %d", first, id, n, want)
			}
		}
	}
	if _, err := s.UnitPages(ctx, ids, graph.PageArgs{After: "!"}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("bad cursor: err = %v, want EINVALID", err)
	}
}
