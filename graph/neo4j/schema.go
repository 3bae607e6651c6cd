package neo4j

import (
	"context"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// schema is created idempotently by Open: rules whose names exist are left
// alone. Uniqueness constraints come with the indexes that ID and key lookups
// use (under the constraint's name). A link's ID is derived from its key
// alone, so the ID constraint keeps link keys unique too. Every relationship
// index costs link loading time, so there is none for low-selectivity filters
// such as the link type (nor for an actor's kind or sector).
var schema = []struct{ name, create string }{
	{"actor_id", `CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE`},
	{"actor_key", `CREATE CONSTRAINT actor_key IF NOT EXISTS FOR (a:Actor) REQUIRE a.key IS UNIQUE`},
	{"programme_id", `CREATE CONSTRAINT programme_id IF NOT EXISTS FOR (p:Programme) REQUIRE p.id IS UNIQUE`},
	{"programme_key", `CREATE CONSTRAINT programme_key IF NOT EXISTS FOR (p:Programme) REQUIRE p.key IS UNIQUE`},
	{"link_id", `CREATE CONSTRAINT link_id IF NOT EXISTS FOR ()-[l:LINK]-() REQUIRE l.id IS UNIQUE`},
	{"store_version", `CREATE CONSTRAINT store_version IF NOT EXISTS FOR (v:StoreVersion) REQUIRE v.name IS UNIQUE`},
	{"change_version", `CREATE INDEX change_version IF NOT EXISTS FOR (c:Change) ON (c.version)`},
	{"change_entity", `CREATE INDEX change_entity IF NOT EXISTS FOR (c:Change) ON (c.id)`},
	{"actor_name", `CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)`},
	{"actor_parent", `CREATE INDEX actor_parent IF NOT EXISTS FOR (a:Actor) ON (a.parentId)`},
	{"programme_name", `CREATE INDEX programme_name IF NOT EXISTS FOR (p:Programme) ON (p.name)`},
	{"link_programme", `CREATE INDEX link_programme IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.programmeId)`},
	{"link_broker", `CREATE INDEX link_broker IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.brokeredById)`},
	// Link lists are ordered by key: with this index a page of a million
	// links is read in order and stops when full (see pageQuery).
	{"link_key", `CREATE INDEX link_key IF NOT EXISTS FOR ()-[l:LINK]-() ON (l.key)`},
	// Names are searched by the words this package splits (see words): the
	// whitespace analyzer indexes exactly those.
	{"actor_search", "CREATE FULLTEXT INDEX actor_search IF NOT EXISTS FOR (a:Actor) ON EACH [a.search] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"},
	{"programme_search", "CREATE FULLTEXT INDEX programme_search IF NOT EXISTS FOR (p:Programme) ON EACH [p.search] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"},
}

// createSchema creates the missing schema rules and the version node, and
// waits for new indexes to come online.
func (s *Store) createSchema(ctx context.Context) error {
	have, err := s.indexNames(ctx)
	if err != nil {
		have = map[string]bool{} // no SHOW privilege: let IF NOT EXISTS decide
	}
	created := false
	for _, r := range schema {
		if have[r.name] {
			continue
		}
		// Schema changes run alone. Another process may create the same rule
		// meanwhile.
		err := s.writeSchema(ctx, r.create)
		var ne *neo4j.Neo4jError
		if errors.As(err, &ne) && ne.Code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists" {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("neo4j: create schema: %w", err)
		}
		created = true
	}
	// A database written before the change log has no changes logged up
	// to its version.
	err = s.writeSchema(ctx, `MERGE (v:StoreVersion {name: 'version'}) ON CREATE SET v.value = 0
		SET v.changesFloor = coalesce(v.changesFloor, v.value)`)
	if err == nil && created {
		err = s.writeSchema(ctx, `CALL db.awaitIndexes(300)`)
	}
	if err != nil {
		return fmt.Errorf("neo4j: create schema: %w", err)
	}
	return nil
}

// indexNames returns the names of the database's indexes (a constraint's
// index has the constraint's name).
func (s *Store) indexNames(ctx context.Context) (map[string]bool, error) {
	names := map[string]bool{}
	err := s.read(ctx, "show indexes", func(tx neo4j.ManagedTransaction) error {
		clear(names)
		return each(ctx, tx, `SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name`, nil, func(r *neo4j.Record) error {
			n, _ := r.Values[0].(string)
			names[n] = true
			return nil
		})
	})
	return names, err
}
