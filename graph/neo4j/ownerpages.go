package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// ownedLinks binds, for the owner id, its links as (s)-[l]->(t), with the
// condition that selects them (through the link_broker and link_programme
// indexes, or the actor's relationships).
var ownedLinks = map[graph.LinkOwner]struct{ match, cond string }{
	graph.OwnerActor:     {`MATCH (:Actor {id: id})-[l:LINK]-(:Actor) WITH id, l, startNode(l) AS s, endNode(l) AS t`, ""},
	graph.OwnerBroker:    {`MATCH (s:Actor)-[l:LINK]->(t:Actor)`, `l.brokeredById = id`},
	graph.OwnerProgramme: {`MATCH (s:Actor)-[l:LINK]->(t:Actor)`, `l.programmeId = id`},
}

// LinkPages returns, for each ID, page p of the links owner says it has:
// per owner, a count and the first size+1 links after the cursor, each in
// its own subquery so Neo4j reads no more than that.
func (s *Store) LinkPages(ctx context.Context, owner graph.LinkOwner, ids []string, f graph.LinkFilter, p graph.PageArgs) ([]*graph.Page[*graph.Link], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	if err := owner.Check(); err != nil {
		return nil, err
	}
	w := linkWhere(f)
	params := w.with("ids", unique(ids), "limit", size+1)
	o := ownedLinks[owner]
	var own []string
	if o.cond != "" {
		own = []string{o.cond}
	}
	keyset := own
	if p.After != "" {
		after, err := p.AfterKey(1)
		if err != nil {
			return nil, err
		}
		keyset = append(keyset, `l.key > $afterKey`)
		params["afterKey"] = after[0]
	}
	q := `UNWIND $ids AS id
		CALL { WITH id ` + o.match + w.String(own...) + ` RETURN count(l) AS total }
		CALL { WITH id ` + o.match + w.String(keyset...) + ` WITH s, l, t ORDER BY l.key LIMIT $limit
			RETURN collect(` + linkReturn + `) AS links }
		RETURN id, total, links`
	totals, found, err := perOwner(ctx, s, "link pages", q, params, decodeLink)
	if err != nil {
		return nil, err
	}
	return graph.NewPages(ids, found, totals, size, p.After, graph.LinkKey), nil
}

// UnitPages returns, for each parent ID, page p of its units: per parent, a
// count and the first size+1 units after the cursor (actor_parent index).
func (s *Store) UnitPages(ctx context.Context, parentIDs []string, p graph.PageArgs) ([]*graph.Page[*graph.Actor], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	params := map[string]any{"ids": unique(parentIDs), "limit": size + 1}
	keyset := ""
	if p.After != "" {
		after, err := p.AfterKey(2)
		if err != nil {
			return nil, err
		}
		keyset = ` AND (a.name > $afterName OR (a.name = $afterName AND a.id > $afterId))`
		params["afterName"], params["afterId"] = after[0], after[1]
	}
	q := `UNWIND $ids AS id
		CALL { WITH id MATCH (a:Actor) WHERE a.parentId = id RETURN count(a) AS total }
		CALL { WITH id MATCH (a:Actor) WHERE a.parentId = id` + keyset + ` WITH a ORDER BY a.name, a.id LIMIT $limit
			RETURN collect(a{.*}) AS units }
		RETURN id, total, units`
	totals, found, err := perOwner(ctx, s, "unit pages", q, params, decodeActor)
	if err != nil {
		return nil, err
	}
	return graph.NewPages(parentIDs, found, totals, size, p.After, graph.ActorKey), nil
}

// perOwner runs q, whose rows are (owner id, total, list of maps), and
// returns each owner's total and decoded items.
func perOwner[T any](ctx context.Context, s *Store, name, q string, params map[string]any, decode func(map[string]any) T) (map[string]int, map[string][]T, error) {
	totals, found := map[string]int{}, map[string][]T{}
	err := s.read(ctx, name, func(tx neo4j.ManagedTransaction) error {
		clear(totals) // the work function may be retried
		clear(found)
		return each(ctx, tx, q, params, func(r *neo4j.Record) error {
			id, _ := r.Values[0].(string)
			total, _ := r.Values[1].(int64)
			ms, _ := r.Values[2].([]any)
			totals[id] = int(total)
			for _, m := range ms {
				m, _ := m.(map[string]any)
				found[id] = append(found[id], decode(m))
			}
			return nil
		})
	})
	return totals, found, err
}
