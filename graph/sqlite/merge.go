package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/partnergraph/partnergraph/graph"
)

// MergeActors folds m.MergedID into m.SurvivorID in one transaction, as
// graph.PlanMerge decides.
func (s *Store) MergeActors(ctx context.Context, m graph.Merge) (*graph.Actor, error) {
	var survivor *graph.Actor
	err := s.write(ctx, func(tx *sql.Tx, log *graph.ChangeLog) error {
		st, err := mergeState(ctx, tx, m)
		if err != nil {
			return err
		}
		plan, err := graph.PlanMerge(m, st, log)
		if err != nil {
			return err
		}
		if err := checkParent(ctx, tx, plan.Survivor); err != nil {
			return err
		}
		survivor = plan.Survivor
		return writeMerge(ctx, tx, plan)
	})
	if err != nil {
		return nil, err
	}
	return survivor, nil
}

// mergeState reads what graph.PlanMerge needs.
func mergeState(ctx context.Context, tx *sql.Tx, m graph.Merge) (graph.MergeState, error) {
	var st graph.MergeState
	var err error
	if st.Survivor, err = getActor(ctx, tx, m.SurvivorID); err != nil {
		return st, err
	}
	if st.Merged, err = getActor(ctx, tx, m.MergedID); err != nil || st.Merged == nil {
		return st, err
	}
	id := m.MergedID
	if st.Links, err = scanAll(ctx, tx, scanLink, `SELECT `+linkCols+` FROM links
		WHERE source_id = ? OR target_id = ? OR brokered_by_id = ?`, id, id, id); err != nil {
		return st, err
	}
	if st.Units, err = scanAll(ctx, tx, scanActor, `SELECT `+actorCols+` FROM actors WHERE parent_id = ?`, id); err != nil {
		return st, err
	}
	q := `SELECT ` + participationCols + ` FROM participations WHERE actor_id = ?`
	if st.Participations, err = scanAll(ctx, tx, scanParticipation, q, id); err != nil {
		return st, err
	}
	st.SurvivorParticipations, err = scanAll(ctx, tx, scanParticipation, q, m.SurvivorID)
	return st, err
}

// writeMerge writes plan in its order; the merged actor goes last, once
// nothing refers to it, so no foreign key cascades behind the log's back.
func writeMerge(ctx context.Context, tx *sql.Tx, plan *graph.MergePlan) error {
	if err := upsertActor(ctx, tx, plan.Survivor); err != nil {
		return err
	}
	for _, mv := range plan.Links {
		var err error
		if mv.After == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM links WHERE `+byLinkID, linkIDArgs(mv.Before.ID)...)
		} else {
			l := mv.After
			_, err = tx.ExecContext(ctx, `UPDATE links SET source_id = ?, target_id = ?, brokered_by_id = ? WHERE `+byLinkID,
				append([]any{l.SourceID, l.TargetID, nullable(l.BrokeredByID)}, linkIDArgs(l.ID)...)...)
		}
		if err != nil {
			return fmt.Errorf("sqlite: merge: re-point link: %w", err)
		}
	}
	for _, u := range plan.Units {
		if _, err := tx.ExecContext(ctx, `UPDATE actors SET parent_id = ? WHERE id = ?`, u.ParentID, u.ID); err != nil {
			return fmt.Errorf("sqlite: merge: re-parent unit: %w", err)
		}
	}
	for _, p := range plan.Removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM participations WHERE actor_id = ? AND programme_id = ?`, p.ActorID, p.ProgrammeID); err != nil {
			return fmt.Errorf("sqlite: merge: move participation: %w", err)
		}
	}
	for _, p := range plan.Added {
		if err := setParticipation(ctx, tx, p); err != nil {
			return err
		}
	}
	return deleteRow(ctx, tx, "actors", "actor", plan.MergedID)
}
