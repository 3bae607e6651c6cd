package graph_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// failingStore's ApplyStream reads its items and fails on the one at index
// fail, as a backend reports a bad item.
type failingStore struct {
	graph.Store
	fail int
	err  error
	got  []string
	dry  bool
}

func (s *failingStore) ApplyStream(_ context.Context, items iter.Seq2[graph.Item, error], dryRun bool) (*graph.ApplyResult, error) {
	s.dry = dryRun
	for it := range items {
		switch {
		case it.Actor != nil:
			s.got = append(s.got, "a:"+it.Actor.Key)
		case it.Programme != nil:
			s.got = append(s.got, "p:"+it.Programme.Key)
		case it.Participation != nil:
			s.got = append(s.got, "r:"+graph.KeyOf(it.Participation.ActorID))
		case it.Link != nil:
			s.got = append(s.got, "l:"+it.Link.Key)
		}
	}
	if s.fail >= 0 {
		return nil, &graph.ItemError{Index: s.fail, Err: s.err}
	}
	return &graph.ApplyResult{Created: len(s.got)}, nil
}

func testBatch() *graph.Batch {
	return &graph.Batch{
		Actors:         []*graph.Actor{{Key: "a1"}, {Key: "a2"}},
		Programmes:     []*graph.Programme{{Key: "p1"}},
		Participations: []*graph.Participation{{ActorID: graph.NewID(graph.KindPerson, "a1"), ProgrammeID: graph.NewID(graph.KindProgramme, "p1")}},
		Links:          []*graph.Link{{Key: "l1"}, {Key: "l2"}},
		DryRun:         true,
	}
}

func TestApplyStreamsInOrder(t *testing.T) {
	s := &failingStore{fail: -1}
	res, err := graph.Apply(context.Background(), s, testBatch())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a:a1", "a:a2", "p:p1", "r:a1", "l:l1", "l:l2"}, s.got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if !s.dry || res.Created != 6 {
		t.Errorf("dry run passed %v, result %+v; want true, 6 created", s.dry, res)
	}
}

func TestApplyNamesItem(t *testing.T) {
	bad := graph.Errorf(graph.EINVALID, "targetId", "targetId: nothing")
	internal := errors.New("disk on fire")
	for _, tc := range []struct {
		name  string
		index int
		err   error
		code  string
		msg   string
	}{
		{"Actor", 1, bad, graph.EINVALID, `actors[1] "a2": targetId: nothing`},
		{"Programme", 2, bad, graph.EINVALID, `programmes[0] "p1": targetId: nothing`},
		{"Participation", 3, bad, graph.EINVALID, `participations[0] "a1 in p1": targetId: nothing`},
		{"Link", 5, graph.Errorf(graph.ECONFLICT, "key", "taken"), graph.ECONFLICT, `links[1] "l2": taken`},
		{"Internal", 5, internal, graph.EINTERNAL, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := graph.Apply(context.Background(), &failingStore{fail: tc.index, err: tc.err}, testBatch())
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("error %v has code %s, want %s", err, graph.ErrorCode(err), tc.code)
			}
			if tc.code == graph.EINTERNAL {
				if !errors.Is(err, internal) {
					t.Errorf("error %v, want the store's own", err)
				}
				return
			}
			if got := graph.ErrorMessage(err); got != tc.msg {
				t.Errorf("message %q, want %q", got, tc.msg)
			}
			if got := graph.ErrorField(err); got != graph.ErrorField(tc.err) {
				t.Errorf("field %q, want %q", got, graph.ErrorField(tc.err))
			}
		})
	}
}

func TestPageCursors(t *testing.T) {
	actors := []*graph.Actor{{Name: "A", ID: "1"}, {Name: "B", ID: "2"}, {Name: "C", ID: "3"}}
	p := graph.NewPage(actors, 2, 7, "", graph.ActorKey)
	if len(p.Items) != 2 || !p.PageInfo.HasNextPage || p.TotalCount != 7 || p.PageInfo.EndCursor != p.Cursors[1] {
		t.Fatalf("page %+v, want 2 of 7 items and a next page", p)
	}
	after, err := graph.PageArgs{After: p.PageInfo.EndCursor}.AfterKey(2)
	if err != nil || !cmp.Equal(after, []string{"B", "2"}) {
		t.Errorf("after key %q, %v; want [B 2]", after, err)
	}
	if _, err := (graph.PageArgs{After: p.PageInfo.EndCursor}).AfterKey(1); graph.ErrorCode(err) != graph.EINVALID || graph.ErrorField(err) != "after" {
		t.Errorf("cursor of the wrong order: error %v, want EINVALID on after", err)
	}
	if last := graph.NewPage(actors, 3, 3, "", graph.ActorKey); last.PageInfo.HasNextPage || len(last.Cursors) != 3 {
		t.Errorf("last page %+v, want 3 items and no next page", last)
	}
}
