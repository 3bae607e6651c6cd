package resolvers

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// val returns an optional input's value, the zero value if absent or null.
func val[T any](o graphql.Omittable[*T]) T {
	if v := o.Value(); v != nil {
		return *v
	}
	var zero T
	return zero
}

// upd returns nil if an update input field is absent (no change), and a
// pointer to its value, or to the zero value if null (clear), otherwise.
func upd[T any](o graphql.Omittable[*T]) *T {
	if !o.IsSet() {
		return nil
	}
	v := val(o)
	return &v
}

// updList is upd for list fields: null clears the list.
func updList[T any](o graphql.Omittable[[]T]) *[]T {
	if !o.IsSet() {
		return nil
	}
	v := o.Value()
	return &v
}

// ref reads an optional input naming an entity of kind k by global ID or key
// (see graph.RefID).
func ref(k graph.Kind, o graphql.Omittable[*string]) string { return graph.RefID(k, val(o)) }

// updRef is upd for such an input.
func updRef(k graph.Kind, o graphql.Omittable[*string]) *string {
	p := upd(o)
	if p != nil {
		*p = graph.RefID(k, *p)
	}
	return p
}

func evidence(o graphql.Omittable[*model.EvidenceInput]) graph.Evidence {
	e := val(o)
	return graph.Evidence{Source: val(e.Source), Quote: val(e.Quote), Note: val(e.Note)}
}

func updEvidence(o graphql.Omittable[*model.EvidenceInput]) *graph.Evidence {
	if !o.IsSet() {
		return nil
	}
	e := evidence(o)
	return &e
}

func linkFilter(f *model.LinkFilter) graph.LinkFilter {
	if f == nil {
		return graph.LinkFilter{}
	}
	return graph.LinkFilter{Types: f.Types.Value(), ProgrammeID: ref(graph.KindProgramme, f.ProgrammeID),
		BrokeredByID: ref(graph.KindActor, f.BrokeredByID),
		Active:       graph.Interval{From: val(f.ActiveFrom), To: val(f.ActiveTo)}}
}

func pageArgs(first *int32, after *string) graph.PageArgs {
	p := graph.PageArgs{}
	if first != nil {
		p.First = int(*first)
		if p.First == 0 {
			p.First = -1 // zero items asked for: Size reports it, rather than defaulting
		}
	}
	if after != nil {
		p.After = *after
	}
	return p
}

func kinds(ks []model.ActorKind) []graph.Kind {
	out := make([]graph.Kind, len(ks))
	for i, k := range ks {
		out[i] = map[model.ActorKind]graph.Kind{model.ActorKindPerson: graph.KindPerson, model.ActorKindOrganisation: graph.KindOrganisation}[k]
	}
	return out
}

// edgesAndNodes maps a store page's items to a connection's edges and nodes.
func edgesAndNodes[T, N, E any](items []T, cursors []string, node func(T) N, edge func(string, N) E) ([]E, []N) {
	edges, nodes := make([]E, len(items)), make([]N, len(items))
	for i, it := range items {
		nodes[i] = node(it)
		edges[i] = edge(cursors[i], nodes[i])
	}
	return edges, nodes
}

func actorConnection(p *graph.Page[*graph.Actor]) *model.ActorConnection {
	c := &model.ActorConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo}
	c.Edges, c.Nodes = edgesAndNodes(p.Items, p.Cursors, model.ActorOf,
		func(cur string, n model.Actor) *model.ActorEdge { return &model.ActorEdge{Cursor: cur, Node: n} })
	return c
}

func personConnection(p *graph.Page[*graph.Actor]) *model.PersonConnection {
	c := &model.PersonConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo}
	c.Edges, c.Nodes = edgesAndNodes(p.Items, p.Cursors, func(a *graph.Actor) *model.Person { return &model.Person{Actor: a} },
		func(cur string, n *model.Person) *model.PersonEdge { return &model.PersonEdge{Cursor: cur, Node: n} })
	return c
}

func organisationConnection(p *graph.Page[*graph.Actor]) *model.OrganisationConnection {
	c := &model.OrganisationConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo}
	c.Edges, c.Nodes = edgesAndNodes(p.Items, p.Cursors, func(a *graph.Actor) *model.Organisation { return &model.Organisation{Actor: a} },
		func(cur string, n *model.Organisation) *model.OrganisationEdge {
			return &model.OrganisationEdge{Cursor: cur, Node: n}
		})
	return c
}

