package neo4j

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

func actorProps(a *graph.Actor) props {
	p := props{"id": a.ID, "key": a.Key, "kind": string(a.Kind), "name": a.Name}
	p.str("search", searchText(strings.Join(append([]string{a.Name}, a.Aliases...), " ")))
	p.list("aliases", a.Aliases)
	p.str("description", a.Description)
	p.str("title", a.Title)
	p.list("roles", a.Roles)
	p.str("email", a.Email)
	p.str("phone", a.Phone)
	p.str("orgType", string(a.OrgType))
	p.str("sector", a.Sector)
	p.str("region", a.Region)
	p.str("parentId", a.ParentID)
	p.evidence(a.Evidence)
	p.str("attrs", attrsJSON(a.Attrs))
	return p
}

func decodeActor(m map[string]any) *graph.Actor {
	return &graph.Actor{
		ID: getStr(m, "id"), Key: getStr(m, "key"), Kind: graph.Kind(getStr(m, "kind")), Name: getStr(m, "name"),
		Aliases: getList(m, "aliases"), Description: getStr(m, "description"), Title: getStr(m, "title"), Roles: getList(m, "roles"),
		Email: getStr(m, "email"), Phone: getStr(m, "phone"), OrgType: graph.OrgType(getStr(m, "orgType")),
		Sector: getStr(m, "sector"), Region: getStr(m, "region"), ParentID: getStr(m, "parentId"),
		Evidence: getEvidence(m), Attrs: getAttrs(m),
	}
}

// validActor returns a validated copy of a, shaped as it will read back.
func validActor(a *graph.Actor) (*graph.Actor, error) {
	c := *a
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Roles = nilIfEmpty(c.Roles)
	c.Aliases = nilIfEmpty(c.Aliases)
	return &c, nil
}

// ActorsByID returns the actors with the given IDs, nil where unknown.
func (s *Store) ActorsByID(ctx context.Context, ids []string) ([]*graph.Actor, error) {
	if len(ids) == 0 {
		return []*graph.Actor{}, nil
	}
	var found []*graph.Actor
	err := s.read(ctx, "actors by id", func(tx neo4j.ManagedTransaction) error {
		var err error
		found, err = actorsByID(ctx, tx, unique(ids))
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(a *graph.Actor) string { return a.ID }), nil
}

func actorsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) ([]*graph.Actor, error) {
	return collectMaps(ctx, tx, `UNWIND $ids AS id MATCH (a:Actor {id: id}) RETURN a{.*}`,
		map[string]any{"ids": ids}, decodeActor)
}

func actorsByKey(ctx context.Context, tx neo4j.ManagedTransaction, keys []string) ([]*graph.Actor, error) {
	return collectMaps(ctx, tx, `UNWIND $keys AS key MATCH (a:Actor {key: key}) RETURN a{.*}`,
		map[string]any{"keys": keys}, decodeActor)
}

// getActor returns the actor with id, or nil.
func getActor(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*graph.Actor, error) {
	as, err := actorsByID(ctx, tx, []string{id})
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return as[0], nil
}

