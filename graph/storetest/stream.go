package storetest

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

func testAttrs(t *testing.T, s graph.Store) {
	a := person("ada", "Ada")
	a.Attrs = map[string]string{"age": "33.0", "dept": "4", "note": "ünïcødé, \"quoted\""}
	a = must(s.CreateActor(ctx, a))
	b := must(s.CreateActor(ctx, &graph.Actor{Key: "bea", Kind: graph.KindPerson, Name: "Bea", Attrs: map[string]string{}}))
	if b.Attrs != nil {
		t.Errorf("empty attrs = %#v, want nil", b.Attrs)
	}
	l := must(s.CreateLink(ctx, &graph.Link{Type: graph.LinkCollaboration, SourceID: a.ID, TargetID: b.ID,
		Attrs: map[string]string{"since": "1998"}}))
	if diff := cmp.Diff([]*graph.Actor{a, b}, must(s.ActorsByID(ctx, []string{a.ID, b.ID}))); diff != "" {
		t.Errorf("actors with attrs read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(l, must(s.LinksByID(ctx, []string{l.ID}))[0]); diff != "" {
		t.Errorf("link with attrs read back (-want +got):\n%s", diff)
	}
	attrs := map[string]string{"age": "34.0"}
	u := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: a.ID, Attrs: &attrs}))
	if got := must(s.ActorsByID(ctx, []string{a.ID}))[0]; !cmp.Equal(got.Attrs, attrs) || !cmp.Equal(u, got) {
		t.Errorf("attrs after update = %v, want %v", got.Attrs, attrs)
	}
	none := map[string]string{}
	must(s.UpdateLink(ctx, graph.LinkUpdate{ID: l.ID, Attrs: &none}))
	if got := must(s.LinksByID(ctx, []string{l.ID}))[0]; got.Attrs != nil {
		t.Errorf("link attrs after clearing = %v, want none", got.Attrs)
	}
	for _, tc := range []struct {
		name  string
		attrs map[string]string
	}{
		{"ErrFieldName", map[string]string{"Name": "x"}},
		{"ErrEmptyName", map[string]string{" ": "x"}},
		{"ErrControl", map[string]string{"a\nb": "x"}},
	} {
		run(t, tc.name, func(t *testing.T) {
			_, err := s.CreateActor(ctx, &graph.Actor{Key: "x", Kind: graph.KindPerson, Name: "X", Attrs: tc.attrs})
			wantCode(t, err, graph.EINVALID, "attrs")
		})
	}
}

