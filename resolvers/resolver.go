// Package resolvers maps GraphQL to the domain: thin resolvers that delegate
// to per-request loaders, the store and the analytics.
package resolvers

import (
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Resolver is the root resolver; one per server.
type Resolver struct {
	Store     graph.Store
	Snapshots *snapshot.Cache
	// Background keeps the whole-network results (rankings, communities)
	// up to date with the store, computed off the request path.
	Background *insight.Background
	// Live follows the change log for the subscriptions (nil: none).
	Live       *live.Hub
	PathBudget time.Duration // time a path search may take before it stops
	// Admin keeps API keys and the audit log; nil uses Store's if it has them.
	Admin graph.AdminStore
	// MaxUploadBytes bounds each uploaded file's decompressed size
	// (netfile.DefaultMaxBytes if 0).
	MaxUploadBytes int64
	// MaxGraphActors and MaxGraphLinks bound networkGraph's answer
	// (insight.DefaultMaxGraphActors, DefaultMaxGraphLinks if 0).
	MaxGraphActors, MaxGraphLinks int
}
