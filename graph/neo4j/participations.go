package neo4j

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

func participationProps(p *graph.Participation) props {
	m := props{"role": string(p.Role)}
	m.evidence(p.Evidence)
	return m
}

// participationReturn projects (a)-[r:TAKES_PART]->(p) to the map
// decodeParticipation reads.
const participationReturn = `r{.*, actorId: a.id, programmeId: p.id}`

func decodeParticipation(m map[string]any) *graph.Participation {
	return &graph.Participation{ActorID: getStr(m, "actorId"), ProgrammeID: getStr(m, "programmeId"),
		Role: graph.Role(getStr(m, "role")), Evidence: getEvidence(m)}
}

func validParticipation(p *graph.Participation) (*graph.Participation, error) {
	c := *p
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// SetParticipation adds or updates an actor's role in a programme.
// Returns EINVALID if either does not exist.
func (s *Store) SetParticipation(ctx context.Context, in *graph.Participation) (*graph.Participation, error) {
	p, err := validParticipation(in)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, "set participation", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		actors, err := existing(ctx, tx, existingActors, []string{p.ActorID})
		if err != nil {
			return false, err
		}
		progs, err := existing(ctx, tx, existingProgrammes, []string{p.ProgrammeID})
		if err != nil {
			return false, err
		}
		if err := participationRefs(p, actors, progs); err != nil {
			return false, err
		}
		old, err := collectMaps(ctx, tx, `MATCH (a:Actor {id: $actorId})-[r:TAKES_PART]->(p:Programme {id: $programmeId})
			RETURN `+participationReturn, map[string]any{"actorId": p.ActorID, "programmeId": p.ProgrammeID}, decodeParticipation)
		if err != nil {
			return false, err
		}
		if len(old) == 0 {
			log.Created(p)
		} else {
			log.Updated(old[0], p)
		}
		return true, run(ctx, tx, `UNWIND $rows AS row `+setParticipations, map[string]any{"rows": []any{participationRow(p)}})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// setParticipations upserts the participation of each row.
const setParticipations = `MATCH (a:Actor {id: row.actorId}), (p:Programme {id: row.programmeId})
	MERGE (a)-[r:TAKES_PART]->(p) SET r = row.props`

func participationRow(p *graph.Participation) map[string]any {
	return map[string]any{"actorId": p.ActorID, "programmeId": p.ProgrammeID, "props": participationProps(p)}
}

func participationRefs(p *graph.Participation, actors, programmes map[string]bool) error {
	if !actors[p.ActorID] {
		return graph.Errorf(graph.ENOTFOUND, "actorId", "actorId: %s does not exist", graph.Describe(p.ActorID))
	}
	if !programmes[p.ProgrammeID] {
		return graph.Errorf(graph.ENOTFOUND, "programmeId", "programmeId: %s does not exist", graph.Describe(p.ProgrammeID))
	}
	return nil
}

// RemoveParticipation returns ENOTFOUND if the actor takes no part.
func (s *Store) RemoveParticipation(ctx context.Context, actorID, programmeID string) error {
	return s.write(ctx, "remove participation", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		gone, err := collectMaps(ctx, tx, `MATCH (a:Actor {id: $actorId})-[r:TAKES_PART]->(p:Programme {id: $programmeId})
			WITH a, r, p, `+participationReturn+` AS m DELETE r RETURN m`,
			map[string]any{"actorId": actorID, "programmeId": programmeID}, decodeParticipation)
		if err != nil {
			return false, err
		}
		if len(gone) == 0 {
			return false, graph.Errorf(graph.ENOTFOUND, "actorId", "actor with %s takes no part in programme with %s", graph.Describe(actorID), graph.Describe(programmeID))
		}
		log.Deleted(gone[0])
		return true, nil
	})
}

// ParticipationsOf returns, for each ID (an actor's or a programme's), the
// participations it is part of, ordered by actor then programme ID.
func (s *Store) ParticipationsOf(ctx context.Context, ids []string) ([][]*graph.Participation, error) {
	out := make([][]*graph.Participation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// An ID says whether it is an actor's or a programme's, so each side is
	// one indexed lookup.
	var actorIDs, programmeIDs []string
	for _, id := range unique(ids) {
		switch kind, _, err := graph.ParseID(id); {
		case err != nil:
		case kind == graph.KindProgramme:
			programmeIDs = append(programmeIDs, id)
		case kind == graph.KindActor:
			actorIDs = append(actorIDs, id)
		}
	}
	by := map[string][]*graph.Participation{}
	err := s.read(ctx, "participations", func(tx neo4j.ManagedTransaction) error {
		clear(by)
		for _, q := range []struct {
			query string
			ids   []string
		}{
			{`UNWIND $ids AS id MATCH (a:Actor {id: id})-[r:TAKES_PART]->(p:Programme)`, actorIDs},
			{`UNWIND $ids AS id MATCH (a:Actor)-[r:TAKES_PART]->(p:Programme {id: id})`, programmeIDs},
		} {
			if len(q.ids) == 0 {
				continue
			}
			err := each(ctx, tx, q.query+` RETURN id, `+participationReturn+` ORDER BY id, a.id, p.id`,
				map[string]any{"ids": q.ids}, func(r *neo4j.Record) error {
					id, _ := r.Values[0].(string)
					m, _ := r.Values[1].(map[string]any)
					by[id] = append(by[id], decodeParticipation(m))
					return nil
				})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i] = by[id]
	}
	return out, nil
}