// items makes a stream of its, for ApplyStream.
func items(its ...graph.Item) iter.Seq2[graph.Item, error] {
	return func(yield func(graph.Item, error) bool) {
		for _, it := range its {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// streamBatch is demoBatch as a stream in which the research centre comes
// before its parent, and links carry attributes.
func streamBatch() []graph.Item {
	b := demoBatch()
	var out []graph.Item
	for _, a := range b.Actors {
		out = append(out, graph.Item{Actor: a})
	}
	for _, p := range b.Programmes {
		out = append(out, graph.Item{Programme: p})
	}
	for _, p := range b.Participations {
		out = append(out, graph.Item{Participation: p})
	}
	for _, l := range b.Links {
		l.Attrs = map[string]string{"source_file": "demo"}
		out = append(out, graph.Item{Link: l})
	}
	return out
}

func testApplyStream(t *testing.T, s graph.Store) {
	v0 := must(s.Version(ctx))
	if diff := cmp.Diff(&graph.ApplyResult{Created: 8}, must(s.ApplyStream(ctx, items(streamBatch()...), true))); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 0 || must(s.Version(ctx)) != v0 {
		t.Errorf("dry run wrote %d actors or moved the version", p.TotalCount)
	}
	if diff := cmp.Diff(&graph.ApplyResult{Created: 8}, must(s.ApplyStream(ctx, items(streamBatch()...), false))); diff != "" {
		t.Errorf("first stream (-want +got):\n%s", diff)
	}
	v1 := must(s.Version(ctx))
	if v1 <= v0 {
		t.Errorf("version after a stream that changed things = %d, want > %d", v1, v0)
	}
	if diff := cmp.Diff(&graph.ApplyResult{Unchanged: 8}, must(s.ApplyStream(ctx, items(streamBatch()...), false))); diff != "" {
		t.Errorf("same stream again (-want +got):\n%s", diff)
	}
	if v := must(s.Version(ctx)); v != v1 {
		t.Errorf("a stream that changed nothing moved the version from %d to %d", v1, v)
	}
	roc := must(s.ActorsByID(ctx, []string{graph.NewID(graph.KindOrganisation, "roc")}))[0]
	if roc == nil || roc.ParentID != graph.NewID(graph.KindOrganisation, "glasgow") {
		t.Errorf("child streamed before its parent = %+v", roc)
	}
	// An edge list names actors only: IfMissing leaves what the store knows.
	bare := graph.Item{Actor: &graph.Actor{Key: "kevin", Kind: graph.KindPerson, Name: "kevin"}, IfMissing: true}
	fresh := graph.Item{Actor: &graph.Actor{Key: "new", Kind: graph.KindPerson, Name: "new"}, IfMissing: true}
	link := &graph.Link{Type: graph.LinkCollaboration, SourceID: graph.NewID(graph.KindPerson, "new"),
		TargetID: graph.NewID(graph.KindPerson, "kevin"), Weight: 2}
	twice := *link
	twice.Weight = 3
	res := must(s.ApplyStream(ctx, items(bare, fresh, graph.Item{Link: link}, graph.Item{Link: &twice}), false))
	if diff := cmp.Diff(&graph.ApplyResult{Created: 2, Updated: 1, Unchanged: 1}, res); diff != "" {
		t.Errorf("stream with IfMissing actors and a repeated link (-want +got):\n%s", diff)
	}
	kevin := must(s.ActorsByID(ctx, []string{graph.NewID(graph.KindPerson, "kevin")}))[0]
	if kevin.Name != "Kevin Lowden" || kevin.Title != "Dr" {
		t.Errorf("an IfMissing item changed an existing actor: %+v", kevin)
	}
	noErr(t, twice.Validate())
	l := must(s.LinksByID(ctx, []string{twice.ID}))
	if l[0] == nil || l[0].Weight != 3 {
		t.Errorf("repeated link in a stream: the last should win, got %+v", l[0])
	}
}

func testApplyStreamAllOrNothing(t *testing.T, s graph.Store) {
	f := seed(t, s)
	v := must(s.Version(ctx))
	stop := errors.New("the file broke")
	for _, tc := range []struct {
		name  string
		mod   func([]graph.Item) iter.Seq2[graph.Item, error]
		index int
		code  string
		field string
	}{
		{"ErrLinkTarget", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			its[7].Link.TargetID = graph.NewID(graph.KindOrganisation, "missing")
			return items(its...)
		}, 7, graph.ENOTFOUND, "targetId"},
		{"ErrLinkBroker", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			its[7].Link.BrokeredByID = graph.NewID(graph.KindOrganisation, "missing")
			return items(its...)
		}, 7, graph.ENOTFOUND, "brokeredById"},
		{"ErrActorName", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			its[2].Actor.Name = ""
			return items(its...)
		}, 2, graph.EINVALID, "name"},
		{"ErrParent", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			its[0].Actor.ParentID = graph.NewID(graph.KindOrganisation, "nowhere")
			return items(its...)
		}, 0, graph.ENOTFOUND, "parentId"},
		{"ErrKindClash", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			return items(append(its, graph.Item{Actor: person("hope", "A person keyed like the university")})...)
		}, 8, graph.ECONFLICT, "key"},
		{"ErrLinkEndsChanged", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			return items(append(its, graph.Item{Link: &graph.Link{Key: "p1", Type: graph.LinkPartnership, SourceID: f.alice.ID, TargetID: f.bob.ID}})...)
		}, 8, graph.ECONFLICT, "key"},
		{"ErrParticipationProgramme", func(its []graph.Item) iter.Seq2[graph.Item, error] {
			its[5].Participation.ProgrammeID = graph.NewID(graph.KindProgramme, "missing")
			return items(its...)
		}, 5, graph.ENOTFOUND, "programmeId"},
	} {
		run(t, tc.name, func(t *testing.T) {
			_, err := s.ApplyStream(ctx, tc.mod(streamBatch()), false)
			wantCode(t, err, tc.code, tc.field)
			var ie *graph.ItemError
			if !errors.As(err, &ie) || ie.Index != tc.index {
				t.Errorf("error %v does not name item %d", err, tc.index)
			}
			unchanged(t, s, v)
		})
	}
	run(t, "ErrSource", func(t *testing.T) {
		src := func(yield func(graph.Item, error) bool) {
			for _, it := range streamBatch() {
				if !yield(it, nil) {
					return
				}
			}
			yield(graph.Item{}, stop)
		}
		if _, err := s.ApplyStream(ctx, src, false); !errors.Is(err, stop) {
			t.Errorf("stream whose source fails = %v, want the source's error", err)
		}
		unchanged(t, s, v)
	})
}

