package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// FuzzyStore is a store with a fuzzy scan (graph.FuzzyScanner).
type FuzzyStore interface {
	graph.Store
	graph.FuzzyScanner
}

// FuzzyScan checks a store's fuzzy scan: alone it gives what Scan gives,
// and with writes of every kind made between its pages (from its
// callback, which runs between them) the snapshot built from it by
// replaying the change log equals a fresh consistent scan at the final
// version, without falling back to Scan unless an import reset the log.
// Backends make pages small to run it, so a small network has many.
func FuzzyScan(t *testing.T, s FuzzyStore) {
	run(t, "FuzzyScanQuiet", func(t *testing.T) { testFuzzyScanQuiet(t, s) })
	run(t, "FuzzyScanWrites", func(t *testing.T) { testFuzzyScanWrites(t, s) })
}

// testFuzzyScanQuiet: without writes, a fuzzy scan is exact.
func testFuzzyScanQuiet(t *testing.T, s FuzzyStore) {
	w := &writer{s: s, rng: rand.New(rand.NewPCG(14, 3))}
	w.populate()
	byKind := func(its []graph.Item) map[string]graph.Item {
		m := map[string]graph.Item{}
		for _, it := range its {
			switch {
			case it.Actor != nil:
				m["actor "+it.Actor.Key] = it
			case it.Programme != nil:
				m["programme "+it.Programme.Key] = it
			case it.Participation != nil:
				m["participation "+graph.ParticipationID(it.Participation.ActorID, it.Participation.ProgrammeID)] = it
			case it.Link != nil:
				m["link "+it.Link.Key] = it
			}
		}
		return m
	}
	var want, got []graph.Item
	version := must(s.Scan(ctx, func(it graph.Item) error { want = append(want, it); return nil }))
	since, until, err := s.FuzzyScan(ctx, func(it graph.Item) error { got = append(got, it); return nil })
	noErr(t, err)
	if since != version || until != version {
		t.Errorf("fuzzy scan versions = (%d, %d), want both %d: nothing was written", since, until, version)
	}
	if len(got) != len(want) {
		t.Errorf("fuzzy scan gave %d items, scan %d: an entity came twice or not at all", len(got), len(want))
	}
	if diff := cmp.Diff(byKind(want), byKind(got)); diff != "" {
		t.Errorf("fuzzy scan differs from scan (-scan +fuzzy):\n%s", diff)
	}
	stop := fmt.Errorf("stop")
	if _, _, err := s.FuzzyScan(ctx, func(graph.Item) error { return stop }); err != stop {
		t.Errorf("fuzzy scan with failing callback = %v, want its error", err)
	}
}

// testFuzzyScanWrites is a property test: in each round a fresh cache
// builds its base network by a fuzzy scan while random writes land
// between the pages, and the network it builds must be at the store's
// version and give every scope the snapshot a fresh scan gives.
// Besides the random writes, each round deletes the source of the first
// link delivered once its page is read, so that page's links dangle until
// the log removes them, and creates an actor behind the actors' pages
// with a link to it, so the fuzzy read has the link without its source.
// Then the actors deleted in the round come back (new, without links),
// which would bring back any dangling link the replay failed to remove.
// One round imports a bulk stream, which resets the log: that round, and
// only that one, falls back to the consistent Scan.
func testFuzzyScanWrites(t *testing.T, s FuzzyStore) {
	const rounds, bulkRound = 8, 7 // the bulk round last: its thousand actors make many pages
	w := &writer{s: s, rng: rand.New(rand.NewPCG(14, 4))}
	w.populate()
	h := &hooked{FuzzyStore: s}
	for r := range rounds {
		step := 0
		var first *graph.Link
		h.hook = func(it graph.Item) {
			switch {
			case it.Programme != nil && step == 0: // the actors are read
				a := person(fmt.Sprintf("a000-%d", r), "Late")
				if ok(s.CreateActor(ctx, a)) != nil {
					id := graph.NewID(a.Kind, a.Key)
					w.actors = append(w.actors, id)
					l := w.newLink()
					l.SourceID = id
					ok(s.CreateLink(ctx, l))
				}
			case it.Link != nil && first == nil:
				first = it.Link
				w.deleteActor(first.SourceID)
			}
			if step == 2 && r == bulkRound {
				w.step(step, true)
			} else if w.rng.IntN(3) == 0 {
				w.step(step, false)
			}
			step++
		}
		h.scans = 0
		c := snapshot.NewCache(h, snapshot.CacheOptions{})
		v0 := must(s.Version(ctx))
		got := must(c.Get(ctx, graph.Scope{})) // the fuzzy scan, with writes
		h.hook = nil
		v := must(s.Version(ctx))
		if v <= v0 || first == nil {
			t.Fatalf("round %d: nothing was written during the scan, or no link delivered", r)
		}
		t.Logf("round %d: %d versions written during the scan", r, v-v0)
		// At the store's version, the cache projects every scope from the
		// scan's network as it is, instead of following the log itself.
		if got.Version != v {
			t.Errorf("round %d: the scan's network is at version %d, the store at %d", r, got.Version, v)
		}
		if want := boolInt(r == bulkRound); h.scans != want {
			t.Errorf("round %d: %d consistent scans, want %d (only after the bulk stream's reset)", r, h.scans, want)
		}
		sameAsScan(t, s, c, fmt.Sprintf("round %d", r), w.programmes)
		// A link or participation the fuzzy read had of an actor deleted
		// meanwhile is left out of every projection, as its end is
		// missing; if the log had not removed it, it would come back
		// with the actor. The cache follows the log from here.
		for _, id := range w.deleted {
			_, key, _ := graph.ParseID(id)
			ok(s.CreateActor(ctx, person(key, "Back")))
		}
		w.deleted = nil
		sameAsScan(t, s, c, fmt.Sprintf("round %d, with the deleted actors back", r), w.programmes)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// populate makes a network big enough for many small pages.
func (w *writer) populate() {
	for i := range 20 {
		w.createActor(i)
	}
	for i := range 4 {
		w.createProgramme(i)
	}
	for range 40 {
		if l := ok(w.s.CreateLink(ctx, w.newLink())); l != nil {
			w.links = append(w.links, l.ID)
		}
	}
	for range 12 {
		ok(w.s.SetParticipation(ctx, &graph.Participation{ActorID: w.pick(w.actors), ProgrammeID: w.pick(w.programmes), Role: graph.RoleLead}))
	}
	for i := range 20 {
		w.step(i, false)
	}
}

// hooked is a store whose fuzzy scan calls hook before delivering each
// item (so between the scan's reads) and counts consistent scans.
type hooked struct {
	FuzzyStore
	hook  func(graph.Item)
	scans int
}

func (h *hooked) FuzzyScan(ctx context.Context, fn func(graph.Item) error) (int64, int64, error) {
	return h.FuzzyStore.FuzzyScan(ctx, func(it graph.Item) error {
		if h.hook != nil {
			h.hook(it)
		}
		return fn(it)
	})
}

func (h *hooked) Scan(ctx context.Context, fn func(graph.Item) error) (int64, error) {
	h.scans++
	return h.FuzzyStore.Scan(ctx, fn)
}
