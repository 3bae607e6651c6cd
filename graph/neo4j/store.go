// Package neo4j is partnergraph's Neo4j 5 backend: a graph.Store over a Neo4j
// server, cluster or Aura database. It is the only package that imports the
// Neo4j driver.
//
// The model in Neo4j:
//
//	(:Actor {id, key, kind, name, search, …, parentId})
//	(:Programme {id, key, name, search, …})
//	(:Actor)-[:TAKES_PART {role, evidence…}]->(:Programme)
//	(:Actor)-[:LINK {id, key, type, directed, weight, validFrom, validTo, programmeId, brokeredById, evidence…}]->(:Actor)
//	(:StoreVersion {name: 'version', value, changesFloor})
//	(:Change {version, seq, op, kind, id, callerId, callerName, at, before, after})
//
// A link is a relationship from its source to its target; its programme and
// broker, like an organisation's parent, are ID properties, cleared when the
// entity they name is deleted. Dates are stored as YYYY-MM-DD strings, which
// sort as dates and round-trip exactly. `search` holds the folded words of the
// name, indexed by a full-text index with the whitespace analyzer, so Lucene
// sees exactly the words this package splits (see words).
//
// Every write transaction first locks the StoreVersion node and increments it
// on commit, so writes are serialised (checks inside a write see every earlier
// commit) and Version counts them. A write that changes something adds
// Change nodes, the change log, in its own transaction (changes.go).
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

var _ graph.Store = (*Store)(nil)

// Config says which database to use.
type Config struct {
	URI      string // bolt://, neo4j:// (routing), with +s or +ssc for TLS
	User     string // empty for a server without authentication
	Password string
	Database string // empty for the server's default database
}

// Store is a graph.Store on Neo4j. It holds one driver; every method opens its
// own session, so a Store is safe for concurrent use.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	keep   int64 // versions the change log keeps (graph.KeepChangeVersions; tests lower it)
	// pageSize is how many entities a page of FuzzyScan reads
	// (defaultScanPage; tests lower it).
	pageSize int
}

// Open connects to Neo4j, checks it answers and creates the schema
// (constraints and indexes) if it is missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, fmt.Errorf("neo4j: open: %w", err)
	}
	s := &Store{driver: d, db: cfg.Database, keep: graph.KeepChangeVersions, pageSize: defaultScanPage}
	if err := d.VerifyConnectivity(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("neo4j: connect: %w", err), d.Close(ctx))
	}
	if err := s.createSchema(ctx); err != nil {
		return nil, errors.Join(err, d.Close(ctx))
	}
	return s, nil
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	if err := s.driver.Close(context.Background()); err != nil {
		return fmt.Errorf("neo4j: close: %w", err)
	}
	return nil
}

// session opens a session that shares the driver's bookmark manager, so every
// read sees every write this process committed before it (causal consistency,
// also across cluster members).
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      mode,
		DatabaseName:    s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// txConfig passes the context's deadline to the server as the transaction
// timeout, so the server stops work the caller no longer waits for.
func txConfig(ctx context.Context) []func(*neo4j.TransactionConfig) {
	if dl, ok := ctx.Deadline(); ok {
		return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(max(time.Until(dl), time.Millisecond))}
	}
	return nil
}

// read runs fn in a managed read transaction. fn may be run more than once.
func (s *Store) read(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) (err error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer func() { err = closeSession(ctx, sess, err) }()
	_, err = sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(tx)
	}, txConfig(ctx)...)
	return wrap(ctx, what, err)
}

// write runs fn in a managed write transaction that first locks the version
// node and, if fn reports a change, increments it and logs what fn
// recorded in log. fn may be run more than once (each time with a new
// log); an error from fn rolls everything back.
func (s *Store) write(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (changed bool, err error)) (err error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { err = closeSession(ctx, sess, err) }()
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := lockVersion(ctx, tx); err != nil {
			return nil, err
		}
		log := graph.NewChangeLog(ctx)
		changed, err := fn(tx, log)
		if err != nil || !changed {
			return nil, err
		}
		return nil, commitChanges(ctx, tx, log, s.keep)
	}, txConfig(ctx)...)
	return wrap(ctx, what, err)
}

