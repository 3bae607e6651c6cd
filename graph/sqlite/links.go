package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/partnergraph/partnergraph/graph"
)

const linkCols = `id, key, type, source_id, target_id, directed, weight, from_date, to_date,
	coalesce(programme_id, ''), coalesce(brokered_by_id, ''), evidence, attrs`

func scanLink(r rowScanner) (*graph.Link, error) {
	var l graph.Link
	var from, to, evidence, attrs string
	err := r.Scan(&l.ID, &l.Key, &l.Type, &l.SourceID, &l.TargetID, &l.Directed, &l.Weight, &from, &to,
		&l.ProgrammeID, &l.BrokeredByID, &evidence, &attrs)
	if err != nil {
		return nil, err
	}
	if l.Attrs, err = decodeAttrs(attrs); err != nil {
		return nil, err
	}
	if err := l.From.UnmarshalText([]byte(from)); err != nil {
		return nil, err
	}
	if err := l.To.UnmarshalText([]byte(to)); err != nil {
		return nil, err
	}
	return &l, json.Unmarshal([]byte(evidence), &l.Evidence)
}

// byLinkID selects the link whose ID linkIDArgs gives: links are stored
// by key, and an ID encodes its key (graph.NewID), so the lookup is by
// the key, and the ID must match too.
const byLinkID = `key = ? AND id = ?`

func linkIDArgs(id string) []any { return []any{linkKey(id), id} }

// linkKey returns the key a link ID encodes, "" if id is no link's ID.
func linkKey(id string) string {
	if k, key, err := graph.ParseID(id); err == nil && k == graph.KindLink {
		return key
	}
	return ""
}