// unchanged checks the store still holds seed's network only.
func unchanged(t *testing.T, s graph.Store, version int64) {
	t.Helper()
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 5 {
		t.Errorf("actors after failed stream = %d, want 5", p.TotalCount)
	}
	if p := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{})); p.TotalCount != 2 {
		t.Errorf("links after failed stream = %d, want 2", p.TotalCount)
	}
	if v := must(s.Version(ctx)); v != version {
		t.Errorf("version after failed stream = %d, want %d", v, version)
	}
}

// testApplyStreamLarge streams more items than a backend reads at once, with
// links to actors far back in the stream and a bad link at the very end.
func testApplyStreamLarge(t *testing.T, s graph.Store) {
	const n = 6000
	gen := func(bad bool) iter.Seq2[graph.Item, error] {
		return func(yield func(graph.Item, error) bool) {
			for i := range n {
				a := &graph.Actor{Key: fmt.Sprintf("p%05d", i), Kind: graph.KindPerson, Name: fmt.Sprintf("Person %d", i)}
				if !yield(graph.Item{Actor: a, IfMissing: true}, nil) {
					return
				}
			}
			for i := range n {
				l := &graph.Link{Type: graph.LinkCollaboration, SourceID: graph.NewID(graph.KindPerson, fmt.Sprintf("p%05d", i)),
					TargetID: graph.NewID(graph.KindPerson, fmt.Sprintf("p%05d", (i*7+1)%n))}
				if bad && i == n-1 {
					l.TargetID = graph.NewID(graph.KindPerson, "nobody")
				}
				if !yield(graph.Item{Link: l}, nil) {
					return
				}
			}
		}
	}
	_, err := s.ApplyStream(ctx, gen(true), false)
	var ie *graph.ItemError
	if !errors.As(err, &ie) || ie.Index != 2*n-1 || graph.ErrorField(err) != "targetId" {
		t.Fatalf("large stream with a bad last link = %v, want an error at item %d", err, 2*n-1)
	}
	if p := must(s.FindActors(ctx, graph.ActorFilter{}, graph.PageArgs{})); p.TotalCount != 0 {
		t.Fatalf("a failed large stream left %d actors", p.TotalCount)
	}
	res := must(s.ApplyStream(ctx, gen(false), false))
	if diff := cmp.Diff(&graph.ApplyResult{Created: 2 * n}, res); diff != "" {
		t.Errorf("large stream (-want +got):\n%s", diff)
	}
	if p := must(s.FindLinks(ctx, graph.LinkFilter{}, graph.PageArgs{})); p.TotalCount != n {
		t.Errorf("links after large stream = %d, want %d", p.TotalCount, n)
	}
	got := must(s.LinksOfActors(ctx, []string{graph.NewID(graph.KindPerson, "p00000")}, graph.LinkFilter{}))
	if len(got[0]) == 0 || !slices.ContainsFunc(got[0], func(l *graph.Link) bool { return l.TargetID == graph.NewID(graph.KindPerson, "p00001") }) {
		t.Errorf("links of p00000 = %v, want one to p00001", got[0])
	}
}
