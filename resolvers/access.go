package resolvers

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/generated"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// Directives returns the implementations of the schema's access directives
// (schema/admin.graphqls). Every request's context carries a graph.Caller
// (the server puts one there); without one, nothing is allowed.
func Directives() generated.DirectiveRoot {
	return generated.DirectiveRoot{Requires: requires, Personal: personal}
}

// requires answers FORBIDDEN, naming the role, to callers below role.
func requires(ctx context.Context, _ any, next graphql.Resolver, role model.AccessRole) (any, error) {
	if err := graph.Authorize(ctx, accessRole(role)); err != nil {
		return nil, err
	}
	return next(ctx)
}

// personal answers null to callers below editor: a list of people stays
// readable to viewers, without anyone's contact details.
func personal(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	if !graph.CallerFrom(ctx).Role.Includes(graph.AccessEditor) {
		return nil, nil
	}
	return next(ctx)
}

// AuthorizeFields is field middleware (handler.AroundFields) that makes
// access deny by default: a root field without @requires needs VIEWER under
// Query and EDITOR under Mutation (and Subscription), so a mutation added
// without thought about roles is still closed to viewers.
func AuthorizeFields(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil ||
		fc.Field.Definition.Directives.ForName("requires") != nil {
		return next(ctx)
	}
	need := graph.AccessNone
	switch fc.Object {
	case "Query":
		need = graph.AccessViewer
	case "Mutation", "Subscription":
		need = graph.AccessEditor
	}
	if err := graph.Authorize(ctx, need); err != nil {
		return nil, err
	}
	return next(ctx)
}

func accessRole(r model.AccessRole) graph.AccessRole {
	return graph.AccessRole(strings.ToLower(string(r)))
}

func modelRole(r graph.AccessRole) *model.AccessRole {
	if r == graph.AccessNone {
		return nil
	}
	m := model.AccessRole(strings.ToUpper(string(r)))
	return &m
}
