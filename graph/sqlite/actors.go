package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

const actorCols = `id, key, kind, name, aliases, description, title, roles, email, phone, org_type, sector, region, coalesce(parent_id, ''), evidence, attrs`

func scanActor(r rowScanner) (*graph.Actor, error) {
	var a graph.Actor
	var aliases, roles, evidence, attrs string
	err := r.Scan(&a.ID, &a.Key, &a.Kind, &a.Name, &aliases, &a.Description, &a.Title, &roles, &a.Email, &a.Phone,
		&a.OrgType, &a.Sector, &a.Region, &a.ParentID, &evidence, &attrs)
	if err != nil {
		return nil, err
	}
	if a.Roles, err = decodeList(roles); err != nil {
		return nil, err
	}
	if a.Aliases, err = decodeList(aliases); err != nil {
		return nil, err
	}
	if a.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, err
	}
	return &a, json.Unmarshal([]byte(evidence), &a.Evidence)
}

// ActorsByID returns actors in the order of ids, nil where unknown.
func (s *Store) ActorsByID(ctx context.Context, ids []string) ([]*graph.Actor, error) {
	var found []*graph.Actor
	err := inChunks(ids, func(chunk []string) error {
		as, err := scanAll(ctx, s.r, scanActor, `SELECT `+actorCols+` FROM actors WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		found = append(found, as...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(a *graph.Actor) string { return a.ID }), nil
}

// FindActors returns a page of actors matching f, ordered by name then ID.
func (s *Store) FindActors(ctx context.Context, f graph.ActorFilter, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	ks, err := p.Keyset(graph.EntityActor)
	if err != nil {
		return nil, err
	}
	if err := checkActorFilter(f); err != nil {
		return nil, err
	}
	where, args := actorWhere(f)
	var total int
	var found []*graph.Actor
	var vals [][]any
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := countUnlessNoTotal(ctx, tx, p, `SELECT count(*) FROM actors WHERE `+where, args, &total); err != nil {
			return fmt.Errorf("sqlite: count actors: %w", err)
		}
		found, vals, err = findPage(ctx, tx, ks, "actors", actorCols, scanActor, where, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

func checkActorFilter(f graph.ActorFilter) error {
	if err := graph.CheckSearch(f.Search); err != nil {
		return err
	}
	return graph.CheckWhere(graph.EntityActor, f.Where)
}

func actorWhere(f graph.ActorFilter) (string, []any) {
	c := &conds{}
	in(c, "key", f.Keys)
	in(c, "kind", f.Kinds)
	in(c, "org_type", f.OrgTypes)
	c.eq("sector", f.Sector)
	c.eq("region", f.Region)
	c.eq("parent_id", f.ParentID)
	if q := ftsQuery(f.Search); q != "" {
		c.add(`rowid IN (SELECT rowid FROM actor_names WHERE actor_names MATCH ?)`, q)
	} else if strings.TrimSpace(f.Search) != "" {
		c.add(`0`) // only punctuation: nothing can match
	}
	c.where(graph.EntityActor, f.Where, "actors")
	return c.sql()
}

// conds builds a parameterised WHERE clause from fixed column names.
type conds struct {
	parts []string
	args  []any
}

func (c *conds) add(cond string, args ...any) {
	c.parts = append(c.parts, cond)
	c.args = append(c.args, args...)
}

// where adds the condition w puts on the rows of e named t.
func (c *conds) where(e graph.Entity, w *graph.Where, t string) {
	if w != nil {
		b := &whereBuilder{}
		c.add(b.where(e, w, t), b.args...)
	}
}

func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+` = ?`, v)
	}
}

func in[T ~string](c *conds, col string, vs []T) {
	if len(vs) > 0 {
		c.add(col+` IN (`+placeholders(len(vs))+`)`, anys(vs)...)
	}
}

func (c *conds) sql() (string, []any) {
	if len(c.parts) == 0 {
		return "1", nil
	}
	return strings.Join(c.parts, " AND "), c.args
}

// afterNameID adds a keyset condition for a (name, id) cursor.
func afterNameID(where string, args []any, p graph.PageArgs) (string, []any, error) {
	parts, err := p.AfterKey(2)
	if parts == nil || err != nil {
		return where, args, err
	}
	return where + ` AND (name, id) > (?, ?)`, append(append([]any{}, args...), parts[0], parts[1]), nil
}

// CreateActor stores a new actor.
func (s *Store) CreateActor(ctx context.Context, a *graph.Actor) (*graph.Actor, error) {
	a = clone(a)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		if err := conflict(ctx, tx, "actors", a.Key); err != nil {
			return err
		}
		if err := checkParent(ctx, tx, a); err != nil {
			return err
		}
		log.Created(a)
		return upsertActor(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateActor applies u to an existing actor.
func (s *Store) UpdateActor(ctx context.Context, u graph.ActorUpdate) (*graph.Actor, error) {
	var a *graph.Actor
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		old, err := getActor(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if old == nil {
			return graph.Errorf(graph.ENOTFOUND, "id", "actor %q not found", u.ID)
		}
		if err := graph.CheckRevision("actor", u.ID, old, u.ExpectedRevision); err != nil {
			return err
		}
		a = u.Apply(old)
		if err := a.Validate(); err != nil {
			return err
		}
		if err := checkParent(ctx, tx, a); err != nil {
			return err
		}
		log.Updated(old, a)
		return upsertActor(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteActor removes an actor; foreign keys cascade to its links and
// participations and clear it as parent and broker.
func (s *Store) DeleteActor(ctx context.Context, id, revision string) error {
	return s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		a, err := getActor(ctx, tx, id)
		if err != nil {
			return err
		}
		if a == nil {
			return graph.Errorf(graph.ENOTFOUND, "id", "actor %q not found", id)
		}
		if err := graph.CheckRevision("actor", id, a, revision); err != nil {
			return err
		}
		return deleteActor(ctx, tx, log, a)
	})
}

// deleteActor deletes a and logs what the delete cascades to (foreign
// keys do the cascading).
func deleteActor(ctx context.Context, tx *sql.Tx, log *graph.ChangeLog, a *graph.Actor) error {
	var c graph.ActorCascade
	var err error
	if c.Links, err = scanAll(ctx, tx, scanLink, `SELECT `+linkCols+` FROM links WHERE source_id = ? OR target_id = ?`, a.ID, a.ID); err != nil {
		return err
	}
	if c.Brokered, err = scanAll(ctx, tx, scanLink, `SELECT `+linkCols+` FROM links WHERE brokered_by_id = ?`, a.ID); err != nil {
		return err
	}
	if c.Units, err = scanAll(ctx, tx, scanActor, `SELECT `+actorCols+` FROM actors WHERE parent_id = ?`, a.ID); err != nil {
		return err
	}
	if c.Participations, err = scanAll(ctx, tx, scanParticipation, `SELECT `+participationCols+` FROM participations WHERE actor_id = ?`, a.ID); err != nil {
		return err
	}
	log.ActorDeleted(a, c)
	return deleteRow(ctx, tx, "actors", "actor", a.ID)
}

func getActor(ctx context.Context, q queryer, id string) (*graph.Actor, error) {
	a, err := scanActor(q.QueryRowContext(ctx, `SELECT `+actorCols+` FROM actors WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get actor: %w", err)
	}
	return a, nil
}

// checkParent verifies a's parent exists, is an organisation and is not a
// descendant of a (no cycles).
func checkParent(ctx context.Context, tx *sql.Tx, a *graph.Actor) error {
	for id := a.ParentID; id != ""; {
		p, err := getActor(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case p == nil:
			return graph.Errorf(graph.ENOTFOUND, "parentId", "parentId: no organisation with %s", graph.Describe(id))
		case p.Kind != graph.KindOrganisation:
			return graph.Errorf(graph.EINVALID, "parentId", "parentId: %s is a person, not an organisation", graph.Describe(id))
		case p.ID == a.ID:
			return graph.Errorf(graph.EINVALID, "parentId", "parent %q would make a cycle", a.ParentID)
		}
		id = p.ParentID
	}
	return nil
}

// insertActorSQL inserts the values actorArgs gives; upsertActorSQL
// replaces every field of an actor that exists but its key and kind.
var (
	insertActorSQL = `INSERT INTO actors (` + strings.ReplaceAll(actorCols, "coalesce(parent_id, '')", "parent_id") +
		`) VALUES (` + placeholders(16) + `)`
	upsertActorSQL = insertActorSQL + ` ON CONFLICT (id) DO UPDATE SET name = excluded.name, aliases = excluded.aliases,
		description = excluded.description, title = excluded.title, roles = excluded.roles, email = excluded.email,
		phone = excluded.phone, org_type = excluded.org_type, sector = excluded.sector, region = excluded.region,
		parent_id = excluded.parent_id, evidence = excluded.evidence, attrs = excluded.attrs`
)

func upsertActor(ctx context.Context, tx *sql.Tx, a *graph.Actor) error {
	_, err := tx.ExecContext(ctx, upsertActorSQL, actorArgs(a)...)
	if err != nil {
		return fmt.Errorf("sqlite: write actor: %w", err)
	}
	return nil
}

func actorArgs(a *graph.Actor) []any {
	return []any{a.ID, a.Key, a.Kind, a.Name, jsonText(nonNil(a.Aliases)), a.Description, a.Title, jsonText(nonNil(a.Roles)), a.Email, a.Phone,
		a.OrgType, a.Sector, a.Region, nullable(a.ParentID), jsonText(a.Evidence), attrsText(a.Attrs)}
}

// conflict returns ECONFLICT if table already has key.
func conflict(ctx context.Context, tx *sql.Tx, table, key string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE key = ?`, key).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: check key: %w", err)
	}
	if n > 0 {
		return graph.Errorf(graph.ECONFLICT, "key", "key %q is already taken", key)
	}
	return nil
}

// checkRevision returns graph.CheckRevision's answer for the entity get
// reads, if revision is set and the entity exists (deleteRow then says
// ENOTFOUND for one that does not).
func checkRevision[E any, T interface {
	*E
	Revision() string
}](ctx context.Context, tx *sql.Tx, what, id, revision string, get func(context.Context, queryer, string) (T, error)) error {
	if revision == "" {
		return nil
	}
	cur, err := get(ctx, tx, id)
	if err != nil || cur == nil {
		return err
	}
	return graph.CheckRevision(what, id, cur, revision)
}

func deleteRow(ctx context.Context, tx *sql.Tx, table, what, id string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return graph.Errorf(graph.ENOTFOUND, "id", "%s %q not found", what, id)
	}
	return nil
}

// decodeList reads a JSON list column; empty lists read as nil, as written.
func decodeList(s string) ([]string, error) {
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil || len(v) == 0 {
		return nil, err
	}
	return v, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func clone[T any](v *T) *T {
	c := *v
	return &c
}
