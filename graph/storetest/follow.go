package storetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// testFollowChanges is a property test of the change log: random writes of
// every kind, and after each one the snapshots a cache keeps by following
// the log (the whole network and scoped projections) equal fresh scans.
// One bulk stream resets the log; the cache scans then and only then.
func testFollowChanges(t *testing.T, s graph.Store) {
	const steps, bulkAt = 100, 96
	w := &writer{s: s, rng: rand.New(rand.NewPCG(14, 2))}
	c := snapshot.NewCache(s, snapshot.CacheOptions{})
	for i := range 6 {
		w.createActor(i)
	}
	w.createProgramme(0)
	check := func(step string) {
		t.Helper()
		sameAsScan(t, s, c, step, w.programmes[:min(1, len(w.programmes))])
	}
	check("the first writes")
	// A snapshot someone still reads never changes under later writes.
	early := must(c.Get(ctx, graph.Scope{}))
	earlyView := string(must(json.Marshal(view(early))))
	var moved int64 // steps that changed something, the bulk stream aside
	for i := range steps {
		v := must(s.Version(ctx))
		op := w.step(i, i == bulkAt)
		check(fmt.Sprintf("step %d (%s)", i, op))
		if i != bulkAt && must(s.Version(ctx)) != v {
			moved++
		}
	}
	if got := string(must(json.Marshal(view(early)))); got != earlyView {
		t.Errorf("a snapshot taken at version %d changed under later writes", early.Version)
	}
	if n := c.Scans.Load(); n != 2 {
		t.Errorf("cache scanned the store %d times, want 2: at first and after the bulk stream's reset", n)
	}
	if n := c.Follows.Load(); n != moved || moved < steps/2 {
		t.Errorf("cache followed the log %d times, want once for each of the %d steps (of %d) that wrote something", n, moved, steps)
	}
}

// sameAsScan fails unless the snapshots c gives of a few scopes (the
// whole network, link types in a window, directed and weighted
// organisations, and each of programmes, deleted or not) equal those
// projected from a fresh consistent scan: the same version, actors and
// links, item by item, and the same graph.
func sameAsScan(t *testing.T, s graph.Store, c *snapshot.Cache, step string, programmes []string) {
	t.Helper()
	scopes := []graph.Scope{{},
		{LinkTypes: []graph.LinkType{graph.LinkCollaboration, graph.LinkPartnership}, Window: graph.Interval{From: graph.MustDate("2021-01-01")}},
		{Directed: true, Weighted: true, ActorKinds: []graph.Kind{graph.KindOrganisation}}}
	for _, id := range programmes {
		scopes = append(scopes, graph.Scope{ProgrammeID: id})
	}
	fresh := scanNetwork(t, s)
	for _, scope := range scopes {
		got, gerr := c.Get(ctx, scope)
		want, werr := fresh.project(scope)
		if graph.ErrorCode(gerr) != graph.ErrorCode(werr) {
			t.Fatalf("after %s, scope %s: cache error %v, scan error %v", step, scope.Key(), gerr, werr)
		}
		if werr != nil {
			continue
		}
		if diff := cmp.Diff(view(want), view(got), cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(analysis.Graph{})); diff != "" {
			t.Fatalf("after %s, scope %s: cached snapshot differs from a scan (-scan +cached):\n%s", step, scope.Key(), diff)
		}
	}
}

// scanned is a fresh scan of the whole store.
type scanned struct {
	version        int64
	actors         []*graph.Actor
	links          []*graph.Link
	participations []*graph.Participation
	programmes     map[string]bool
}

// scanNetwork scans s once, to project every scope from, as
// snapshot.Build does for one.
func scanNetwork(t *testing.T, s graph.Store) *scanned {
	t.Helper()
	n := &scanned{programmes: map[string]bool{}}
	n.version = must(s.Scan(ctx, func(it graph.Item) error {
		switch {
		case it.Actor != nil:
			n.actors = append(n.actors, it.Actor)
		case it.Link != nil:
			n.links = append(n.links, it.Link)
		case it.Participation != nil:
			n.participations = append(n.participations, it.Participation)
		case it.Programme != nil:
			n.programmes[it.Programme.ID] = true
		}
		return nil
	}))
	return n
}

func (n *scanned) project(scope graph.Scope) (*snapshot.Snapshot, error) {
	if err := snapshot.CheckProgramme(scope, n.programmes); err != nil {
		return nil, err
	}
	s := snapshot.Project(n.actors, n.links, n.participations, scope)
	s.Version = n.version
	return s, nil
}

// snapView is what a snapshot holds, for comparison.
type snapView struct {
	Version int64
	Actors  []*graph.Actor
	Links   []*graph.Link
	Times   []analysis.Interval
	G       *analysis.Graph
}

func view(s *snapshot.Snapshot) snapView { return snapView{s.Version, s.Actors, s.Links, s.Times, s.G} }

// writer makes random writes on a small network, keeping the IDs it made
// (some since deleted: a write naming one fails and changes nothing).
type writer struct {
	s          graph.Store
	rng        *rand.Rand
	actors     []string
	programmes []string
	links      []string
	deleted    []string // actors deleted, in order
	n          int      // names made
}

func (w *writer) deleteActor(id string) {
	err := w.s.DeleteActor(ctx, id, "")
	if ok(struct{}{}, err); err == nil {
		w.deleted = append(w.deleted, id)
	}
}

func (w *writer) pick(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return ids[w.rng.IntN(len(ids))]
}

