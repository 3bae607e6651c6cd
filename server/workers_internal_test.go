package server

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestWorkPool: with one worker and a queue of one, an analytics field
// beyond them is refused with OVERLOADED at once, a queued one gives up at
// its deadline, and other fields — plain ones, and those the background
// engine answers, which bounds its own computations — are never held back.
func TestWorkPool(t *testing.T) {
	field := func(ctx context.Context, name string) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: graphql.CollectedField{Field: &ast.Field{Name: name}}})
	}
	run := func(context.Context) (any, error) { return "done", nil }
	p := newWorkPool(WorkLimits{Workers: 1, Queue: 1})
	if _, err := p.around(field(context.Background(), "reach"), run); err != nil {
		t.Fatalf("an idle pool: %v", err)
	}
	p.running <- struct{}{} // one field computing
	p.admitted <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.around(field(ctx, "reach"), run); !errors.Is(err, context.Canceled) {
		t.Errorf("queued past its deadline: %v, want context.Canceled", err)
	}
	p.admitted <- struct{}{} // and one waiting
	if _, err := p.around(field(context.Background(), "knowledgePaths"), run); graph.ErrorCode(err) != codeOverloaded {
		t.Errorf("beyond the queue: %v, want %s", err, codeOverloaded)
	}
	for _, f := range []string{"people", "brokers", "networkSummary"} {
		if _, err := p.around(field(context.Background(), f), run); err != nil {
			t.Errorf("%s: %v, want it answered while the pool is full", f, err)
		}
	}
}
