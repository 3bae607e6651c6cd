// Package resolvers maps GraphQL to the domain: thin resolvers that delegate
// to per-request loaders, the store and the analytics.
package resolvers

import (
	"github.com/partnergraph/partnergraph/graph"
)

// Resolver is the root resolver; one per server.
type Resolver struct {
	Store graph.Store
}
