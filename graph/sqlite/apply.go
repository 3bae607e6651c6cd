package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"github.com/partnergraph/partnergraph/graph"
)

// Apply upserts a batch by key in one transaction: all or nothing.
func (s *Store) Apply(ctx context.Context, b *graph.Batch) (*graph.ApplyResult, error) {
	res := &graph.ApplyResult{}
	err := s.writeTx(ctx, b.DryRun, func(tx *sql.Tx) error {
		*res = graph.ApplyResult{}
		// Parents may come later in the batch: foreign keys are checked at
		// commit, and checkParent runs once every actor is in.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("sqlite: defer foreign keys: %w", err)
		}
		for i, a := range b.Actors {
			if err := applyActor(ctx, tx, res, a); err != nil {
				return itemError("actors", i, a.Key, err)
			}
		}
		for i, a := range b.Actors {
			if err := checkParent(ctx, tx, a); err != nil {
				return itemError("actors", i, a.Key, err)
			}
		}
		for i, p := range b.Programmes {
			if err := applyProgramme(ctx, tx, res, p); err != nil {
				return itemError("programmes", i, p.Key, err)
			}
		}
		for i, p := range b.Participations {
			if err := applyParticipation(ctx, tx, res, p); err != nil {
				return itemError("participations", i, p.ActorID+" in "+p.ProgrammeID, err)
			}
		}
		for i, l := range b.Links {
			if err := applyLink(ctx, tx, res, l); err != nil {
				return itemError("links", i, l.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// itemError prefixes a domain error with the batch item it is about.
func itemError(list string, i int, what string, err error) error {
	if c := graph.ErrorCode(err); c != graph.EINTERNAL {
		return graph.Errorf(c, graph.ErrorField(err), "%s[%d] %q: %s", list, i, what, graph.ErrorMessage(err))
	}
	return err
}

func applyActor(ctx context.Context, tx *sql.Tx, res *graph.ApplyResult, a *graph.Actor) error {
	if err := a.Validate(); err != nil {
		return err
	}
	old, err := scanActor(tx.QueryRowContext(ctx, `SELECT `+actorCols+` FROM actors WHERE key = ?`, a.Key))
	switch {
	case err == sql.ErrNoRows:
		old = nil
	case err != nil:
		return fmt.Errorf("sqlite: get actor: %w", err)
	case old.Kind != a.Kind:
		return graph.Errorf(graph.ECONFLICT, "key", "key %q is taken by a %s", a.Key, old.Kind)
	}
	return count(res, old, a, func() error { return upsertActor(ctx, tx, a) })
}

func applyProgramme(ctx context.Context, tx *sql.Tx, res *graph.ApplyResult, p *graph.Programme) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := getProgramme(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	return count(res, old, p, func() error { return upsertProgramme(ctx, tx, p) })
}

func applyParticipation(ctx context.Context, tx *sql.Tx, res *graph.ApplyResult, p *graph.Participation) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := scanParticipation(tx.QueryRowContext(ctx, `SELECT `+participationCols+` FROM participations
		WHERE actor_id = ? AND programme_id = ?`, p.ActorID, p.ProgrammeID))
	if err == sql.ErrNoRows {
		old, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: get participation: %w", err)
	}
	return count(res, old, p, func() error { return setParticipation(ctx, tx, p) })
}

func applyLink(ctx context.Context, tx *sql.Tx, res *graph.ApplyResult, l *graph.Link) error {
	if err := l.Validate(); err != nil {
		return err
	}
	old, err := scanLink(tx.QueryRowContext(ctx, `SELECT `+linkCols+` FROM links WHERE id = ?`, l.ID))
	switch {
	case err == sql.ErrNoRows:
		old = nil
	case err != nil:
		return fmt.Errorf("sqlite: get link: %w", err)
	case old.SourceID != l.SourceID || old.TargetID != l.TargetID:
		return graph.Errorf(graph.ECONFLICT, "key", "link key %q already joins other actors", l.Key)
	}
	if err := checkLinkRefs(ctx, tx, l); err != nil {
		return err
	}
	return count(res, old, l, func() error { return upsertLink(ctx, tx, l) })
}

// count records whether v creates, changes or repeats old, and writes it unless repeated.
func count[T any](res *graph.ApplyResult, old, v *T, put func() error) error {
	switch {
	case old == nil:
		res.Created++
	case reflect.DeepEqual(old, v):
		res.Unchanged++
		return nil
	default:
		res.Updated++
	}
	return put()
}
