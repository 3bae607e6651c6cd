package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// Scan streams the whole network, actors first, then programmes,
// participations and links, each ordered by key (participations by actor then
// programme ID). It stops at the first error fn returns and returns it.
//
// Neo4j transactions are read committed: a plain read transaction could see
// a write land between its statements (a link whose actor it had not seen).
// So Scan runs in a write transaction that holds the version lock every write
// takes first: writes wait until the scan ends, and the scan sees one state,
// the one its version names. It writes nothing.
func (s *Store) Scan(ctx context.Context, fn func(graph.Item) error) (int64, error) {
	var version int64
	var fnErr error
	err := s.write(ctx, "scan", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		var err error
		if version, err = readVersion(ctx, tx); err != nil {
			return false, err
		}
		sc := &scanner{fn: fn}
		err = scanAll(ctx, tx, sc)
		switch {
		case sc.fnErr != nil:
			fnErr = sc.fnErr
			return false, sc.fnErr
		case err != nil && sc.delivered:
			// The driver retries transient errors by running this function
			// again, which would deliver items twice: make it final.
			return false, fmt.Errorf("scan interrupted after items were delivered: %v", err)
		}
		return false, err
	})
	if fnErr != nil {
		return 0, fnErr // exactly what fn returned
	}
	if err != nil {
		return 0, err
	}
	return version, nil
}

// scanner calls fn and remembers whether it did and what it returned.
type scanner struct {
	fn        func(graph.Item) error
	delivered bool
	fnErr     error
}

func (sc *scanner) deliver(it graph.Item) error {
	sc.delivered = true
	if err := sc.fn(it); err != nil {
		sc.fnErr = err
		return err
	}
	return nil
}

func scanAll(ctx context.Context, tx neo4j.ManagedTransaction, sc *scanner) error {
	for _, q := range []struct {
		query string
		item  func(map[string]any) graph.Item
	}{
		{`MATCH (a:Actor) WITH a ORDER BY a.key RETURN a{.*}`,
			func(m map[string]any) graph.Item { return graph.Item{Actor: decodeActor(m)} }},
		{`MATCH (p:Programme) WITH p ORDER BY p.key RETURN p{.*}`,
			func(m map[string]any) graph.Item { return graph.Item{Programme: decodeProgramme(m)} }},
		{`MATCH (a:Actor)-[r:TAKES_PART]->(p:Programme) WITH a, r, p ORDER BY a.id, p.id RETURN ` + participationReturn,
			func(m map[string]any) graph.Item { return graph.Item{Participation: decodeParticipation(m)} }},
		{`MATCH (s:Actor)-[l:LINK]->(t:Actor) WITH s, l, t ORDER BY l.key RETURN ` + linkReturn,
			func(m map[string]any) graph.Item { return graph.Item{Link: decodeLink(m)} }},
	} {
		err := each(ctx, tx, q.query, nil, func(r *neo4j.Record) error {
			m, ok := r.Values[0].(map[string]any)
			if !ok {
				return fmt.Errorf("neo4j: unexpected %T in scan", r.Values[0])
			}
			return sc.deliver(q.item(m))
		})
		if err != nil {
			return err
		}
	}
	return nil
}
