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
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Snapshots gives the snapshot of a scope; *snapshot.Cache is one.
type Snapshots interface {
	Get(ctx context.Context, scope graph.Scope) (*snapshot.Snapshot, error)
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
