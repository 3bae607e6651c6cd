package server

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// meteredStore times every store call, counts those under way, and gives
// each but the bulk writes and Scan a deadline of at most timeout (on Neo4j, the
// transaction's timeout). Methods it does not define pass through the
// embedded Store untimed.
type meteredStore struct {
	graph.Store
	m       *metrics
	timeout time.Duration
}

// newMeteredStore returns s metered, with its fuzzy scan if it has one:
// the embedding alone would hide it, and snapshots would read Neo4j with
// the Scan that blocks writers.
func newMeteredStore(s graph.Store, m *metrics, timeout time.Duration) graph.Store {
	ms := &meteredStore{Store: s, m: m, timeout: timeout}
	if fs, ok := s.(graph.FuzzyScanner); ok {
		return meteredFuzzyStore{ms, fs}
	}
	return ms
}

// meteredFuzzyStore is a meteredStore over a store with a fuzzy scan.
type meteredFuzzyStore struct {
	*meteredStore
	fuzzy graph.FuzzyScanner
}

// FuzzyScan is bounded like Scan: it is many short reads that take no
// lock, and the store timeout bounds each wait for the next item.
func (s meteredFuzzyStore) FuzzyScan(ctx context.Context, fn func(graph.Item) error) (since, until int64, err error) {
	err = s.stream(ctx, "FuzzyScan", fn, func(ctx context.Context, fn func(graph.Item) error) (err error) {
		since, until, err = s.fuzzy.FuzzyScan(ctx, fn)
		return err
	})
	return since, until, err
}

// call runs fn under the store timeout and records how long it took.
func (s *meteredStore) call(ctx context.Context, method string, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.record(ctx, method, fn)
}

// record runs fn and records how long it took, with the caller's deadline
// only: bulk writes (imports) may take longer than one ordinary call.
func (s *meteredStore) record(ctx context.Context, method string, fn func(context.Context) error) error {
	s.m.inFlight.Inc()
	defer s.m.inFlight.Dec()
	start := time.Now()
	err := fn(ctx)
	s.m.store.WithLabelValues(method, outcome(err)).Observe(time.Since(start).Seconds())
	return err
}

// timed calls fn through call and returns its value.
func timed[T any](s *meteredStore, ctx context.Context, method string, fn func(context.Context) (T, error)) (T, error) {
	var v T
	err := s.call(ctx, method, func(ctx context.Context) (err error) {
		v, err = fn(ctx)
		return err
	})
	return v, err
}

func (s *meteredStore) Version(ctx context.Context) (int64, error) {
	return timed(s, ctx, "Version", s.Store.Version)
}

func (s *meteredStore) ActorsByID(ctx context.Context, ids []string) ([]*graph.Actor, error) {
	return timed(s, ctx, "ActorsByID", func(ctx context.Context) ([]*graph.Actor, error) { return s.Store.ActorsByID(ctx, ids) })
}

func (s *meteredStore) FindActors(ctx context.Context, f graph.ActorFilter, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	return timed(s, ctx, "FindActors", func(ctx context.Context) (*graph.Page[*graph.Actor], error) { return s.Store.FindActors(ctx, f, p) })
}

func (s *meteredStore) CreateActor(ctx context.Context, a *graph.Actor) (*graph.Actor, error) {
	return timed(s, ctx, "CreateActor", func(ctx context.Context) (*graph.Actor, error) { return s.Store.CreateActor(ctx, a) })
}

func (s *meteredStore) UpdateActor(ctx context.Context, u graph.ActorUpdate) (*graph.Actor, error) {
	return timed(s, ctx, "UpdateActor", func(ctx context.Context) (*graph.Actor, error) { return s.Store.UpdateActor(ctx, u) })
}

func (s *meteredStore) DeleteActor(ctx context.Context, id, revision string) error {
	return s.call(ctx, "DeleteActor", func(ctx context.Context) error { return s.Store.DeleteActor(ctx, id, revision) })
}

