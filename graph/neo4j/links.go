package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// linkProps are a link's relationship properties; its ends are the
// relationship's nodes.
func linkProps(l *graph.Link) props {
	p := props{"id": l.ID, "key": l.Key, "type": string(l.Type), "directed": l.Directed, "weight": l.Weight}
	p.date("validFrom", l.From)
	p.date("validTo", l.To)
	p.str("programmeId", l.ProgrammeID)
	p.str("brokeredById", l.BrokeredByID)
	p.evidence(l.Evidence)
	p.str("attrs", attrsJSON(l.Attrs))
	return p
}

// linkKeys are all the properties linkProps may set.
var linkKeys = []string{"id", "key", "type", "directed", "weight", "validFrom", "validTo", "programmeId",
	"brokeredById", "evidenceSource", "evidenceQuote", "evidenceNote", "attrs"}

// createLinks creates the link of each row {sourceId, targetId, props}. The
// properties are written in the CREATE pattern (absent ones are null, so not
// stored) rather than by SET l = row.props, which would make Cypher
// materialise every row first (Eager) for fear the SET changes what the
// MATCH reads.
var createLinks = `UNWIND $rows AS row MATCH (s:Actor {id: row.sourceId}), (t:Actor {id: row.targetId})
	CREATE (s)-[:LINK ` + propMap("row.props", linkKeys) + `]->(t)`

func linkRow(l *graph.Link) map[string]any {
	return map[string]any{"id": l.ID, "sourceId": l.SourceID, "targetId": l.TargetID, "props": linkProps(l)}
}

// linkReturn projects a link bound as (s)-[l]->(t) to the map decodeLink reads.
const linkReturn = `l{.*, sourceId: s.id, targetId: t.id}`

func decodeLink(m map[string]any) *graph.Link {
	directed, _ := m["directed"].(bool)
	weight, _ := m["weight"].(float64)
	return &graph.Link{
		ID: getStr(m, "id"), Key: getStr(m, "key"), Type: graph.LinkType(getStr(m, "type")),
		SourceID: getStr(m, "sourceId"), TargetID: getStr(m, "targetId"), Directed: directed, Weight: weight,
		Interval:    graph.Interval{From: getDate(m, "validFrom"), To: getDate(m, "validTo")},
		ProgrammeID: getStr(m, "programmeId"), BrokeredByID: getStr(m, "brokeredById"), Evidence: getEvidence(m),
		Attrs: getAttrs(m),
	}
}

