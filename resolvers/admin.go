package resolvers

import (
	"context"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// admin returns the store's administrative side, or an internal error if
// this server has none.
func (r *Resolver) admin() (graph.AdminStore, error) {
	if r.Admin != nil {
		return r.Admin, nil
	}
	if a, ok := r.Store.(graph.AdminStore); ok {
		return a, nil
	}
	return nil, graph.Errorf(graph.EINTERNAL, "", "this server keeps no keys or audit log")
}

func (r *Resolver) erasePerson(ctx context.Context, id string) (string, error) {
	a, err := r.admin()
	if err != nil {
		return "", err
	}
	e := graph.NewAuditEntry(ctx, graph.AuditErasePerson, graph.ErasureRef(id), time.Now())
	return id, a.ErasePerson(ctx, id, e)
}

func (r *Resolver) createKey(ctx context.Context, role model.AccessRole, name *string) (*model.NewAPIKey, error) {
	a, err := r.admin()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	k, secret, err := graph.NewAPIKey(deref(name), accessRole(role), now)
	if err != nil {
		return nil, err
	}
	if err := a.CreateKey(ctx, k, graph.NewAuditEntry(ctx, graph.AuditCreateKey, k.ID, now)); err != nil {
		return nil, err
	}
	return &model.NewAPIKey{Key: apiKey(k), Secret: secret}, nil
}

func (r *Resolver) revokeKey(ctx context.Context, id string) (*model.APIKey, error) {
	a, err := r.admin()
	if err != nil {
		return nil, err
	}
	k, err := a.RevokeKey(ctx, id, graph.NewAuditEntry(ctx, graph.AuditRevokeKey, id, time.Now()))
	if err != nil {
		return nil, err
	}
	return apiKey(k), nil
}

func (r *Resolver) apiKeys(ctx context.Context) ([]*model.APIKey, error) {
	a, err := r.admin()
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.APIKey, len(ks))
	for i, k := range ks {
		out[i] = apiKey(k)
	}
	return out, nil
}

func (r *Resolver) auditLog(ctx context.Context, first *int32, after *string) (*model.AuditEntryConnection, error) {
	a, err := r.admin()
	if err != nil {
		return nil, err
	}
	p, err := a.AuditLog(ctx, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	c := &model.AuditEntryConnection{TotalCount: int32(p.TotalCount), PageInfo: &p.PageInfo,
		Edges: []*model.AuditEntryEdge{}, Nodes: []*model.AuditEntry{}}
	for i, e := range p.Items {
		n := &model.AuditEntry{ID: e.ID, At: timestamp(e.At), Actor: e.Actor, Action: model.AuditAction(e.Action), Target: e.Target}
		c.Edges = append(c.Edges, &model.AuditEntryEdge{Cursor: p.Cursors[i], Node: n})
		c.Nodes = append(c.Nodes, n)
	}
	return c, nil
}

// me describes the caller; never its credentials.
func me(ctx context.Context) *model.Caller {
	c := graph.CallerFrom(ctx)
	return &model.Caller{Subject: c.Subject, Name: optional(c.Name), Role: modelRole(c.Role)}
}

func apiKey(k *graph.APIKey) *model.APIKey {
	m := &model.APIKey{ID: k.ID, Name: optional(k.Name), Role: *modelRole(k.Role), Created: timestamp(k.Created)}
	if !k.Revoked.IsZero() {
		m.Revoked = optional(timestamp(k.Revoked))
	}
	return m
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
