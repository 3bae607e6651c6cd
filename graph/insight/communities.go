package insight

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// The community algorithms (see analysis.CommunityAlgorithm).
const (
	Leiden  = analysis.Leiden
	Louvain = analysis.Louvain
)

// CommunityQuery chooses how a scope's network is partitioned into the
// groups it forms itself. The zero value is Leiden at resolution 1 with
// seed 0: the partition groupBy COMMUNITY and broker profiles use.
type CommunityQuery struct {
	Algorithm  analysis.CommunityAlgorithm
	Resolution float64 // γ; 0 means 1
	Seed       uint64
}

// communitiesKey memoises a partition per query on its snapshot.
type communitiesKey struct{ q CommunityQuery }

// Communities partitions s's network (tie strengths count when the scope
// is weighted), once per snapshot and query: the same scope, store
// version, algorithm, resolution and seed give the same communities.
func Communities(ctx context.Context, s *snapshot.Snapshot, q CommunityQuery) (*analysis.CommunityResult, error) {
	if q.Resolution == 0 {
		q.Resolution = 1
	}
	if !(q.Resolution > 0) || q.Resolution > 1e6 {
		return nil, graph.Errorf(graph.EINVALID, "resolution", "resolution %v must be a positive number", q.Resolution)
	}
	return snapshot.Memo(ctx, s, communitiesKey{q}, func(ctx context.Context) (*analysis.CommunityResult, error) {
		res, err := analysis.Communities(ctx, s.G, analysis.CommunityOptions{Algorithm: q.Algorithm,
			Resolution: q.Resolution, Weighted: s.Scope.Weighted, Seed: q.Seed})
		return res, userError(err)
	})
}

// Partition is a scope's communities, as a client asks for them.
type Partition struct {
	Query  CommunityQuery
	Result *analysis.CommunityResult
	Info   *Info // when the Background engine served it; nil otherwise
	s      *snapshot.Snapshot
}

// NewPartition partitions s's network as q asks (see Communities).
func NewPartition(ctx context.Context, s *snapshot.Snapshot, q CommunityQuery) (*Partition, error) {
	res, err := Communities(ctx, s, q)
	if err != nil {
		return nil, err
	}
	if q.Resolution == 0 {
		q.Resolution = 1
	}
	return &Partition{Query: q, Result: res, s: s}, nil
}

func (p *Partition) Resolution() float64 { return p.Query.Resolution }
func (p *Partition) Seed() int           { return int(p.Query.Seed) }
func (p *Partition) Modularity() float64 { return p.Result.Modularity }
func (p *Partition) Count() int          { return len(p.Result.Sizes) }

// List returns the first n communities, largest first.
func (p *Partition) List(n int) []Community { return CommunityList(p.s, p.Result, n) }

// Community is one community of a partition.
type Community struct {
	ID     int
	Actors []*graph.Actor // most ties first, then by key
	// Sectors are its actors' sectors (people's by their organisation),
	// most common first.
	Sectors []string
}

// Size is how many actors the community has.
func (c Community) Size() int { return len(c.Actors) }

// CommunityList returns the first n communities of a partition, largest
// first (then by ID), each with its actors.
func CommunityList(s *snapshot.Snapshot, res *analysis.CommunityResult, n int) []Community {
	ids := make([]int, len(res.Sizes))
	for i := range ids {
		ids[i] = i
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Or(cmp.Compare(res.Sizes[b], res.Sizes[a]), cmp.Compare(a, b)) })
	members := make([][]int32, len(res.Sizes))
	for v, c := range res.Of {
		members[c] = append(members[c], int32(v))
	}
	sector := s.G.Attrs[snapshot.AttrSector]
	out := make([]Community, 0, min(n, len(ids)))
	for _, c := range ids[:min(n, len(ids))] {
		vs := members[c]
		slices.SortFunc(vs, func(a, b int32) int {
			return cmp.Or(cmp.Compare(degree(s.G, b), degree(s.G, a)), cmp.Compare(s.Actors[a].Key, s.Actors[b].Key))
		})
		counts := map[string]int{}
		for _, v := range vs {
			if sector[v] != "" {
				counts[sector[v]]++
			}
		}
		sectors := make([]string, 0, len(counts))
		for k := range counts {
			sectors = append(sectors, k)
		}
		slices.SortFunc(sectors, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
		out = append(out, Community{ID: c, Actors: actors(s, vs), Sectors: sectors})
	}
	return out
}

// communityGroups labels each node with its community in the default
// partition, for brokerage by community.
func communityGroups(ctx context.Context, s *snapshot.Snapshot) ([]string, error) {
	res, err := Communities(ctx, s, CommunityQuery{})
	if err != nil {
		return nil, err
	}
	groups := make([]string, len(res.Of))
	for v, c := range res.Of {
		groups[v] = fmt.Sprint(c)
	}
	return groups, nil
}

// Spans returns the communities (of the default partition) among an actor
// and its contacts, ascending: the groups a broker's ties reach.
func (p *Profile) Spans(ctx context.Context) ([]int, error) {
	res, err := Communities(ctx, p.s, CommunityQuery{})
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{int(res.Of[p.v]): true}
	for _, w := range undirected(p.s.G, p.v) {
		seen[int(res.Of[w])] = true
	}
	out := make([]int, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}
