package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Wipe deletes every node and relationship of the database (not the schema),
// in slices so a large database does not need one huge transaction.
func (s *Store) Wipe(ctx context.Context) error {
	for {
		var n int
		sess := s.session(ctx, neo4j.AccessModeWrite)
		_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var err error
			n, err = count(ctx, tx, `MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)`, nil)
			return nil, err
		})
		if err = closeSession(ctx, sess, err); err != nil || n == 0 {
			return err
		}
	}
}

// CountAll returns the numbers of nodes and relationships in the database.
func (s *Store) CountAll(ctx context.Context) (nodes, rels int, err error) {
	err = s.read(ctx, "count all", func(tx neo4j.ManagedTransaction) error {
		var err error
		if nodes, err = count(ctx, tx, `MATCH (n) RETURN count(n)`, nil); err != nil {
			return err
		}
		rels, err = count(ctx, tx, `MATCH ()-[r]->() RETURN count(r)`, nil)
		return err
	})
	return nodes, rels, err
}