func validLink(l *graph.Link) (*graph.Link, error) {
	c := *l
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LinksByID returns the links with the given IDs, nil where unknown.
func (s *Store) LinksByID(ctx context.Context, ids []string) ([]*graph.Link, error) {
	if len(ids) == 0 {
		return []*graph.Link{}, nil
	}
	var found []*graph.Link
	err := s.read(ctx, "links by id", func(tx neo4j.ManagedTransaction) error {
		var err error
		found, err = linksByID(ctx, tx, unique(ids))
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(l *graph.Link) string { return l.ID }), nil
}

func linksByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*graph.Link, error) {
	return collectMaps(ctx, tx, `UNWIND $ids AS id MATCH (s:Actor)-[l:LINK {id: id}]->(t:Actor) RETURN `+linkReturn,
		map[string]any{"ids": ids}, decodeLink)
}

func getLink(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*graph.Link, error) {
	ls, err := linksByID(ctx, tx, []string{id})
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	return ls[0], nil
}

// linkWhere selects the links (bound to l) that f matches.
func linkWhere(f graph.LinkFilter) *where {
	w := newWhere()
	in(w, `l.type IN $types`, "types", f.Types)
	w.eq(`l.programmeId = $programmeId`, "programmeId", f.ProgrammeID)
	w.eq(`l.brokeredById = $brokeredById`, "brokeredById", f.BrokeredByID)
	// Bounds are inclusive; an open bound on either side overlaps everything.
	w.eq(`(l.validTo IS NULL OR l.validTo >= $activeFrom)`, "activeFrom", f.Active.From.String())
	w.eq(`(l.validFrom IS NULL OR l.validFrom <= $activeTo)`, "activeTo", f.Active.To.String())
	w.addWhere(graph.EntityLink, f.Where, "l")
	return w
}

// linkQueries returns FindLinks' count and page queries and the page's
// parameters.
func linkQueries(f graph.LinkFilter, ks *graph.Keyset) (w *where, countQ, pageQ string, params map[string]any) {
	w = linkWhere(f)
	params = w.with()
	const match = `MATCH (s:Actor)-[l:LINK]->(t:Actor)`
	return w, match + w.String() + ` RETURN count(l)`, pageQuery(ks, match, w, "l", "s, l, t", linkReturn, params), params
}

// FindLinks returns a page of links matching f, ordered by key.
func (s *Store) FindLinks(ctx context.Context, f graph.LinkFilter, p graph.PageArgs) (*graph.Page[*graph.Link], error) {
	ks, err := p.Keyset(graph.EntityLink)
	if err != nil {
		return nil, err
	}
	if err := graph.CheckWhere(graph.EntityLink, f.Where); err != nil {
		return nil, err
	}
	w, countQ, pageQ, params := linkQueries(f, ks)
	var total int
	var found []*graph.Link
	var vals [][]any
	err = s.read(ctx, "find links", func(tx neo4j.ManagedTransaction) error {
		var err error
		if total, err = countUnlessNoTotal(ctx, tx, p, countQ, w.params); err != nil {
			return err
		}
		found, vals, err = collectPage(ctx, tx, pageQ, params, decodeLink)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

// LinksOfActors returns, for each actor ID, the links it is an end of
// (subject to f), ordered by key.
func (s *Store) LinksOfActors(ctx context.Context, actorIDs []string, f graph.LinkFilter) ([][]*graph.Link, error) {
	out := make([][]*graph.Link, len(actorIDs))
	if len(actorIDs) == 0 {
		return out, nil
	}
	w := linkWhere(f)
	q := `UNWIND $ids AS id MATCH (:Actor {id: id})-[l:LINK]-(:Actor)` + w.String() +
		` WITH id, l, startNode(l) AS s, endNode(l) AS t ORDER BY l.key RETURN id, ` + linkReturn
	params := w.with("ids", unique(actorIDs))
	by := map[string][]*graph.Link{}
	err := s.read(ctx, "links of actors", func(tx neo4j.ManagedTransaction) error {
		clear(by)
		return each(ctx, tx, q, params, func(r *neo4j.Record) error {
			id, _ := r.Values[0].(string)
			m, _ := r.Values[1].(map[string]any)
			by[id] = append(by[id], decodeLink(m))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	for i, id := range actorIDs {
		out[i] = by[id]
	}
	return out, nil
}

// CreateLink returns EINVALID (bad input, or an end, programme or broker
// that does not exist) or ECONFLICT if its key is taken.
func (s *Store) CreateLink(ctx context.Context, in *graph.Link) (*graph.Link, error) {
	l, err := validLink(in)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, "create link", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := getLink(ctx, tx, l.ID)
		if err != nil {
			return false, err
		}
		if old != nil {
			return false, graph.Errorf(graph.ECONFLICT, "key", "link key %q is already taken", l.Key)
		}
		if err := checkLinkRefs(ctx, tx, l); err != nil {
			return false, err
		}
		log.Created(l)
		return true, run(ctx, tx, createLinks, map[string]any{"rows": []any{linkRow(l)}})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// UpdateLink returns ENOTFOUND or EINVALID.
func (s *Store) UpdateLink(ctx context.Context, u graph.LinkUpdate) (*graph.Link, error) {
	var l *graph.Link
	err := s.write(ctx, "update link", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := getLink(ctx, tx, u.ID)
		if err != nil {
			return false, err
		}
		if old == nil {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no link with %s", graph.Describe(u.ID))
		}
		if err := graph.CheckRevision("link", u.ID, old, u.ExpectedRevision); err != nil {
			return false, err
		}
		if l, err = validLink(u.Apply(old)); err != nil {
			return false, err
		}
		if err := checkLinkRefs(ctx, tx, l); err != nil {
			return false, err
		}
		log.Updated(old, l)
		return true, run(ctx, tx, `MATCH ()-[l:LINK {id: $id}]->() SET l = $props`,
			map[string]any{"id": l.ID, "props": linkProps(l)})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteLink returns ENOTFOUND or ECONFLICT (a *graph.StaleError).
func (s *Store) DeleteLink(ctx context.Context, id, revision string) error {
	return s.write(ctx, "delete link", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		if revision != "" {
			l, err := getLink(ctx, tx, id)
			if err != nil {
				return false, err
			}
			if l != nil {
				if err := graph.CheckRevision("link", id, l, revision); err != nil {
					return false, err
				}
			}
		}
		gone, err := collectMaps(ctx, tx, `MATCH (s:Actor)-[l:LINK {id: $id}]->(t:Actor) WITH s, l, t, `+linkReturn+` AS m
			DELETE l RETURN m`, map[string]any{"id": id}, decodeLink)
		if err != nil {
			return false, err
		}
		if len(gone) == 0 {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no link with %s", graph.Describe(id))
		}
		log.Deleted(gone[0])
		return true, nil
	})
}

// checkLinkRefs returns EINVALID naming the first reference of l to an
// entity that does not exist in the store.
func checkLinkRefs(ctx context.Context, tx neo4j.ManagedTransaction, l *graph.Link) error {
	actors, err := existing(ctx, tx, existingActors, l.Ends())
	if err != nil {
		return err
	}
	progs, err := existing(ctx, tx, existingProgrammes, nonEmpty(l.ProgrammeID))
	if err != nil {
		return err
	}
	return linkRefs(l, func(id string) bool { return actors[id] }, func(id string) bool { return progs[id] })
}

// linkRefs checks l's references with the given existence tests, in the
// order sourceId, targetId, brokeredById, programmeId.
func linkRefs(l *graph.Link, actor, programme func(id string) bool) error {
	for _, ref := range []struct {
		field, id string
		ok        func(string) bool
	}{
		{"sourceId", l.SourceID, actor}, {"targetId", l.TargetID, actor},
		{"brokeredById", l.BrokeredByID, actor}, {"programmeId", l.ProgrammeID, programme},
	} {
		if ref.id != "" && !ref.ok(ref.id) {
			return graph.Errorf(graph.ENOTFOUND, ref.field, "%s: %s does not exist", ref.field, graph.Describe(ref.id))
		}
	}
	return nil
}

// Queries for existing: the label comes from this constant text only.
const (
	existingActors     = `UNWIND $ids AS id MATCH (x:Actor {id: id}) RETURN x.id`
	existingProgrammes = `UNWIND $ids AS id MATCH (x:Programme {id: id}) RETURN x.id`
)

// existing returns which of ids the query (existingActors or
// existingProgrammes) finds.
func existing(ctx context.Context, tx neo4j.ManagedTransaction, q string, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	err := each(ctx, tx, q, map[string]any{"ids": unique(ids)}, func(r *neo4j.Record) error {
		id, _ := r.Values[0].(string)
		found[id] = true
		return nil
	})
	return found, err
}

func nonEmpty(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