func (s *meteredStore) AggregateActors(ctx context.Context, f graph.ActorFilter, by []graph.ActorField) ([]graph.Group, error) {
	return timed(s, ctx, "AggregateActors", func(ctx context.Context) ([]graph.Group, error) { return s.Store.AggregateActors(ctx, f, by) })
}

func (s *meteredStore) AggregateLinks(ctx context.Context, f graph.LinkFilter, by []graph.LinkField) ([]graph.Group, error) {
	return timed(s, ctx, "AggregateLinks", func(ctx context.Context) ([]graph.Group, error) { return s.Store.AggregateLinks(ctx, f, by) })
}

func (s *meteredStore) MergeActors(ctx context.Context, m graph.Merge) (*graph.Actor, error) {
	return timed(s, ctx, "MergeActors", func(ctx context.Context) (*graph.Actor, error) { return s.Store.MergeActors(ctx, m) })
}

func (s *meteredStore) ProgrammesByID(ctx context.Context, ids []string) ([]*graph.Programme, error) {
	return timed(s, ctx, "ProgrammesByID", func(ctx context.Context) ([]*graph.Programme, error) { return s.Store.ProgrammesByID(ctx, ids) })
}

func (s *meteredStore) FindProgrammes(ctx context.Context, f graph.ProgrammeFilter, p graph.PageArgs) (*graph.Page[*graph.Programme], error) {
	return timed(s, ctx, "FindProgrammes", func(ctx context.Context) (*graph.Page[*graph.Programme], error) {
		return s.Store.FindProgrammes(ctx, f, p)
	})
}

func (s *meteredStore) CreateProgramme(ctx context.Context, p *graph.Programme) (*graph.Programme, error) {
	return timed(s, ctx, "CreateProgramme", func(ctx context.Context) (*graph.Programme, error) { return s.Store.CreateProgramme(ctx, p) })
}

func (s *meteredStore) UpdateProgramme(ctx context.Context, u graph.ProgrammeUpdate) (*graph.Programme, error) {
	return timed(s, ctx, "UpdateProgramme", func(ctx context.Context) (*graph.Programme, error) { return s.Store.UpdateProgramme(ctx, u) })
}

func (s *meteredStore) DeleteProgramme(ctx context.Context, id, revision string) error {
	return s.call(ctx, "DeleteProgramme", func(ctx context.Context) error { return s.Store.DeleteProgramme(ctx, id, revision) })
}

func (s *meteredStore) LinksByID(ctx context.Context, ids []string) ([]*graph.Link, error) {
	return timed(s, ctx, "LinksByID", func(ctx context.Context) ([]*graph.Link, error) { return s.Store.LinksByID(ctx, ids) })
}

func (s *meteredStore) FindLinks(ctx context.Context, f graph.LinkFilter, p graph.PageArgs) (*graph.Page[*graph.Link], error) {
	return timed(s, ctx, "FindLinks", func(ctx context.Context) (*graph.Page[*graph.Link], error) { return s.Store.FindLinks(ctx, f, p) })
}

func (s *meteredStore) LinksOfActors(ctx context.Context, ids []string, f graph.LinkFilter) ([][]*graph.Link, error) {
	return timed(s, ctx, "LinksOfActors", func(ctx context.Context) ([][]*graph.Link, error) { return s.Store.LinksOfActors(ctx, ids, f) })
}

func (s *meteredStore) UnitPages(ctx context.Context, ids []string, p graph.PageArgs) ([]*graph.Page[*graph.Actor], error) {
	return timed(s, ctx, "UnitPages", func(ctx context.Context) ([]*graph.Page[*graph.Actor], error) { return s.Store.UnitPages(ctx, ids, p) })
}

func (s *meteredStore) LinkPages(ctx context.Context, owner graph.LinkOwner, ids []string, f graph.LinkFilter, p graph.PageArgs) ([]*graph.Page[*graph.Link], error) {
	return timed(s, ctx, "LinkPages", func(ctx context.Context) ([]*graph.Page[*graph.Link], error) {
		return s.Store.LinkPages(ctx, owner, ids, f, p)
	})
}

