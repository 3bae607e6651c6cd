package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/partnergraph/partnergraph/graph/netfile"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/resolvers"
	"github.com/partnergraph/partnergraph/resolvers/generated"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// newGraphQL returns the GraphQL handler: POST and GET transports, automatic
// persisted queries, ETags on GET answers, a complexity limit, per-operation
// loaders, and errors that show users only domain messages with an
// extensions.code. The analytics engine it returns is closed with the server.
func newGraphQL(cfg Config, hub *live.Hub) (*handler.Server, *insight.Background) {
	snaps := snapshot.NewCache(cfg.Store, snapshot.CacheOptions{MaxBytes: cfg.SnapshotCacheBytes, Budget: cfg.Limits.RequestTimeout})
	analytics := cfg.Analytics
	analytics.Observe = cfg.metrics.observeRecompute
	engine := insight.NewBackground(snaps, cfg.Store, analytics)
	root := &resolvers.Resolver{Store: cfg.Store, Snapshots: snaps, Background: engine, Live: hub,
		PathBudget: cfg.PathBudget, Admin: cfg.Admin, MaxUploadBytes: cfg.MaxUploadBytes,
		MaxGraphActors: cfg.Limits.MaxGraphActors, MaxGraphLinks: cfg.Limits.MaxGraphLinks}
	if cfg.WarmMap {
		q := insight.GraphQuery{MaxActors: cfg.Limits.MaxGraphActors, MaxLinks: cfg.Limits.MaxGraphLinks}
		cfg.warm.start(func(ctx context.Context) { warmMap(ctx, cfg.Logger, snaps, engine, q) })
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: root, Complexity: resolvers.Complexity(), Directives: resolvers.Directives()}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{etags: &etagger{store: cfg.Store}}) // GET and JSON POST (graphqlhttp.go, etag.go)
	// File uploads (importNetwork): requests up to UploadMemoryBytes in
	// memory, larger ones in temporary files; never beyond the body limit.
	srv.AddTransport(transport.MultipartForm{MaxMemory: cfg.UploadMemoryBytes, MaxUploadSize: cfg.MaxBodyBytes})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	// Dashboards send a query's hash instead of its text once registered
	// (apq.go); before the limits, so that they measure the text the hash names.
	srv.Use(extension.AutomaticPersistedQuery{Cache: newQueryCache(apqCacheBytes)})
	useLimits(srv, cfg)                      // depth, page size and cost (limits.go, resolvers/costs.go)
	cfg.metrics.observe(srv, root.Snapshots) // metrics.go
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		if info := requestInfoFrom(ctx); info != nil {
			info.operation = op.OperationName
		}
		return next(resolvers.WithLoaders(ctx, resolvers.NewLoaders(cfg.Store, cfg.loaderOptions...)))
	})
	srv.AroundFields(resolvers.AuthorizeFields)    // roles, with the schema's @requires and @personal
	srv.AroundFields(newWorkPool(cfg.Work).around) // workers.go
	srv.AroundResponses(capErrors)
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		zerolog.Ctx(ctx).Error().Str("panic", fmt.Sprint(p)).Msg("resolver panic")
		return errors.New("internal error")
	})
	return srv, engine
}

// maxErrors bounds the errors of one answer: a 1 MiB document of unknown
// directives once returned 679,999 of them (101 MB).
const maxErrors = 100

// capErrors keeps the first maxErrors errors and says how many were left out.
func capErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > maxErrors {
		more := len(resp.Errors) - maxErrors
		resp.Errors = append(resp.Errors[:maxErrors:maxErrors], &gqlerror.Error{Message: fmt.Sprintf("%d more errors left out", more),
			Extensions: map[string]any{"code": codeTooManyErrors}})
	}
	return resp
}

const codeTooManyErrors = "TOO_MANY_ERRORS"

// presentError shows domain errors with their code and field (and a stale
// update's current values); GraphQL's own
// errors (parse, validation) as gqlgen words them; anything else as
// "internal error", logged with the request ID.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var derr *graph.Error
	switch {
	case errors.As(err, &derr):
		gerr.Message = derr.Message
		gerr.Extensions = map[string]any{"code": derr.Code}
		if derr.Field != "" {
			gerr.Extensions["field"] = derr.Field
		}
		// A stale update carries the entity as it is now, its fields named
		// as the inputs name them, for the editor to compare with theirs.
		var stale *graph.StaleError
		if errors.As(err, &stale) {
			gerr.Extensions["revision"] = stale.Revision
			gerr.Extensions["current"] = stale.Current
		}
		// An import's bad rows one by one, for a page to show each with its place.
		var rows *netfile.CheckError
		if errors.As(err, &rows) {
			gerr.Extensions["rows"] = rows.Rows
		}
	case errors.Is(err, context.DeadlineExceeded):
		gerr.Message = "the request took too long and was stopped"
		gerr.Extensions = map[string]any{"code": "TIMEOUT"}
	case gerr.Extensions["code"] != nil || gerr.Err == nil:
		// Parse and validation errors already say what was wrong.
	default:
		zerolog.Ctx(ctx).Error().Err(err).Str("path", gerr.Path.String()).Msg("internal error")
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": graph.EINTERNAL}
	}
	return gerr
}
