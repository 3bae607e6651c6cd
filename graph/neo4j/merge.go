package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// MergeActors folds m.MergedID into m.SurvivorID in one transaction, as
// graph.PlanMerge decides.
func (s *Store) MergeActors(ctx context.Context, m graph.Merge) (*graph.Actor, error) {
	var survivor *graph.Actor
	err := s.write(ctx, "merge actors", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		st, err := mergeState(ctx, tx, m)
		if err != nil {
			return false, err
		}
		plan, err := graph.PlanMerge(m, st, log)
		if err != nil {
			return false, err
		}
		if err := checkParent(plan.Survivor, storeActors(ctx, tx)); err != nil {
			return false, err
		}
		survivor = plan.Survivor
		return true, writeMerge(ctx, tx, plan)
	})
	if err != nil {
		return nil, err
	}
	return survivor, nil
}

// mergeState reads what graph.PlanMerge needs.
func mergeState(ctx context.Context, tx neo4j.ManagedTransaction, m graph.Merge) (graph.MergeState, error) {
	var st graph.MergeState
	var err error
	if st.Survivor, err = getActor(ctx, tx, m.SurvivorID); err != nil {
		return st, err
	}
	if st.Merged, err = getActor(ctx, tx, m.MergedID); err != nil || st.Merged == nil {
		return st, err
	}
	params := map[string]any{"id": m.MergedID, "survivor": m.SurvivorID}
	if st.Links, err = collectMaps(ctx, tx, `MATCH (s:Actor)-[l:LINK]->(t:Actor)
		WHERE s.id = $id OR t.id = $id OR l.brokeredById = $id RETURN `+linkReturn, params, decodeLink); err != nil {
		return st, err
	}
	if st.Units, err = collectMaps(ctx, tx, `MATCH (a:Actor {parentId: $id}) RETURN a{.*}`, params, decodeActor); err != nil {
		return st, err
	}
	q := `MATCH (a:Actor {id: $actor})-[r:TAKES_PART]->(p:Programme) RETURN ` + participationReturn
	if st.Participations, err = collectMaps(ctx, tx, q, map[string]any{"actor": m.MergedID}, decodeParticipation); err != nil {
		return st, err
	}
	st.SurvivorParticipations, err = collectMaps(ctx, tx, q, map[string]any{"actor": m.SurvivorID}, decodeParticipation)
	return st, err
}

// writeMerge writes plan. A relationship's ends cannot change, so a
// re-pointed link is deleted and created again with its properties.
func writeMerge(ctx context.Context, tx neo4j.ManagedTransaction, plan *graph.MergePlan) error {
	var ids, rows, units, removed, added []any
	for _, mv := range plan.Links {
		ids = append(ids, mv.Before.ID)
		if mv.After != nil {
			rows = append(rows, linkRow(mv.After))
		}
	}
	for _, u := range plan.Units {
		units = append(units, u.ID)
	}
	for _, p := range plan.Removed {
		removed = append(removed, p.ProgrammeID)
	}
	for _, p := range plan.Added {
		added = append(added, participationRow(p))
	}
	steps := []struct {
		q      string
		params map[string]any
	}{
		{`MATCH (a:Actor {id: $id}) SET a = $props`, map[string]any{"id": plan.Survivor.ID, "props": actorProps(plan.Survivor)}},
		{`UNWIND $ids AS id MATCH ()-[l:LINK {id: id}]->() DELETE l`, map[string]any{"ids": ids}},
		{createLinks, map[string]any{"rows": rows}},
		{`UNWIND $ids AS id MATCH (a:Actor {id: id}) SET a.parentId = $parent`, map[string]any{"ids": units, "parent": plan.Survivor.ID}},
		{`UNWIND $ids AS id MATCH (:Actor {id: $actor})-[r:TAKES_PART]->(:Programme {id: id}) DELETE r`,
			map[string]any{"ids": removed, "actor": plan.MergedID}},
		{`UNWIND $rows AS row ` + setParticipations, map[string]any{"rows": added}},
		{`MATCH (a:Actor {id: $id}) DETACH DELETE a`, map[string]any{"id": plan.MergedID}},
	}
	for _, s := range steps {
		if err := run(ctx, tx, s.q, s.params); err != nil {
			return err
		}
	}
	return nil
}