func (s *meteredStore) CreateLink(ctx context.Context, l *graph.Link) (*graph.Link, error) {
	return timed(s, ctx, "CreateLink", func(ctx context.Context) (*graph.Link, error) { return s.Store.CreateLink(ctx, l) })
}

func (s *meteredStore) UpdateLink(ctx context.Context, u graph.LinkUpdate) (*graph.Link, error) {
	return timed(s, ctx, "UpdateLink", func(ctx context.Context) (*graph.Link, error) { return s.Store.UpdateLink(ctx, u) })
}

func (s *meteredStore) DeleteLink(ctx context.Context, id, revision string) error {
	return s.call(ctx, "DeleteLink", func(ctx context.Context) error { return s.Store.DeleteLink(ctx, id, revision) })
}

func (s *meteredStore) SetParticipation(ctx context.Context, p *graph.Participation) (*graph.Participation, error) {
	return timed(s, ctx, "SetParticipation", func(ctx context.Context) (*graph.Participation, error) { return s.Store.SetParticipation(ctx, p) })
}

func (s *meteredStore) RemoveParticipation(ctx context.Context, actorID, programmeID string) error {
	return s.call(ctx, "RemoveParticipation", func(ctx context.Context) error {
		return s.Store.RemoveParticipation(ctx, actorID, programmeID)
	})
}

func (s *meteredStore) ParticipationsOf(ctx context.Context, ids []string) ([][]*graph.Participation, error) {
	return timed(s, ctx, "ParticipationsOf", func(ctx context.Context) ([][]*graph.Participation, error) { return s.Store.ParticipationsOf(ctx, ids) })
}

func (s *meteredStore) ApplyStream(ctx context.Context, items iter.Seq2[graph.Item, error], dryRun bool) (res *graph.ApplyResult, err error) {
	err = s.record(ctx, "ApplyStream", func(ctx context.Context) (err error) {
		res, err = s.Store.ApplyStream(ctx, items, dryRun)
		return err
	})
	return res, err
}

// Scan may take as long as it keeps delivering: the store timeout bounds
// each wait for the next item, not the whole read, since reading a
// million-link network into the snapshot cache takes longer than any one
// ordinary call on a busy server (the cache bounds the whole, ScanBudget),
// while a store that stops answering is still given up on in time.
func (s *meteredStore) Scan(ctx context.Context, fn func(graph.Item) error) (version int64, err error) {
	err = s.stream(ctx, "Scan", fn, func(ctx context.Context, fn func(graph.Item) error) (err error) {
		version, err = s.Store.Scan(ctx, fn)
		return err
	})
	return version, err
}

// stream runs read, which delivers items to fn, giving up when the store
// sends nothing for the store timeout.
func (s *meteredStore) stream(ctx context.Context, method string, fn func(graph.Item) error,
	read func(context.Context, func(graph.Item) error) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(s.timeout, func() { cancel(errStalled) })
	defer stall.Stop()
	err := s.record(ctx, method, func(ctx context.Context) error {
		return read(ctx, func(it graph.Item) error {
			stall.Reset(s.timeout)
			return fn(it)
		})
	})
	if err != nil && context.Cause(ctx) == errStalled {
		err = errStalled
	}
	return err
}

// errStalled is a scan's timeout (a DeadlineExceeded, as other calls').
var errStalled = fmt.Errorf("the store sent nothing for longer than the store timeout: %w", context.DeadlineExceeded)

func (s *meteredStore) Changes(ctx context.Context, since int64, limit int) ([]graph.Change, int64, error) {
	var version int64
	changes, err := timed(s, ctx, "Changes", func(ctx context.Context) (cs []graph.Change, err error) {
		cs, version, err = s.Store.Changes(ctx, since, limit)
		return cs, err
	})
	return changes, version, err
}
