package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

func programmeProps(p *graph.Programme) props {
	m := props{"id": p.ID, "key": p.Key, "name": p.Name}
	m.str("search", searchText(p.Name))
	m.str("description", p.Description)
	m.list("aims", p.Aims)
	m.date("startDate", p.Start)
	m.date("endDate", p.End)
	m.list("tags", p.Tags)
	m.evidence(p.Evidence)
	return m
}

func decodeProgramme(m map[string]any) *graph.Programme {
	return &graph.Programme{
		ID: getStr(m, "id"), Key: getStr(m, "key"), Name: getStr(m, "name"), Description: getStr(m, "description"),
		Aims: getList(m, "aims"), Start: getDate(m, "startDate"), End: getDate(m, "endDate"), Tags: getList(m, "tags"),
		Evidence: getEvidence(m),
	}
}

// validProgramme returns a validated copy of p, shaped as it will read back.
func validProgramme(p *graph.Programme) (*graph.Programme, error) {
	c := *p
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Aims, c.Tags = nilIfEmpty(c.Aims), nilIfEmpty(c.Tags)
	return &c, nil
}

// ProgrammesByID returns the programmes with the given IDs, nil where unknown.
func (s *Store) ProgrammesByID(ctx context.Context, ids []string) ([]*graph.Programme, error) {
	if len(ids) == 0 {
		return []*graph.Programme{}, nil
	}
	var found []*graph.Programme
	err := s.read(ctx, "programmes by id", func(tx neo4j.ManagedTransaction) error {
		var err error
		found, err = programmesByID(ctx, tx, unique(ids))
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(p *graph.Programme) string { return p.ID }), nil
}

func programmesByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*graph.Programme, error) {
	return collectMaps(ctx, tx, `UNWIND $ids AS id MATCH (p:Programme {id: id}) RETURN p{.*}`,
		map[string]any{"ids": ids}, decodeProgramme)
}

func getProgramme(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*graph.Programme, error) {
	ps, err := programmesByID(ctx, tx, []string{id})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// FindProgrammes returns a page of programmes, ordered by name then ID.
func (s *Store) FindProgrammes(ctx context.Context, f graph.ProgrammeFilter, p graph.PageArgs) (*graph.Page[*graph.Programme], error) {
	ks, err := p.Keyset(graph.EntityProgramme)
	if err != nil {
		return nil, err
	}
	if err := graph.CheckSearch(f.Search); err != nil {
		return nil, err
	}
	if err := graph.CheckWhere(graph.EntityProgramme, f.Where); err != nil {
		return nil, err
	}
	w := newWhere()
	match := `MATCH (p:Programme)`
	if f.Search != "" {
		q, ok, err := searchQuery(f.Search)
		if err != nil {
			return nil, err
		}
		if !ok {
			return &graph.Page[*graph.Programme]{Items: []*graph.Programme{}, Cursors: []string{}}, nil
		}
		match = `CALL db.index.fulltext.queryNodes('programme_search', $search) YIELD node AS p`
		w.params["search"] = q
	}
	in(w, `p.key IN $keys`, "keys", f.Keys)
	w.eq(`$tag IN p.tags`, "tag", f.Tag)
	w.addWhere(graph.EntityProgramme, f.Where, "p")
	params := w.with()
	countQ := match + w.String() + ` RETURN count(p)`
	pageQ := pageQuery(ks, match, w, "p", "p", "p{.*}", params)
	var total int
	var found []*graph.Programme
	var vals [][]any
	err = s.read(ctx, "find programmes", func(tx neo4j.ManagedTransaction) error {
		var err error
		if total, err = countUnlessNoTotal(ctx, tx, p, countQ, w.params); err != nil {
			return err
		}
		found, vals, err = collectPage(ctx, tx, pageQ, params, decodeProgramme)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

// CreateProgramme returns EINVALID or ECONFLICT.
func (s *Store) CreateProgramme(ctx context.Context, in *graph.Programme) (*graph.Programme, error) {
	p, err := validProgramme(in)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, "create programme", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := getProgramme(ctx, tx, p.ID)
		if err != nil {
			return false, err
		}
		if old != nil {
			return false, graph.Errorf(graph.ECONFLICT, "key", "key %q is already taken", p.Key)
		}
		log.Created(p)
		return true, run(ctx, tx, `CREATE (p:Programme) SET p = $props`, map[string]any{"props": programmeProps(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateProgramme returns ENOTFOUND or EINVALID.
func (s *Store) UpdateProgramme(ctx context.Context, u graph.ProgrammeUpdate) (*graph.Programme, error) {
	var p *graph.Programme
	err := s.write(ctx, "update programme", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := getProgramme(ctx, tx, u.ID)
		if err != nil {
			return false, err
		}
		if old == nil {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no programme with %s", graph.Describe(u.ID))
		}
		if err := graph.CheckRevision("programme", u.ID, old, u.ExpectedRevision); err != nil {
			return false, err
		}
		if p, err = validProgramme(u.Apply(old)); err != nil {
			return false, err
		}
		log.Updated(old, p)
		return true, run(ctx, tx, `MATCH (p:Programme {id: $id}) SET p = $props`,
			map[string]any{"id": p.ID, "props": programmeProps(p)})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteProgramme removes a programme and its participations and detaches
// its links (they stay, without a programme). Returns ENOTFOUND.
func (s *Store) DeleteProgramme(ctx context.Context, id, revision string) error {
	return s.write(ctx, "delete programme", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		p, err := getProgramme(ctx, tx, id)
		if err != nil {
			return false, err
		}
		if p == nil {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no programme with %s", graph.Describe(id))
		}
		if err := graph.CheckRevision("programme", id, p, revision); err != nil {
			return false, err
		}
		params := map[string]any{"id": id}
		links, err := collectMaps(ctx, tx, `MATCH (s:Actor)-[l:LINK {programmeId: $id}]->(t:Actor) RETURN `+linkReturn, params, decodeLink)
		if err != nil {
			return false, err
		}
		parts, err := collectMaps(ctx, tx, `MATCH (a:Actor)-[r:TAKES_PART]->(p:Programme {id: $id}) RETURN `+participationReturn, params, decodeParticipation)
		if err != nil {
			return false, err
		}
		log.ProgrammeDeleted(p, links, parts)
		if err := run(ctx, tx, `MATCH ()-[l:LINK {programmeId: $id}]->() REMOVE l.programmeId`, params); err != nil {
			return false, err
		}
		return true, run(ctx, tx, `MATCH (p:Programme {id: $id}) DETACH DELETE p`, params)
	})
}
