package resolvers

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/vikstrous/dataloadgen"
)

// Loaders batch the reads of one request, so a page of N actors with their
// links costs one store call per kind of read, not one per actor.
type Loaders struct {
	actors         *dataloadgen.Loader[string, *graph.Actor]
	programmes     *dataloadgen.Loader[string, *graph.Programme]
	links          *dataloadgen.Loader[string, *graph.Link]
	linksOf        *dataloadgen.Loader[string, []*graph.Link]
	participations *dataloadgen.Loader[string, []*graph.Participation]
}

type loadersKey struct{}

// NewLoaders returns loaders over s for one request. Each sends its batch
// 3 ms after its first key; opts change that (tests flush on batch size).
func NewLoaders(s graph.Store, opts ...dataloadgen.Option) *Loaders {
	opt := append([]dataloadgen.Option{dataloadgen.WithWait(3 * time.Millisecond)}, opts...)
	return &Loaders{
		actors:     dataloadgen.NewLoader(batch(s.ActorsByID), opt...),
		programmes: dataloadgen.NewLoader(batch(s.ProgrammesByID), opt...),
		links:      dataloadgen.NewLoader(batch(s.LinksByID), opt...),
		linksOf: dataloadgen.NewLoader(batch(func(ctx context.Context, ids []string) ([][]*graph.Link, error) {
			return s.LinksOfActors(ctx, ids, graph.LinkFilter{})
		}), opt...),
		participations: dataloadgen.NewLoader(batch(s.ParticipationsOf), opt...),
	}
}

// WithLoaders returns ctx carrying l.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

func loaders(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// batch adapts a store batch read to a loader fetch: one error for all keys.
func batch[T any](fetch func(context.Context, []string) ([]T, error)) func(context.Context, []string) ([]T, []error) {
	return func(ctx context.Context, ids []string) ([]T, []error) {
		vs, err := fetch(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}
