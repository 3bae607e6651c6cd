// Package insight is the application layer between the adapters (GraphQL
// resolvers, the command line) and the algorithms of graph/analysis. It
// answers the two questions partnergraph exists for — who the key
// intermediaries are, and how knowledge can travel — over snapshots of the
// stored network: typed metrics and their rankings, broker profiles and
// history, network summaries, removal impact and path queries.
//
// Results carry graph actors and links, never GraphQL types, and errors
// carry graph error codes naming the argument at fault, so adapters only
// convert arguments and results.
package insight

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Snapshots gives the snapshot of a scope; *snapshot.Cache is one.
type Snapshots interface {
	Get(ctx context.Context, scope graph.Scope) (*snapshot.Snapshot, error)
}

// LatestSnapshots is what a Snapshots may also offer (*snapshot.Cache does): on a
// large network, its newest snapshot of a scope at once, even if the store
// has moved on, while the current one is projected for the next caller.
type LatestSnapshots interface {
	Latest(ctx context.Context, scope graph.Scope) (s *snapshot.Snapshot, stale bool, err error)
}

// Snapshot returns the snapshot per-request analytics and path searches of
// scope run on: the newest one at once if sv.Snapshots offers it,
// the answer then marked stale if the store has moved past it, and the
// current one otherwise. ids (argument name, actor ID) must be in it: an
// actor created since the newest snapshot makes it wait for the current
// one, so that an editor can ask about what they just added.
func (sv *Service) Snapshot(ctx context.Context, scope graph.Scope, ids ...[2]string) (*snapshot.Snapshot, error) {
	if l, ok := sv.Snapshots.(LatestSnapshots); ok {
		s, stale, err := l.Latest(ctx, scope)
		if err != nil {
			return nil, err
		}
		if !stale {
			return s, nil
		}
		if !slices.ContainsFunc(ids, func(id [2]string) bool { _, err := s.Node(id[0], id[1]); return err != nil }) {
			MarkStale(ctx)
			return s, nil
		}
	}
	return sv.Snapshots.Get(ctx, scope)
}

type staleMark struct{}

// WithStaleMark returns ctx with a mark set when the answer holds a result
// or a snapshot older than the network (LATEST): such an answer must not be
// cached under the network's version (the server's ETags).
func WithStaleMark(ctx context.Context) (context.Context, *atomic.Bool) {
	m := new(atomic.Bool)
	return context.WithValue(ctx, staleMark{}, m), m
}

// MarkStale marks ctx's answer stale.
func MarkStale(ctx context.Context) {
	if m, _ := ctx.Value(staleMark{}).(*atomic.Bool); m != nil {
		m.Store(true)
	}
}

// Service answers the queries that need snapshots of other scopes than the
// one they are given (history) or a time budget (path searches).
type Service struct {
	Snapshots  Snapshots
	PathBudget time.Duration // time a path search may take before it stops
}

// userError maps the sentinel errors of graph/analysis to graph error codes
// users can act on; other errors pass unchanged.
func userError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, analysis.ErrSameEndpoints):
		return errSameActor()
	case errors.Is(err, analysis.ErrOption), errors.Is(err, analysis.ErrNoNode),
		errors.Is(err, analysis.ErrBadOption), errors.Is(err, analysis.ErrBadWeight):
		return graph.Errorf(graph.EINVALID, "", "%v", err)
	}
	return err
}

func errSameActor() error {
	return graph.Errorf(graph.EINVALID, "to", "from and to are the same actor: a path needs two")
}

// checkRange reports whether v, the argument field, lies in lo..hi.
func checkRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return graph.Errorf(graph.EINVALID, field, "%s must be between %d and %d", field, lo, hi)
	}
	return nil
}

// actors returns the actors of nodes, in order.
func actors(s *snapshot.Snapshot, nodes []int32) []*graph.Actor {
	out := make([]*graph.Actor, len(nodes))
	for i, v := range nodes {
		out[i] = s.Actors[v]
	}
	return out
}

// allNodes returns 0..N-1.
func allNodes(s *snapshot.Snapshot) []int32 {
	out := make([]int32, s.G.N())
	for i := range out {
		out[i] = int32(i)
	}
	return out
}