// closeSession closes sess and merges its error with err instead of hiding
// either.
func closeSession(ctx context.Context, sess neo4j.SessionWithContext, err error) error {
	// Close even when ctx is done, so the connection returns to the pool.
	cerr := sess.Close(context.WithoutCancel(ctx))
	if cerr == nil {
		return err
	}
	return errors.Join(err, fmt.Errorf("neo4j: close session: %w", cerr))
}

// wrap passes domain errors through, turns a uniqueness violation into
// ECONFLICT (a backstop: writes check keys first) and adds context to the
// rest, including the context's own error (the driver reports an expired
// deadline as a connectivity error that does not unwrap to it).
func wrap(ctx context.Context, what string, err error) error {
	var de *graph.Error
	var ne *neo4j.Neo4jError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &de):
		return err
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
		return graph.Errorf(graph.ECONFLICT, "key", "key is already taken")
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("neo4j: %s: %w: %w", what, cerr, err)
	}
	return fmt.Errorf("neo4j: %s: %w", what, err)
}

// Version returns the number of committed writes.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.read(ctx, "version", func(tx neo4j.ManagedTransaction) error {
		var err error
		v, err = readVersion(ctx, tx)
		return err
	})
	return v, err
}

func readVersion(ctx context.Context, tx neo4j.ManagedTransaction) (int64, error) {
	v, _, err := versionNode(ctx, tx)
	return v, err
}

// versionNode returns the version and the change log's floor (see
// changes.go); 0 and 0 if a wipe removed the node.
func versionNode(ctx context.Context, tx neo4j.ManagedTransaction) (version, floor int64, err error) {
	rec, err := single(ctx, tx, `OPTIONAL MATCH (v:StoreVersion {name: 'version'}) RETURN coalesce(v.value, 0), coalesce(v.changesFloor, 0)`, nil)
	if err != nil {
		return 0, 0, err
	}
	version, _ = rec.Values[0].(int64)
	floor, _ = rec.Values[1].(int64)
	return version, floor, nil
}

// lockVersion takes the write lock on the version node (creating it if a wipe
// removed it). Setting a property to its own value takes the lock and changes
// nothing.
func lockVersion(ctx context.Context, tx neo4j.ManagedTransaction) error {
	return run(ctx, tx, `MERGE (v:StoreVersion {name: 'version'}) ON CREATE SET v.value = 0, v.changesFloor = 0
		SET v.value = v.value`, nil)
}

func (s *Store) writeSchema(ctx context.Context, q string) (err error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { err = closeSession(ctx, sess, err) }()
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, run(ctx, tx, q, nil)
	}, txConfig(ctx)...)
	return err
}

// run runs a query and consumes its result.
func run(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) error {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// single runs a query that returns exactly one record.
func single(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	return res.Single(ctx)
}

// countUnlessNoTotal runs the count query q, unless p says its caller
// does not read the total (counting every match is most of a large page's
// work): then it returns 0.
func countUnlessNoTotal(ctx context.Context, tx neo4j.ManagedTransaction, p graph.PageArgs, q string, params map[string]any) (int, error) {
	if p.NoTotal {
		return 0, nil
	}
	return count(ctx, tx, q, params)
}

// count runs a query that returns one integer.
func count(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (int, error) {
	rec, err := single(ctx, tx, q, params)
	if err != nil {
		return 0, err
	}
	n, _ := rec.Values[0].(int64)
	return int(n), nil
}

// each runs a query and calls fn with every record as it arrives.
func each(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any, fn func(*neo4j.Record) error) error {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := fn(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// collectMaps runs a query whose first column is a map and decodes each.
func collectMaps[T any](ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any, decode func(map[string]any) T) ([]T, error) {
	var out []T
	err := each(ctx, tx, q, params, func(r *neo4j.Record) error {
		m, ok := r.Values[0].(map[string]any)
		if !ok {
			return fmt.Errorf("neo4j: unexpected %T in result", r.Values[0])
		}
		out = append(out, decode(m))
		return nil
	})
	return out, err
}
