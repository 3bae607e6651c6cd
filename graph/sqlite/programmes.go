package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

const programmeCols = `id, key, name, description, aims, start_date, end_date, tags, evidence`

func scanProgramme(r rowScanner) (*graph.Programme, error) {
	var p graph.Programme
	var aims, start, end, tags, evidence string
	err := r.Scan(&p.ID, &p.Key, &p.Name, &p.Description, &aims, &start, &end, &tags, &evidence)
	if err != nil {
		return nil, err
	}
	if p.Aims, err = decodeList(aims); err != nil {
		return nil, err
	}
	if p.Tags, err = decodeList(tags); err != nil {
		return nil, err
	}
	if err := p.Start.UnmarshalText([]byte(start)); err != nil {
		return nil, err
	}
	if err := p.End.UnmarshalText([]byte(end)); err != nil {
		return nil, err
	}
	return &p, json.Unmarshal([]byte(evidence), &p.Evidence)
}

// ProgrammesByID returns programmes in the order of ids, nil where unknown.
func (s *Store) ProgrammesByID(ctx context.Context, ids []string) ([]*graph.Programme, error) {
	var found []*graph.Programme
	err := inChunks(ids, func(chunk []string) error {
		ps, err := scanAll(ctx, s.r, scanProgramme, `SELECT `+programmeCols+` FROM programmes WHERE id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		found = append(found, ps...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.InOrder(ids, found, func(p *graph.Programme) string { return p.ID }), nil
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
	c := &conds{}
	in(c, "key", f.Keys)
	if f.Tag != "" {
		c.add(`EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)`, f.Tag)
	}
	for _, w := range strings.Fields(strings.ToLower(f.Search)) {
		c.add(`instr(lower(name), ?) > 0`, w)
	}
	c.where(graph.EntityProgramme, f.Where, "programmes")
	where, args := c.sql()
	var total int
	var found []*graph.Programme
	var vals [][]any
	err = s.read(ctx, func(tx *sql.Tx) error {
		if err := countUnlessNoTotal(ctx, tx, p, `SELECT count(*) FROM programmes WHERE `+where, args, &total); err != nil {
			return fmt.Errorf("sqlite: count programmes: %w", err)
		}
		found, vals, err = findPage(ctx, tx, ks, "programmes", programmeCols, scanProgramme, where, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewKeysetPage(found, vals, ks, total), nil
}

// CreateProgramme stores a new programme.
func (s *Store) CreateProgramme(ctx context.Context, p *graph.Programme) (*graph.Programme, error) {
	p = clone(p)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		if err := conflict(ctx, tx, "programmes", p.Key); err != nil {
			return err
		}
		log.Created(p)
		return upsertProgramme(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdateProgramme applies u to an existing programme.
func (s *Store) UpdateProgramme(ctx context.Context, u graph.ProgrammeUpdate) (*graph.Programme, error) {
	var p *graph.Programme
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		old, err := getProgramme(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if old == nil {
			return graph.Errorf(graph.ENOTFOUND, "id", "programme %q not found", u.ID)
		}
		if err := graph.CheckRevision("programme", u.ID, old, u.ExpectedRevision); err != nil {
			return err
		}
		p = u.Apply(old)
		if err := p.Validate(); err != nil {
			return err
		}
		log.Updated(old, p)
		return upsertProgramme(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteProgramme removes a programme; its participations go with it and its
// links lose their programme.
func (s *Store) DeleteProgramme(ctx context.Context, id, revision string) error {
	return s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		p, err := getProgramme(ctx, tx, id)
		if err != nil {
			return err
		}
		if p == nil {
			return graph.Errorf(graph.ENOTFOUND, "id", "programme %q not found", id)
		}
		if err := graph.CheckRevision("programme", id, p, revision); err != nil {
			return err
		}
		links, err := scanAll(ctx, tx, scanLink, `SELECT `+linkCols+` FROM links WHERE programme_id = ?`, id)
		if err != nil {
			return err
		}
		parts, err := scanAll(ctx, tx, scanParticipation, `SELECT `+participationCols+` FROM participations WHERE programme_id = ?`, id)
		if err != nil {
			return err
		}
		log.ProgrammeDeleted(p, links, parts)
		return deleteRow(ctx, tx, "programmes", "programme", id)
	})
}

func getProgramme(ctx context.Context, q queryer, id string) (*graph.Programme, error) {
	p, err := scanProgramme(q.QueryRowContext(ctx, `SELECT `+programmeCols+` FROM programmes WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get programme: %w", err)
	}
	return p, nil
}

func upsertProgramme(ctx context.Context, tx *sql.Tx, p *graph.Programme) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO programmes (`+programmeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, aims = excluded.aims,
		start_date = excluded.start_date, end_date = excluded.end_date, tags = excluded.tags, evidence = excluded.evidence`,
		p.ID, p.Key, p.Name, p.Description, jsonText(nonNil(p.Aims)), p.Start.String(), p.End.String(),
		jsonText(nonNil(p.Tags)), jsonText(p.Evidence))
	if err != nil {
		return fmt.Errorf("sqlite: write programme: %w", err)
	}
	return nil
}
