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

var _ graph.FuzzyScanner = (*Store)(nil)

// defaultScanPage is how many entities one read of FuzzyScan takes: at
// 20,000 links a page reads in well under a second and holds a few MB.
const defaultScanPage = 20000

// scanPages are FuzzyScan's keyset pages, one kind after another. Each
// query takes the entities after cursor $after in the order of a unique
// index (so a page is an index seek, not a scan and sort of everything),
// at most $limit of them, and returns per entity its cursor and a list
// of the maps of the items it gives. Participations are paged by their
// programme's key: each programme's come together, so none comes twice,
// and a page reads only the programmes' relationships (paging them by
// actor would walk every actor's links too). A page holds all the
// participations of its programmes: hundreds each, in the networks we
// know, against tens of thousands of links.
var scanPages = []struct {
	kind, query string
	item        func(map[string]any) graph.Item
}{
	{"actors", `MATCH (a:Actor) WHERE a.key > $after WITH a ORDER BY a.key LIMIT $limit RETURN a.key, [a{.*}]`,
		func(m map[string]any) graph.Item { return graph.Item{Actor: decodeActor(m)} }},
	{"programmes", `MATCH (p:Programme) WHERE p.key > $after WITH p ORDER BY p.key LIMIT $limit RETURN p.key, [p{.*}]`,
		func(m map[string]any) graph.Item { return graph.Item{Programme: decodeProgramme(m)} }},
	{"participations", `MATCH (p:Programme) WHERE p.key > $after WITH p ORDER BY p.key LIMIT $limit
		RETURN p.key, [(a:Actor)-[r:TAKES_PART]->(p) | ` + participationReturn + `]`,
		func(m map[string]any) graph.Item { return graph.Item{Participation: decodeParticipation(m)} }},
	// Links by ID: the link_id constraint indexes it, and no index on the
	// key is worth its cost at import (schema.go). The snapshot sorts.
	{"links", `MATCH (s:Actor)-[l:LINK]->(t:Actor) WHERE l.id > $after WITH s, l, t ORDER BY l.id LIMIT $limit
		RETURN l.id, [` + linkReturn + `]`,
		func(m map[string]any) graph.Item { return graph.Item{Link: decodeLink(m)} }},
}

// FuzzyScan streams the whole network in keyset pages, each read in its
// own short read transaction that takes no lock, and calls fn with a
// page's items after its transaction has ended (graph.FuzzyScanner).
//
// Read committed makes the result fuzzy, as the interface allows: an
// entity's key and ID never change, so one that exists throughout is found
// by its page, and any write that touched it after since is in the log.
// Each page reads the version before its entities and after them, so it
// knows its items are no older than since (on a cluster member that lags
// behind they could be: the scan then fails rather than give a network
// older than it says) and no newer than until; until is read once more
// after the last item is delivered, so it covers any write fn made.
func (s *Store) FuzzyScan(ctx context.Context, fn func(graph.Item) error) (since, until int64, err error) {
	if since, err = s.Version(ctx); err != nil {
		return 0, 0, err
	}
	until = since
	for _, k := range scanPages {
		for after, full := "", true; full; {
			var items []graph.Item
			var v int64
			if items, after, v, full, err = s.scanPage(ctx, k.query, k.item, after, since); err != nil {
				return 0, 0, fmt.Errorf("neo4j: fuzzy scan %s: %w", k.kind, err)
			}
			until = max(until, v)
			for _, it := range items {
				if err := fn(it); err != nil {
					return 0, 0, err
				}
			}
		}
	}
	// So that until covers what fn wrote too.
	v, err := s.Version(ctx)
	return since, max(until, v), err
}

// scanPage reads the page after cursor after in one read transaction. It
// returns its items, the cursor of its last entity, the version read after
// them, and whether the page was full (so another may follow). An item
// read as its entity was being deleted has no ID: it is left out (the
// log has the deletion).
func (s *Store) scanPage(ctx context.Context, query string, item func(map[string]any) graph.Item, after string, since int64) (
	items []graph.Item, cursor string, version int64, full bool, err error) {
	err = s.read(ctx, "scan page", func(tx neo4j.ManagedTransaction) error {
		// The function may run again: start afresh each time.
		items, cursor, full = nil, after, false
		v, err := readVersion(ctx, tx)
		switch {
		case err != nil:
			return err
		case v < since:
			return fmt.Errorf("read version %d, older than the scan's start %d: a lagging cluster member?", v, since)
		}
		rows := 0
		err = each(ctx, tx, query, map[string]any{"after": after, "limit": s.pageSize}, func(r *neo4j.Record) error {
			rows++
			c, ok := r.Values[0].(string)
			if !ok {
				return nil // deleted as it was read
			}
			cursor = c
			ms, _ := r.Values[1].([]any)
			for _, v := range ms {
				m, ok := v.(map[string]any)
				if !ok {
					return fmt.Errorf("unexpected %T in scan", v)
				}
				if it := item(m); itemID(it) != "" {
					items = append(items, it)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if full = rows == s.pageSize; full && cursor == after {
			return fmt.Errorf("no entity of a full page after %q had a key", after)
		}
		version, err = readVersion(ctx, tx)
		return err
	})
	return items, cursor, version, full, err
}

// itemID is the ID of the item's entity, "" if it was read without one; for a
// participation, its actor's if it has a programme too.
func itemID(it graph.Item) string {
	switch {
	case it.Actor != nil:
		return it.Actor.ID
	case it.Programme != nil:
		return it.Programme.ID
	case it.Link != nil:
		return it.Link.ID
	case it.Participation != nil && it.Participation.ProgrammeID != "":
		return it.Participation.ActorID
	}
	return ""
}