func programmeConnection(p *graph.Page[*graph.Programme]) *model.ProgrammeConnection {
	c := &model.ProgrammeConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo}
	c.Edges, c.Nodes = edgesAndNodes(p.Items, p.Cursors, func(p *graph.Programme) *model.Programme { return &model.Programme{Programme: p} },
		func(cur string, n *model.Programme) *model.ProgrammeEdge {
			return &model.ProgrammeEdge{Cursor: cur, Node: n}
		})
	return c
}

func linkConnection(p *graph.Page[*graph.Link]) *model.LinkConnection {
	c := &model.LinkConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo}
	c.Edges, c.Nodes = edgesAndNodes(p.Items, p.Cursors, func(l *graph.Link) *model.Link { return &model.Link{Link: l} },
		func(cur string, n *model.Link) *model.LinkEdge { return &model.LinkEdge{Cursor: cur, Node: n} })
	return c
}

// actorLinks resolves an actor's links field through the batched loader.
func actorLinks(ctx context.Context, id string, filter *model.LinkFilter, first *int32, after *string) (*model.LinkConnection, error) {
	return linkPage(ctx, graph.OwnerActor, id, linkFilter(filter), first, after)
}

// linkPage resolves a connection of links through the batched loader.
func linkPage(ctx context.Context, owner graph.LinkOwner, id string, f graph.LinkFilter, first *int32, after *string) (*model.LinkConnection, error) {
	p, err := loaders(ctx).linkPage(ctx, owner, id, f, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return linkConnection(p), nil
}

// affiliated returns the actors at the other end of id's affiliation and
// membership links, keeping those that pass keep, each once.
func affiliated(ctx context.Context, id string, keep func(*graph.Actor) bool) ([]*graph.Actor, error) {
	ls, err := loaders(ctx).linksOf.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range ls {
		if l.Type != graph.LinkAffiliation && l.Type != graph.LinkMembership {
			continue
		}
		other := l.SourceID
		if other == id {
			other = l.TargetID
		}
		if !slices.Contains(ids, other) {
			ids = append(ids, other)
		}
	}
	as, err := loaders(ctx).actors.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(as, func(a *graph.Actor) bool { return a == nil || !keep(a) }), nil
}

func (r *Resolver) brokered(ctx context.Context, id string, first *int32, after *string) (*model.LinkConnection, error) {
	return linkPage(ctx, graph.OwnerBroker, id, graph.LinkFilter{}, first, after)
}

func (r *Resolver) participationsOf(ctx context.Context, id string) ([]*graph.Participation, error) {
	return loaders(ctx).participations.Load(ctx, id)
}

// actorByID loads an actor of any kind; nil if id is empty or unknown.
func actorByID(ctx context.Context, id string) (model.Actor, error) {
	if id == "" {
		return nil, nil
	}
	a, err := loaders(ctx).actors.Load(ctx, id)
	if err != nil || a == nil {
		return nil, err
	}
	return model.ActorOf(a), nil
}

func programmeByID(ctx context.Context, id string) (*model.Programme, error) {
	if id == "" {
		return nil, nil
	}
	p, err := loaders(ctx).programmes.Load(ctx, id)
	if err != nil || p == nil {
		return nil, err
	}
	return &model.Programme{Programme: p}, nil
}

// kindOf returns ENOTFOUND unless a is an actor of kind k.
func kindOf(a *graph.Actor, id string, k graph.Kind) error {
	if a == nil || a.Kind != k {
		return graph.Errorf(graph.ENOTFOUND, "id", "no %s with id %q", k, id)
	}
	return nil
}

func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	return nodeThunk(ctx, loaders(ctx), id)()
}

