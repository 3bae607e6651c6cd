package resolvers

import (
	"context"
	"strings"
	"sync"
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

	store     graph.Store
	opt       []dataloadgen.Option
	mu        sync.Mutex
	linkPages map[linkPagesKey]*dataloadgen.Loader[string, *graph.Page[*graph.Link]]
	unitPages map[graph.PageArgs]*dataloadgen.Loader[string, *graph.Page[*graph.Actor]]
}

// linkPagesKey is what the parents of one batch of link pages share: the
// field's arguments. Parents asking with other arguments get other batches.
type linkPagesKey struct {
	owner            graph.LinkOwner
	types            string
	programme, actor string
	from, to         string
	page             graph.PageArgs
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
		store:          s, opt: opt, linkPages: map[linkPagesKey]*dataloadgen.Loader[string, *graph.Page[*graph.Link]]{},
		unitPages: map[graph.PageArgs]*dataloadgen.Loader[string, *graph.Page[*graph.Actor]]{},
	}
}

// linkPage loads page p of the links owner says id has, batched with the
// other parents asking with the same arguments: one store call reading at
// most a page and one link per parent.
func (l *Loaders) linkPage(ctx context.Context, owner graph.LinkOwner, id string, f graph.LinkFilter, p graph.PageArgs) (*graph.Page[*graph.Link], error) {
	types := make([]string, len(f.Types))
	for i, t := range f.Types {
		types[i] = string(t)
	}
	k := linkPagesKey{owner: owner, types: strings.Join(types, ","), programme: f.ProgrammeID, actor: f.BrokeredByID,
		from: f.Active.From.String(), to: f.Active.To.String(), page: p}
	return keyedLoader(l, l.linkPages, k, func(ctx context.Context, ids []string) ([]*graph.Page[*graph.Link], error) {
		return l.store.LinkPages(ctx, owner, ids, f, p)
	}).Load(ctx, id)
}

// unitPage loads page p of organisation id's units, batched with the other
// parents asking for the same page.
func (l *Loaders) unitPage(ctx context.Context, id string, p graph.PageArgs) (*graph.Page[*graph.Actor], error) {
	return keyedLoader(l, l.unitPages, p, func(ctx context.Context, ids []string) ([]*graph.Page[*graph.Actor], error) {
		return l.store.UnitPages(ctx, ids, p)
	}).Load(ctx, id)
}

// keyedLoader returns m's loader for the arguments k, made over fetch on
// first use: a batch shares its arguments.
func keyedLoader[K comparable, V any](l *Loaders, m map[K]*dataloadgen.Loader[string, V], k K,
	fetch func(context.Context, []string) ([]V, error)) *dataloadgen.Loader[string, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	ld := m[k]
	if ld == nil {
		ld = dataloadgen.NewLoader(batch(fetch), l.opt...)
		m[k] = ld
	}
	return ld
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
