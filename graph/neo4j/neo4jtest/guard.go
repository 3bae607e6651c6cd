package neo4jtest

import (
	"context"
	"errors"
	"fmt"
	"os"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph/neo4j"
)

// The guard. A database is the tests' to wipe if it holds a marker node
// (:PartnergraphTestMarker), which the tests write into a database they find
// empty. A database with other data and no marker belongs to someone else:
// a developer's own Neo4j, a staging server NEO4J_URI still names. The tests
// refuse it, and write nothing to it, unless OptIn names its URI.
const (
	// Marker is the label of the node that says the tests own a database.
	Marker = "PartnergraphTestMarker"
	// OptIn is the environment variable that lets the tests claim, and so
	// wipe, a database holding data they did not write: its value must be
	// the URI of that server, exactly as NEO4J_URI gives it.
	OptIn = "PARTNERGRAPH_TEST_NEO4J_WIPE"
)

// ErrForeign is the error of Claim, Wipe and Open for a database that holds
// data the tests did not write.
var ErrForeign = errors.New("neo4jtest: refusing a database holding data the tests did not write")

// Claim makes sure the database of cfg is the tests' own before they write to
// it: one holding the marker is; an empty one, or with OptIn naming cfg.URI
// any one, gets the marker and is from then on. Any other database is left
// untouched and Claim returns an error wrapping ErrForeign that says how many
// nodes it holds and how to proceed.
func Claim(ctx context.Context, cfg neo4j.Config) error {
	return withDriver(ctx, cfg, func(d driver.DriverWithContext) error { return claim(ctx, d, cfg) })
}

func claim(ctx context.Context, d driver.DriverWithContext, cfg neo4j.Config) error {
	optIn := os.Getenv(OptIn) == cfg.URI
	sess := d.NewSession(ctx, driver.SessionConfig{DatabaseName: cfg.Database, AccessMode: driver.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	// One transaction: the look and the marker's creation commit together.
	foreign, err := driver.ExecuteWrite(ctx, sess, func(tx driver.ManagedTransaction) (int64, error) {
		markers, err := single(ctx, tx, `MATCH (m:`+Marker+`) RETURN count(m)`, nil)
		if err != nil || markers > 0 {
			return 0, err
		}
		nodes, err := single(ctx, tx, `MATCH (n) RETURN count(n)`, nil)
		if err != nil || (nodes > 0 && !optIn) {
			return nodes, err
		}
		_, err = single(ctx, tx, `CREATE (m:`+Marker+` {created: datetime(), note: $note}) RETURN count(m)`,
			map[string]any{"note": "written by partnergraph's tests (graph/neo4j/neo4jtest): they may wipe this database"})
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("neo4jtest: check the database of %s: %w", cfg.URI, err)
	}
	if foreign > 0 {
		db := "the default database"
		if cfg.Database != "" {
			db = fmt.Sprintf("database %q", cfg.Database)
		}
		return fmt.Errorf("%w: %s (%s) holds %d nodes and no :%s node; nothing was written or deleted. "+
			"Run the tests on a server of their own (unset NEO4J_URI: scripts/test starts one on 127.0.0.1:17687), "+
			"or set %s=%s to let them delete everything in it",
			ErrForeign, cfg.URI, db, foreign, Marker, OptIn, cfg.URI)
	}
	return nil
}

// single runs a query returning one integer.
func single(ctx context.Context, tx driver.ManagedTransaction, query string, params map[string]any) (int64, error) {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return 0, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return 0, err
	}
	n, _ := rec.Values[0].(int64)
	return n, nil
}

// Wipe claims the database (see Claim) and deletes every node and
// relationship but the marker (not the schema), a slice at a time so a large
// database needs no huge transaction. A database Claim refuses is left as it
// was.
func Wipe(ctx context.Context, cfg neo4j.Config) error {
	return withDriver(ctx, cfg, func(d driver.DriverWithContext) error {
		if err := claim(ctx, d, cfg); err != nil {
			return err
		}
		for {
			res, err := driver.ExecuteQuery(ctx, d, `MATCH (n) WHERE NOT n:`+Marker+` WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)`, nil,
				driver.EagerResultTransformer, driver.ExecuteQueryWithDatabase(cfg.Database))
			if err != nil {
				return fmt.Errorf("neo4jtest: wipe: %w", err)
			}
			if n, _ := res.Records[0].Values[0].(int64); n == 0 {
				return nil
			}
		}
	})
}
