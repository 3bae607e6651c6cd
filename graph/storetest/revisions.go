package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
)

// testRevisions checks optimistic concurrency: an update or delete that
// names the revision the editor saw applies while the entity still has it,
// and otherwise changes nothing and returns ECONFLICT with the entity as it
// is now, for actors, programmes and links alike.
func testRevisions(t *testing.T, s graph.Store) {
	f := seed(t, s)
	run(t, "ReadsAgree", func(t *testing.T) {
		page := must(s.FindActors(ctx, graph.ActorFilter{Keys: []string{"alice"}}, graph.PageArgs{}))
		read := must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]
		if got, want := page.Items[0].Revision(), f.alice.Revision(); got != want || read.Revision() != want {
			t.Errorf("revisions: created %s, found %s, read %s: want one", want, got, read.Revision())
		}
	})
	run(t, "Actor", func(t *testing.T) {
		seen := f.alice.Revision()
		name, other := "Alice Adams-Smith", "Alice Smith"
		mine := must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.alice.ID, ExpectedRevision: seen, Name: &name}))
		if mine.Revision() == seen {
			t.Fatalf("revision %s did not move with the name", seen)
		}
		now := must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]
		if now.Revision() != mine.Revision() {
			t.Errorf("update returned revision %s, read back %s", mine.Revision(), now.Revision())
		}
		wantStale(t, s, now, func() error {
			_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: f.alice.ID, ExpectedRevision: seen, Name: &other})
			return err
		})
		wantStale(t, s, now, func() error { return s.DeleteActor(ctx, f.alice.ID, seen) })
		if after := must(s.ActorsByID(ctx, []string{f.alice.ID}))[0]; after == nil || after.Name != name {
			t.Fatalf("after the refused writes alice is %+v, want her with name %q", after, name)
		}
		noErr(t, s.DeleteActor(ctx, f.alice.ID, now.Revision()))
		wantCode(t, s.DeleteActor(ctx, f.alice.ID, now.Revision()), graph.ENOTFOUND, "id")
	})
	run(t, "Programme", func(t *testing.T) {
		seen := f.prog.Revision()
		tags := []string{"governance"}
		now := must(s.UpdateProgramme(ctx, graph.ProgrammeUpdate{ID: f.prog.ID, ExpectedRevision: seen, Tags: &tags}))
		wantStale(t, s, now, func() error {
			_, err := s.UpdateProgramme(ctx, graph.ProgrammeUpdate{ID: f.prog.ID, ExpectedRevision: seen, Tags: &tags})
			return err
		})
		wantStale(t, s, now, func() error { return s.DeleteProgramme(ctx, f.prog.ID, seen) })
		noErr(t, s.DeleteProgramme(ctx, f.prog.ID, now.Revision()))
	})
	run(t, "Link", func(t *testing.T) {
		// Deleting the programme above detached the link: that moved its
		// revision too, though no one wrote to the link itself.
		seen := f.partner.Revision()
		now := must(s.LinksByID(ctx, []string{f.partner.ID}))[0]
		if now.Revision() == seen {
			t.Fatalf("link revision %s did not move when its programme went", seen)
		}
		w := 3.0
		wantStale(t, s, now, func() error {
			_, err := s.UpdateLink(ctx, graph.LinkUpdate{ID: f.partner.ID, ExpectedRevision: seen, Weight: &w})
			return err
		})
		wantStale(t, s, now, func() error { return s.DeleteLink(ctx, f.partner.ID, seen) })
		now = must(s.UpdateLink(ctx, graph.LinkUpdate{ID: f.partner.ID, ExpectedRevision: now.Revision(), Weight: &w}))
		noErr(t, s.DeleteLink(ctx, f.partner.ID, now.Revision()))
	})
	run(t, "BulkWriteMovesRevision", func(t *testing.T) {
		seen := f.school.Revision()
		changed := *f.school
		changed.Region = "Merseyside"
		must(graph.Apply(ctx, s, &graph.Batch{Actors: []*graph.Actor{&changed}}))
		now := must(s.ActorsByID(ctx, []string{f.school.ID}))[0]
		name := "St Mary's"
		wantStale(t, s, now, func() error {
			_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: f.school.ID, ExpectedRevision: seen, Name: &name})
			return err
		})
	})
	run(t, "Concurrent", func(t *testing.T) {
		// Editors who all saw one revision save at once: the check is inside
		// the write transaction, so exactly one wins, whatever the schedule.
		seen := must(s.ActorsByID(ctx, []string{f.uni.ID}))[0].Revision()
		const editors = 8
		codes := make([]string, editors)
		var wg sync.WaitGroup
		for i := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				region := fmt.Sprintf("Region %d", i)
				_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: f.uni.ID, ExpectedRevision: seen, Region: &region})
				codes[i] = graph.ErrorCode(err)
			}()
		}
		wg.Wait()
		won := 0
		for _, c := range codes {
			switch c {
			case "":
				won++
			case graph.ECONFLICT:
			default:
				t.Errorf("concurrent guarded update: code %q, want none or CONFLICT", c)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent updates from one revision applied (codes %q), want exactly 1", won, editors, codes)
		}
	})
	run(t, "Unguarded", func(t *testing.T) {
		name := "Bob B. Brown"
		must(s.UpdateActor(ctx, graph.ActorUpdate{ID: f.bob.ID, Name: &name}))
		_, err := s.UpdateActor(ctx, graph.ActorUpdate{ID: "nope", ExpectedRevision: "0123456789abcdef", Name: &name})
		wantCode(t, err, graph.ENOTFOUND, "id")
	})
}

// wantStale runs write, which must fail with a *graph.StaleError holding
// now, leaving the store's version as it was.
func wantStale[T interface{ Revision() string }](t *testing.T, s graph.Store, now T, write func() error) {
	t.Helper()
	before := must(s.Version(ctx))
	err := write()
	wantCode(t, err, graph.ECONFLICT, "expectedRevision")
	var stale *graph.StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("error %v is not a *graph.StaleError", err)
	}
	if diff := cmp.Diff(any(now), stale.Current); diff != "" {
		t.Errorf("current values (-want +got):\n%s", diff)
	}
	if stale.Revision != now.Revision() {
		t.Errorf("current revision %s, want %s", stale.Revision, now.Revision())
	}
	if after := must(s.Version(ctx)); after != before {
		t.Errorf("a refused write moved the version from %d to %d", before, after)
	}
}