// LinksByID returns links in the order of ids, nil where unknown.
func (s *Store) LinksByID(ctx context.Context, ids []string) ([]*graph.Link, error) {
	var found []*graph.Link
	err := inChunks(ids, func(chunk []string) error {
		keys := make([]any, len(chunk))
		for i, id := range chunk {
			keys[i] = linkKey(id)
		}
		// InOrder keeps only the rows whose IDs were asked for.
		ls, err := scanAll(ctx, s.r, scanLink, `SELECT `+linkCols+` FROM links WHERE key IN (`+placeholders(len(chunk))+`)`, keys...)
		found = append(found, ls...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(l *graph.Link) string { return l.ID }), nil
}

// linkWhere selects the links, named t, that f matches.
func linkWhere(f graph.LinkFilter, t string) *conds {
	c := &conds{}
	in(c, "type", f.Types)
	c.eq("programme_id", f.ProgrammeID)
	c.eq("brokered_by_id", f.BrokeredByID)
	// Interval overlap with open ends: '' sorts before every date.
	if !f.Active.From.IsZero() {
		c.add(`(to_date = '' OR to_date >= ?)`, f.Active.From.String())
	}
	if !f.Active.To.IsZero() {
		c.add(`(from_date = '' OR from_date <= ?)`, f.Active.To.String())
	}
	c.where(graph.EntityLink, f.Where, t)
	return c
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
	where, args := linkWhere(f, "links").sql()
	var total int
	var found []*graph.Link
	var vals [][]any
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := countUnlessNoTotal(ctx, tx, p, `SELECT count(*) FROM links WHERE `+where, args, &total); err != nil {
			return fmt.Errorf("sqlite: count links: %w", err)
		}
		found, vals, err = findPage(ctx, tx, ks, "links", linkCols, scanLink, where, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

// LinksOfActors returns, for each actor, the links it is an end of.
func (s *Store) LinksOfActors(ctx context.Context, actorIDs []string, f graph.LinkFilter) ([][]*graph.Link, error) {
	where, args := linkWhere(f, "links").sql()
	pos := make(map[string][]int, len(actorIDs))
	for i, id := range actorIDs {
		pos[id] = append(pos[id], i)
	}
	out := make([][]*graph.Link, len(actorIDs))
	err := inChunks(actorIDs, func(chunk []string) error {
		ph := placeholders(len(chunk))
		q := `SELECT ` + linkCols + ` FROM links WHERE (source_id IN (` + ph + `) OR target_id IN (` + ph + `)) AND ` + where + ` ORDER BY key`
		ls, err := scanAll(ctx, s.r, scanLink, q, append(append(anys(chunk), anys(chunk)...), args...)...)
		for _, l := range ls {
			for _, i := range pos[l.SourceID] {
				out[i] = append(out[i], l)
			}
			for _, i := range pos[l.TargetID] {
				out[i] = append(out[i], l)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateLink stores a new link between existing actors.
func (s *Store) CreateLink(ctx context.Context, l *graph.Link) (*graph.Link, error) {
	l = clone(l)
	if err := l.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		if err := conflict(ctx, tx, "links", l.Key); err != nil {
			return err
		}
		if err := checkLinkRefs(ctx, tx, l); err != nil {
			return err
		}
		log.Created(l)
		return upsertLink(ctx, tx, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// UpdateLink applies u to an existing link.
func (s *Store) UpdateLink(ctx context.Context, u graph.LinkUpdate) (*graph.Link, error) {
	var l *graph.Link
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		old, err := getLink(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if old == nil {
			return graph.Errorf(graph.ENOTFOUND, "id", "link %q not found", u.ID)
		}
		if err := graph.CheckRevision("link", u.ID, old, u.ExpectedRevision); err != nil {
			return err
		}
		l = u.Apply(old)
		if err := l.Validate(); err != nil {
			return err
		}
		if err := checkLinkRefs(ctx, tx, l); err != nil {
			return err
		}
		log.Updated(old, l)
		return upsertLink(ctx, tx, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteLink removes a link.
func (s *Store) DeleteLink(ctx context.Context, id, revision string) error {
	return s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		if err := checkRevision(ctx, tx, "link", id, revision, getLink); err != nil {
			return err
		}
		l, err := scanLink(tx.QueryRowContext(ctx, `DELETE FROM links WHERE `+byLinkID+` RETURNING `+linkCols, linkIDArgs(id)...))
		if err == sql.ErrNoRows {
			return graph.Errorf(graph.ENOTFOUND, "id", "link %q not found", id)
		}
		if err != nil {
			return fmt.Errorf("sqlite: delete link: %w", err)
		}
		log.Deleted(l)
		return nil
	})
}

func getLink(ctx context.Context, q queryer, id string) (*graph.Link, error) {
	l, err := scanLink(q.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE `+byLinkID, linkIDArgs(id)...))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get link: %w", err)
	}
	return l, nil
}

// checkLinkRefs verifies the actors and programme a link names exist.
func checkLinkRefs(ctx context.Context, tx *sql.Tx, l *graph.Link) error {
	for _, ref := range []struct{ field, table, id string }{
		{"sourceId", "actors", l.SourceID}, {"targetId", "actors", l.TargetID},
		{"brokeredById", "actors", l.BrokeredByID}, {"programmeId", "programmes", l.ProgrammeID},
	} {
		if err := exists(ctx, tx, ref.table, ref.field, ref.id); err != nil {
			return err
		}
	}
	return nil
}

// exists returns EINVALID naming field unless id is "" or a row of table.
func exists(ctx context.Context, tx *sql.Tx, table, field, id string) error {
	if id == "" {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: check %s: %w", field, err)
	}
	if n == 0 {
		return graph.Errorf(graph.ENOTFOUND, field, "%s: %s does not exist", field, graph.Describe(id))
	}
	return nil
}

// upsertLinkSQL writes a link, replacing the one with its key (and so ID).
const upsertLinkSQL = `INSERT INTO links (id, key, type, source_id, target_id, directed, weight, from_date, to_date,
		programme_id, brokered_by_id, evidence, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET type = excluded.type, directed = excluded.directed, weight = excluded.weight,
		from_date = excluded.from_date, to_date = excluded.to_date, programme_id = excluded.programme_id,
		brokered_by_id = excluded.brokered_by_id, evidence = excluded.evidence, attrs = excluded.attrs`

func linkArgs(l *graph.Link) []any {
	return []any{l.ID, l.Key, l.Type, l.SourceID, l.TargetID, l.Directed, l.Weight, l.From.String(), l.To.String(),
		nullable(l.ProgrammeID), nullable(l.BrokeredByID), jsonText(l.Evidence), attrsText(l.Attrs)}
}

func upsertLink(ctx context.Context, tx *sql.Tx, l *graph.Link) error {
	_, err := tx.ExecContext(ctx, upsertLinkSQL, linkArgs(l)...)
	if err != nil {
		return fmt.Errorf("sqlite: write link: %w", err)
	}
	return nil
}