// nodes resolves ids with one loader batch per kind: every id is queued
// before any is awaited, so a thousand ids cost three store calls, not a
// thousand batches. The list is bounded like a page.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > graph.MaxPageSize {
		return nil, graph.Errorf(graph.EINVALID, "ids", "nodes takes at most %d ids, not %d: ask in several requests", graph.MaxPageSize, len(ids))
	}
	l := loaders(ctx)
	thunks := make([]func() (model.Node, error), len(ids))
	for i, id := range ids {
		thunks[i] = nodeThunk(ctx, l, id)
	}
	out := make([]model.Node, len(ids))
	for i, th := range thunks {
		n, err := th()
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// nodeThunk queues id's load and returns a function awaiting its node: nil
// for an ID that is not ours or names nothing.
func nodeThunk(ctx context.Context, l *Loaders, id string) func() (model.Node, error) {
	kind, _, err := graph.ParseID(id)
	switch {
	case err != nil:
		return func() (model.Node, error) { return nil, nil }
	case kind == graph.KindActor:
		return awaitNode(l.actors.LoadThunk(ctx, id), func(a *graph.Actor) model.Node { return model.ActorOf(a) })
	case kind == graph.KindProgramme:
		return awaitNode(l.programmes.LoadThunk(ctx, id), func(p *graph.Programme) model.Node { return &model.Programme{Programme: p} })
	}
	return awaitNode(l.links.LoadThunk(ctx, id), func(k *graph.Link) model.Node { return &model.Link{Link: k} })
}

func awaitNode[T any](load func() (*T, error), wrap func(*T) model.Node) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := load()
		if v == nil || err != nil {
			return nil, err
		}
		return wrap(v), nil
	}
}

// updateActor applies u if u.ID is an actor of kind k.
func (r *Resolver) updateActor(ctx context.Context, k graph.Kind, u graph.ActorUpdate) (*graph.Actor, error) {
	as, err := r.Store.ActorsByID(ctx, []string{u.ID})
	if err != nil {
		return nil, err
	}
	if err := kindOf(as[0], u.ID, k); err != nil {
		return nil, err
	}
	return r.Store.UpdateActor(ctx, u)
}

// deleteActor deletes id if it is an actor of kind k.
func (r *Resolver) deleteActor(ctx context.Context, k graph.Kind, id string, revision *string) (string, error) {
	as, err := r.Store.ActorsByID(ctx, []string{id})
	if err != nil {
		return "", err
	}
	if err := kindOf(as[0], id, k); err != nil {
		return "", err
	}
	return id, r.Store.DeleteActor(ctx, id, deref(revision))
}

// The entities the create and upsert mutations write.

func personOf(in model.CreatePersonInput) *graph.Actor {
	return &graph.Actor{Kind: graph.KindPerson, Key: in.Key, Name: in.Name, Aliases: in.Aliases.Value(), Description: val(in.Description),
		Title: val(in.Title), Roles: in.Roles.Value(), Email: val(in.Email), Phone: val(in.Phone),
		Evidence: evidence(in.Evidence)}
}

func organisationOf(in model.CreateOrganisationInput) *graph.Actor {
	return &graph.Actor{Kind: graph.KindOrganisation, Key: in.Key, Name: in.Name, Aliases: in.Aliases.Value(), OrgType: in.Type,
		Description: val(in.Description), Sector: val(in.Sector), Region: val(in.Region),
		ParentID: ref(graph.KindActor, in.ParentID), Evidence: evidence(in.Evidence)}
}

func programmeOf(in model.CreateProgrammeInput) *graph.Programme {
	return &graph.Programme{Key: in.Key, Name: in.Name, Description: val(in.Description), Aims: in.Aims.Value(),
		Start: val(in.Start), End: val(in.End), Tags: in.Tags.Value(), Evidence: evidence(in.Evidence)}
}

func linkOf(in model.CreateLinkInput) *graph.Link {
	return &graph.Link{Key: val(in.Key), Type: in.Type, SourceID: graph.RefID(graph.KindActor, in.SourceID),
		TargetID: graph.RefID(graph.KindActor, in.TargetID), Directed: val(in.Directed), Weight: val(in.Weight),
		Interval: graph.Interval{From: val(in.From), To: val(in.To)}, ProgrammeID: ref(graph.KindProgramme, in.ProgrammeID),
		BrokeredByID: ref(graph.KindActor, in.BrokeredByID), Evidence: evidence(in.Evidence)}
}

// upsert writes b by key, as an import does, in one transaction.
func (r *Resolver) upsert(ctx context.Context, b *graph.Batch) error {
	_, err := graph.Apply(ctx, r.Store, b)
	return err
}

// upsertActor upserts a and returns it as stored.
func (r *Resolver) upsertActor(ctx context.Context, a *graph.Actor) (*graph.Actor, error) {
	if err := r.upsert(ctx, &graph.Batch{Actors: []*graph.Actor{a}}); err != nil {
		return nil, err
	}
	as, err := r.Store.ActorsByID(ctx, []string{graph.NewID(graph.KindActor, a.Key)})
	if err != nil {
		return nil, err
	}
	return as[0], nil
}
