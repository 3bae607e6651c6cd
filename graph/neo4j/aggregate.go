package neo4j

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/partnergraph/partnergraph/graph"
)

// The Cypher of each group-by field: constant text, never input. Absent
// properties become ” so both stores group them alike.
var (
	actorGroupCypher = map[graph.ActorField]string{
		graph.ActorKind:   `a.kind`,
		graph.ActorType:   `coalesce(a.orgType, '')`,
		graph.ActorSector: `coalesce(a.sector, '')`,
		graph.ActorRegion: `coalesce(a.region, '')`,
		graph.ActorParent: `coalesce(a.parentId, '')`,
	}
	linkGroupCypher = map[graph.LinkField]string{
		graph.LinkTypeField: `l.type`,
		graph.LinkProgramme: `coalesce(l.programmeId, '')`,
		graph.LinkBroker:    `coalesce(l.brokeredById, '')`,
		graph.LinkYear:      `coalesce(substring(l.validFrom, 0, 4), '')`,
		graph.LinkQuarter: `CASE WHEN l.validFrom IS NULL THEN '' ELSE substring(l.validFrom, 0, 4) + '-Q' +
			toString((toInteger(substring(l.validFrom, 5, 2)) + 2) / 3) END`,
		graph.LinkMonth:        `coalesce(substring(l.validFrom, 0, 7), '')`,
		graph.LinkSourceSector: `coalesce(s.sector, '')`,
		graph.LinkTargetSector: `coalesce(t.sector, '')`,
	}
)

// AggregateActors counts actors per group with one Cypher aggregation.
func (s *Store) AggregateActors(ctx context.Context, f graph.ActorFilter, by []graph.ActorField) ([]graph.Group, error) {
	if err := graph.CheckGroupBy(by); err != nil {
		return nil, err
	}
	match, w, ok, err := actorMatch(f)
	if err != nil || !ok {
		return []graph.Group{}, err
	}
	q := match + w.String() + ` RETURN ` + groupKey(by, actorGroupCypher) + ` AS key, count(*) AS n, 0.0 AS wsum, 0.0 AS wmin, 0.0 AS wmax, null AS first, null AS last`
	return s.aggregate(ctx, "aggregate actors", q, w.params)
}

// AggregateLinks counts links and sums their weights per group with one
// Cypher aggregation.
func (s *Store) AggregateLinks(ctx context.Context, f graph.LinkFilter, by []graph.LinkField) ([]graph.Group, error) {
	if err := graph.CheckGroupBy(by); err != nil {
		return nil, err
	}
	if err := graph.CheckWhere(graph.EntityLink, f.Where); err != nil {
		return nil, err
	}
	w := linkWhere(f)
	q := `MATCH (s:Actor)-[l:LINK]->(t:Actor)` + w.String() + ` RETURN ` + groupKey(by, linkGroupCypher) +
		` AS key, count(*) AS n, sum(l.weight) AS wsum, min(l.weight) AS wmin, max(l.weight) AS wmax,
		min(l.validFrom) AS first, max(coalesce(l.validTo, l.validFrom)) AS last`
	return s.aggregate(ctx, "aggregate links", q, w.params)
}

// groupKey returns a list of by's expressions: Cypher groups by it.
func groupKey[F comparable](by []F, exprs map[F]string) string {
	parts := make([]string, len(by))
	for i, f := range by {
		parts[i] = exprs[f]
	}
	return `[` + strings.Join(parts, ", ") + `]`
}

// aggregate runs q, whose rows are a key list, a count, the weight sum,
// min and max and the first and last dates, and orders the groups.
func (s *Store) aggregate(ctx context.Context, what, q string, params map[string]any) ([]graph.Group, error) {
	q += fmt.Sprintf(` LIMIT %d`, graph.MaxAggregateGroup+1)
	var gs []graph.Group
	err := s.read(ctx, what, func(tx neo4j.ManagedTransaction) error {
		gs = gs[:0]
		return each(ctx, tx, q, params, func(r *neo4j.Record) error {
			g, err := decodeGroup(r.Values)
			gs = append(gs, g)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return graph.SortGroups(gs)
}

func decodeGroup(v []any) (graph.Group, error) {
	key, _ := v[0].([]any)
	g := graph.Group{Key: make([]string, len(key))}
	for i, k := range key {
		g.Key[i], _ = k.(string)
	}
	n, _ := v[1].(int64)
	g.Count = int(n)
	g.WeightSum, _ = v[2].(float64)
	g.WeightMin, _ = v[3].(float64)
	g.WeightMax, _ = v[4].(float64)
	var err error
	if d, _ := v[5].(string); d != "" {
		g.First, err = graph.ParseDate("first", d)
	}
	if d, _ := v[6].(string); d != "" && err == nil {
		g.Last, err = graph.ParseDate("last", d)
	}
	return g, err
}