// ok accepts the errors a random write may meet (it named something
// deleted, made a cycle, took a key) and fails on any other.
func ok[T any](v T, err error) T {
	switch graph.ErrorCode(err) {
	case "", graph.ENOTFOUND, graph.EINVALID, graph.ECONFLICT:
		return v
	}
	return must(v, err)
}

func (w *writer) newActor() *graph.Actor {
	w.n++
	if w.rng.IntN(2) == 0 {
		return person(fmt.Sprintf("a%03d", w.n), fmt.Sprintf("Person %d", w.n))
	}
	sectors := []string{"Schools", "Higher education", "Charity"}
	a := org(fmt.Sprintf("a%03d", w.n), fmt.Sprintf("Org %d", w.n), graph.OrgTypes[w.rng.IntN(5)], sectors[w.rng.IntN(3)])
	if w.rng.IntN(3) == 0 {
		a.ParentID = w.pick(w.actors)
	}
	return a
}

func (w *writer) createActor(int) {
	if a := ok(w.s.CreateActor(ctx, w.newActor())); a != nil {
		w.actors = append(w.actors, a.ID)
	}
}

func (w *writer) createProgramme(int) {
	w.n++
	p := ok(w.s.CreateProgramme(ctx, &graph.Programme{Key: fmt.Sprintf("p%03d", w.n), Name: "Programme"}))
	if p != nil {
		w.programmes = append(w.programmes, p.ID)
	}
}

func (w *writer) newLink() *graph.Link {
	l := &graph.Link{Type: graph.LinkTypes[w.rng.IntN(4)], SourceID: w.pick(w.actors), TargetID: w.pick(w.actors),
		Directed: w.rng.IntN(2) == 0, Weight: float64(1 + w.rng.IntN(3))}
	w.n++
	l.Key = fmt.Sprintf("l%03d", w.n)
	if w.rng.IntN(2) == 0 {
		l.From = graph.MustDate(fmt.Sprintf("20%02d-01-01", 18+w.rng.IntN(6)))
	}
	if w.rng.IntN(3) == 0 {
		l.BrokeredByID = w.pick(w.actors)
	}
	if w.rng.IntN(3) == 0 {
		l.ProgrammeID = w.pick(w.programmes)
	}
	return l
}

// step makes one random write (the bulk stream if bulk) and names it.
func (w *writer) step(i int, bulk bool) string {
	if bulk {
		var its []graph.Item
		for j := range graph.MaxWriteChanges + 1 {
			its = append(its, graph.Item{Actor: person(fmt.Sprintf("bulk%04d", j), "Bulk")})
		}
		must(w.s.ApplyStream(ctx, items(its...), false))
		return "bulk stream"
	}
	switch op := w.rng.IntN(14); op {
	case 0, 1:
		w.createActor(i)
		return "create actor"
	case 2:
		ok(w.s.UpdateActor(ctx, graph.ActorUpdate{ID: w.pick(w.actors), Name: ptr(fmt.Sprintf("Renamed %d", i)),
			ParentID: ptr(w.pick(append(w.actors, "")))}))
		return "update actor"
	case 3:
		w.deleteActor(w.pick(w.actors))
		return "delete actor"
	case 4:
		w.createProgramme(i)
		return "create programme"
	case 5:
		ok(w.s.UpdateProgramme(ctx, graph.ProgrammeUpdate{ID: w.pick(w.programmes), Name: ptr(fmt.Sprintf("Renamed %d", i))}))
		return "update programme"
	case 6:
		if w.rng.IntN(3) == 0 { // rarely: the programme scope needs one
			ok(struct{}{}, w.s.DeleteProgramme(ctx, w.pick(w.programmes), ""))
		}
		return "delete programme"
	case 7, 8:
		if l := ok(w.s.CreateLink(ctx, w.newLink())); l != nil {
			w.links = append(w.links, l.ID)
		}
		return "create link"
	case 9:
		ok(w.s.UpdateLink(ctx, graph.LinkUpdate{ID: w.pick(w.links), Weight: ptr(float64(1 + w.rng.IntN(5))),
			Type: ptr(graph.LinkTypes[w.rng.IntN(4)]), BrokeredByID: ptr(w.pick(append(w.actors, ""))),
			ProgrammeID: ptr(w.pick(append(w.programmes, "")))}))
		return "update link"
	case 10:
		ok(struct{}{}, w.s.DeleteLink(ctx, w.pick(w.links), ""))
		return "delete link"
	case 11:
		ok(w.s.SetParticipation(ctx, &graph.Participation{ActorID: w.pick(w.actors), ProgrammeID: w.pick(w.programmes),
			Role: graph.Roles[w.rng.IntN(len(graph.Roles))]}))
		return "set participation"
	case 12:
		ok(struct{}{}, w.s.RemoveParticipation(ctx, w.pick(w.actors), w.pick(w.programmes)))
		return "remove participation"
	default:
		a, l := w.newActor(), w.newLink()
		l.SourceID = graph.NewID(a.Kind, a.Key)
		its := []graph.Item{{Actor: a}, {Link: l}, {Participation: &graph.Participation{ActorID: l.SourceID, ProgrammeID: w.pick(w.programmes)}}}
		if ok(w.s.ApplyStream(ctx, items(its...), false)) != nil {
			w.actors, w.links = append(w.actors, l.SourceID), append(w.links, graph.NewID(graph.KindLink, l.Key))
		}
		return "small stream"
	}
}
