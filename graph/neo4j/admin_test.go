package neo4j_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/graph/storetest"
)

func TestAdminContract(t *testing.T) {
	storetest.RunAdmin(t, func(t *testing.T) storetest.AdminBackend { return neo4jtest.Open(t) })
}
