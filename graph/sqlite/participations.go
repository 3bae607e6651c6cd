package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/partnergraph/partnergraph/graph"
)

const participationCols = `actor_id, programme_id, role, evidence`

func scanParticipation(r rowScanner) (*graph.Participation, error) {
	var p graph.Participation
	var evidence string
	if err := r.Scan(&p.ActorID, &p.ProgrammeID, &p.Role, &evidence); err != nil {
		return nil, err
	}
	return &p, json.Unmarshal([]byte(evidence), &p.Evidence)
}

// SetParticipation adds or updates an actor's role in a programme.
func (s *Store) SetParticipation(ctx context.Context, p *graph.Participation) (*graph.Participation, error) {
	p = clone(p)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		old, err := scanParticipation(tx.QueryRowContext(ctx, `SELECT `+participationCols+` FROM participations
			WHERE actor_id = ? AND programme_id = ?`, p.ActorID, p.ProgrammeID))
		switch {
		case err == sql.ErrNoRows:
			log.Created(p)
		case err != nil:
			return fmt.Errorf("sqlite: get participation: %w", err)
		default:
			log.Updated(old, p)
		}
		return setParticipation(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func setParticipation(ctx context.Context, tx *sql.Tx, p *graph.Participation) error {
	if err := exists(ctx, tx, "actors", "actorId", p.ActorID); err != nil {
		return err
	}
	if err := exists(ctx, tx, "programmes", "programmeId", p.ProgrammeID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO participations (`+participationCols+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (actor_id, programme_id) DO UPDATE SET role = excluded.role, evidence = excluded.evidence`,
		p.ActorID, p.ProgrammeID, p.Role, jsonText(p.Evidence))
	if err != nil {
		return fmt.Errorf("sqlite: write participation: %w", err)
	}
	return nil
}

// RemoveParticipation removes an actor from a programme.
func (s *Store) RemoveParticipation(ctx context.Context, actorID, programmeID string) error {
	return s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		p, err := scanParticipation(tx.QueryRowContext(ctx, `DELETE FROM participations WHERE actor_id = ? AND programme_id = ?
			RETURNING `+participationCols, actorID, programmeID))
		if err == sql.ErrNoRows {
			return graph.Errorf(graph.ENOTFOUND, "programmeId", "actor %q takes no part in programme %q", actorID, programmeID)
		}
		if err != nil {
			return fmt.Errorf("sqlite: delete participation: %w", err)
		}
		log.Deleted(p)
		return nil
	})
}

// ParticipationsOf returns, for each actor or programme ID, its participations.
func (s *Store) ParticipationsOf(ctx context.Context, ids []string) ([][]*graph.Participation, error) {
	pos := make(map[string][]int, len(ids))
	for i, id := range ids {
		pos[id] = append(pos[id], i)
	}
	out := make([][]*graph.Participation, len(ids))
	err := inChunks(ids, func(chunk []string) error {
		ph := placeholders(len(chunk))
		ps, err := scanAll(ctx, s.r, scanParticipation, `SELECT `+participationCols+` FROM participations
			WHERE actor_id IN (`+ph+`) OR programme_id IN (`+ph+`) ORDER BY actor_id, programme_id`,
			append(anys(chunk), anys(chunk)...)...)
		for _, p := range ps {
			for _, i := range pos[p.ActorID] {
				out[i] = append(out[i], p)
			}
			for _, i := range pos[p.ProgrammeID] {
				out[i] = append(out[i], p)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