// FindActors returns a page of actors matching f, ordered by name then ID.
func (s *Store) FindActors(ctx context.Context, f graph.ActorFilter, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	ks, err := p.Keyset(graph.EntityActor)
	if err != nil {
		return nil, err
	}
	match, w, ok, err := actorMatch(f)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &graph.Page[*graph.Actor]{Items: []*graph.Actor{}, Cursors: []string{}}, nil
	}
	params := w.with()
	countQ := match + w.String() + ` RETURN count(a)`
	pageQ := pageQuery(ks, match, w, "a", "a", "a{.*}", params)
	var total int
	var found []*graph.Actor
	var vals [][]any
	err = s.read(ctx, "find actors", func(tx neo4j.ManagedTransaction) error {
		var err error
		if total, err = countUnlessNoTotal(ctx, tx, p, countQ, w.params); err != nil {
			return err
		}
		found, vals, err = collectPage(ctx, tx, pageQ, params, decodeActor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

// actorMatch returns the MATCH (or full-text CALL) and WHERE clause binding
// `a` to the actors f selects. ok is false if f can match nothing.
func actorMatch(f graph.ActorFilter) (match string, w *where, ok bool, err error) {
	if err := graph.CheckSearch(f.Search); err != nil {
		return "", nil, false, err
	}
	if err := graph.CheckWhere(graph.EntityActor, f.Where); err != nil {
		return "", nil, false, err
	}
	w = newWhere()
	match = `MATCH (a:Actor)`
	if f.Search != "" {
		q, ok, err := searchQuery(f.Search)
		if err != nil || !ok {
			return "", nil, false, err
		}
		match = `CALL db.index.fulltext.queryNodes('actor_search', $search) YIELD node AS a`
		w.params["search"] = q
	}
	in(w, `a.key IN $keys`, "keys", f.Keys)
	in(w, `a.kind IN $kinds`, "kinds", f.Kinds)
	in(w, `a.orgType IN $orgTypes`, "orgTypes", f.OrgTypes)
	w.eq(`a.sector = $sector`, "sector", f.Sector)
	w.eq(`a.region = $region`, "region", f.Region)
	w.eq(`a.parentId = $parentId`, "parentId", f.ParentID)
	w.addWhere(graph.EntityActor, f.Where, "a")
	return match, w, true, nil
}

// CreateActor stores a new actor. Returns EINVALID for a bad actor or a
// missing parent and ECONFLICT if its key is taken.
func (s *Store) CreateActor(ctx context.Context, in *graph.Actor) (*graph.Actor, error) {
	a, err := validActor(in)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, "create actor", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := actorsByKey(ctx, tx, []string{a.Key})
		if err != nil {
			return false, err
		}
		if len(old) > 0 {
			return false, graph.Errorf(graph.ECONFLICT, "key", "key %q is already taken", a.Key)
		}
		if err := checkParent(a, storeActors(ctx, tx)); err != nil {
			return false, err
		}
		log.Created(a)
		return true, run(ctx, tx, `CREATE (a:Actor) SET a = $props`, map[string]any{"props": actorProps(a)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateActor applies u to the actor with u.ID. Returns ENOTFOUND, EINVALID.
func (s *Store) UpdateActor(ctx context.Context, u graph.ActorUpdate) (*graph.Actor, error) {
	var a *graph.Actor
	err := s.write(ctx, "update actor", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		old, err := getActor(ctx, tx, u.ID)
		if err != nil {
			return false, err
		}
		if old == nil {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no actor with %s", graph.Describe(u.ID))
		}
		if err := graph.CheckRevision("actor", u.ID, old, u.ExpectedRevision); err != nil {
			return false, err
		}
		if a, err = validActor(u.Apply(old)); err != nil {
			return false, err
		}
		if err := checkParent(a, storeActors(ctx, tx)); err != nil {
			return false, err
		}
		log.Updated(old, a)
		return true, run(ctx, tx, `MATCH (a:Actor {id: $id}) SET a = $props`,
			map[string]any{"id": a.ID, "props": actorProps(a)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteActor removes an actor with its links and participations, clears
// it as broker of other links and as parent of organisations.
// Returns ENOTFOUND.
func (s *Store) DeleteActor(ctx context.Context, id, revision string) error {
	return s.write(ctx, "delete actor", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		a, err := getActor(ctx, tx, id)
		if err != nil {
			return false, err
		}
		if a == nil {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no actor with %s", graph.Describe(id))
		}
		if err := graph.CheckRevision("actor", id, a, revision); err != nil {
			return false, err
		}
		return true, deleteActor(ctx, tx, log, a)
	})
}

// deleteActor deletes a, clears it as broker and parent, and logs all
// that and the links and participations that go with it.
func deleteActor(ctx context.Context, tx neo4j.ManagedTransaction, log *graph.ChangeLog, a *graph.Actor) error {
	params := map[string]any{"id": a.ID}
	var c graph.ActorCascade
	var err error
	if c.Links, err = collectMaps(ctx, tx, `MATCH (s:Actor {id: $id})-[l:LINK]->(t:Actor) RETURN `+linkReturn+` AS m
		UNION ALL MATCH (s:Actor)-[l:LINK]->(t:Actor {id: $id}) RETURN `+linkReturn+` AS m`, params, decodeLink); err != nil {
		return err
	}
	if c.Brokered, err = collectMaps(ctx, tx, `MATCH (s:Actor)-[l:LINK {brokeredById: $id}]->(t:Actor) RETURN `+linkReturn, params, decodeLink); err != nil {
		return err
	}
	if c.Units, err = collectMaps(ctx, tx, `MATCH (a:Actor {parentId: $id}) RETURN a{.*}`, params, decodeActor); err != nil {
		return err
	}
	if c.Participations, err = collectMaps(ctx, tx, `MATCH (a:Actor {id: $id})-[r:TAKES_PART]->(p:Programme) RETURN `+participationReturn, params, decodeParticipation); err != nil {
		return err
	}
	log.ActorDeleted(a, c)
	for _, q := range []string{
		`MATCH ()-[l:LINK {brokeredById: $id}]->() REMOVE l.brokeredById`,
		`MATCH (c:Actor {parentId: $id}) REMOVE c.parentId`,
		// DETACH removes its links and participations with it.
		`MATCH (a:Actor {id: $id}) DETACH DELETE a`,
	} {
		if err := run(ctx, tx, q, params); err != nil {
			return err
		}
	}
	return nil
}

// storeActors looks actors up by ID in the store.
func storeActors(ctx context.Context, tx neo4j.ManagedTransaction) func(id string) (*graph.Actor, error) {
	return func(id string) (*graph.Actor, error) { return getActor(ctx, tx, id) }
}

// checkParent verifies that a's parent exists, is an organisation and is not
// a descendant of a. get looks an actor up by ID (nil if unknown).
func checkParent(a *graph.Actor, get func(id string) (*graph.Actor, error)) error {
	seen := map[string]bool{}
	for id := a.ParentID; id != "" && !seen[id]; {
		if id == a.ID {
			return graph.Errorf(graph.EINVALID, "parentId", "parentId: %s would make a cycle", graph.Describe(a.ParentID))
		}
		seen[id] = true
		p, err := get(id)
		if err != nil {
			return err
		}
		if p == nil {
			return graph.Errorf(graph.ENOTFOUND, "parentId", "parentId: no organisation with %s", graph.Describe(id))
		}
		if p.Kind != graph.KindOrganisation {
			return graph.Errorf(graph.EINVALID, "parentId", "parentId: %s is a person, not an organisation", graph.Describe(id))
		}
		id = p.ParentID
	}
	return nil
}
