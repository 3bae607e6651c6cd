package neo4j

import (
	"context"

	"github.com/partnergraph/partnergraph/graph"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// SetKeepChanges makes s keep only the newest n versions in its change log,
// so tests can see pruning without thousands of writes.
func SetKeepChanges(s *Store, n int64) { s.keep = n }

// SetScanPageSize makes FuzzyScan read n entities a page, so tests see
// many pages on a small network.
func SetScanPageSize(s *Store, n int) { s.pageSize = n }

// CountAndSum runs a read query returning a count and a sum, for tests that
// check the store's answers against Cypher written by hand.
func CountAndSum(ctx context.Context, s *Store, q string, params map[string]any) (n int, sum float64, err error) {
	err = s.read(ctx, "count and sum", func(tx neo4j.ManagedTransaction) error {
		rec, err := single(ctx, tx, q, params)
		if err != nil {
			return err
		}
		c, _ := rec.Values[0].(int64)
		n, sum = int(c), rec.Values[1].(float64)
		return nil
	})
	return n, sum, err
}

// LinkPagePlan returns the operators of the plan of FindLinks' page query
// for f and p, as EXPLAIN shows them.
func LinkPagePlan(ctx context.Context, s *Store, f graph.LinkFilter, p graph.PageArgs) ([]string, error) {
	ks, err := p.Keyset(graph.EntityLink)
	if err != nil {
		return nil, err
	}
	_, _, q, params := linkQueries(f, ks)
	var ops []string
	err = s.read(ctx, "explain", func(tx neo4j.ManagedTransaction) error {
		res, err := tx.Run(ctx, "EXPLAIN "+q, params)
		if err != nil {
			return err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return err
		}
		var walk func(neo4j.Plan)
		walk = func(p neo4j.Plan) {
			ops = append(ops, p.Operator())
			for _, c := range p.Children() {
				walk(c)
			}
		}
		walk(sum.Plan())
		return nil
	})
	return ops, err
}
