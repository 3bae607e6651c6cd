package insight

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// Profile is the evidence behind one actor's brokerage scores in a
// snapshot. Every part is computed when first asked for, so a caller that
// wants one score does not pay for the bridged pairs.
type Profile struct {
	s *snapshot.Snapshot
	v int32

	mu       sync.Mutex
	bridging *Bridging
}

// NewProfile returns the profile of the actor with ID id in s. Returns
// ENOTFOUND on field "actor" if s has no such actor.
func NewProfile(s *snapshot.Snapshot, id string) (*Profile, error) {
	v, err := s.Node("actor", id)
	if err != nil {
		return nil, err
	}
	return &Profile{s: s, v: v}, nil
}

// Actor returns the actor profiled.
func (p *Profile) Actor() *graph.Actor { return p.s.Actors[p.v] }

func (p *Profile) score(ctx context.Context, m Metric) (float64, error) {
	sc, err := Compute(ctx, p.s, m, BySector)
	if err != nil {
		return 0, err
	}
	return sc.Value[p.v], nil
}

// Betweenness returns the actor's betweenness (see Betweenness).
func (p *Profile) Betweenness(ctx context.Context) (float64, error) { return p.score(ctx, Betweenness) }

// Degree returns the actor's degree centrality.
func (p *Profile) Degree(ctx context.Context) (float64, error) { return p.score(ctx, Degree) }

// Closeness returns the actor's harmonic closeness.
func (p *Profile) Closeness(ctx context.Context) (float64, error) { return p.score(ctx, Closeness) }

func (p *Profile) hole(ctx context.Context, m Metric) (*float64, error) {
	sc, err := Compute(ctx, p.s, m, BySector)
	if err != nil || !sc.Has(p.v) {
		return nil, err
	}
	x := sc.Value[p.v]
	return &x, nil
}

// Constraint returns Burt's constraint; nil for an isolate (undefined).
func (p *Profile) Constraint(ctx context.Context) (*float64, error) { return p.hole(ctx, Constraint) }

// EffectiveSize returns Burt's effective size; nil for an isolate.
func (p *Profile) EffectiveSize(ctx context.Context) (*float64, error) {
	return p.hole(ctx, EffectiveSize)
}

// Efficiency returns Burt's efficiency (effective size over degree); nil
// for an isolate.
func (p *Profile) Efficiency(ctx context.Context) (*float64, error) { return p.hole(ctx, Efficiency) }

// Brokerage returns the actor's Gould–Fernandez roles with groups by.
func (p *Profile) Brokerage(ctx context.Context, by Group) (*Roles, error) {
	res, err := brokerage(ctx, p.s, by)
	if err != nil {
		return nil, err
	}
	return roles(p.s, res, p.v), nil
}

// IsCutpoint reports whether the network would fall apart without the actor.
func (p *Profile) IsCutpoint() bool {
	_, found := slices.BinarySearch(cutpoints(p.s), p.v)
	return found
}

// BrokeredLinks returns the in-scope links the actor is recorded as having
// brokered, in link order.
func (p *Profile) BrokeredLinks() []*graph.Link {
	var out []*graph.Link
	for _, l := range p.s.Links {
		if l.BrokeredByID == p.Actor().ID {
			out = append(out, l)
		}
	}
	return out
}

// DeclaredBrokerage returns how many links the actor is recorded as having
// brokered.
func (p *Profile) DeclaredBrokerage() int { return len(p.BrokeredLinks()) }

// Sectors returns the sectors among the actor's contacts, sorted.
func (p *Profile) Sectors() []string {
	sector := p.s.G.Attrs[snapshot.AttrSector]
	out := []string{}
	for _, u := range undirected(p.s.G, p.v) {
		if sector[u] != "" && !slices.Contains(out, sector[u]) {
			out = append(out, sector[u])
		}
	}
	slices.Sort(out)
	return out
}

// Organisations returns the top-level organisations of the actor's
// contacts that are in scope, in order of first contact.
func (p *Profile) Organisations() []*graph.Actor {
	org := p.s.G.Attrs[snapshot.AttrOrganisation]
	var keys []string
	for _, u := range undirected(p.s.G, p.v) {
		if org[u] != "" && !slices.Contains(keys, org[u]) {
			keys = append(keys, org[u])
		}
	}
	var out []*graph.Actor
	for _, k := range keys {
		if o := p.s.G.Index(k); o >= 0 && p.s.Actors[o].Kind == graph.KindOrganisation {
			out = append(out, p.s.Actors[o])
		}
	}
	return out
}

// Bridging returns the pairs of contacts the actor bridges, computed once
// per profile.
func (p *Profile) Bridging(ctx context.Context) (*Bridging, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bridging == nil {
		b, err := bridging(ctx, p.s, p.v)
		if err != nil {
			return nil, err
		}
		p.bridging = b
	}
	return p.bridging, nil
}

// BridgedPairCount returns how many pairs of contacts the actor bridges.
func (p *Profile) BridgedPairCount(ctx context.Context) (int, error) {
	b, err := p.Bridging(ctx)
	if err != nil {
		return 0, err
	}
	return len(b.Pairs), nil
}

// IrreplaceablePairs returns how many bridged pairs no one else joins.
func (p *Profile) IrreplaceablePairs(ctx context.Context) (int, error) {
	b, err := p.Bridging(ctx)
	if err != nil {
		return 0, err
	}
	return b.Irreplaceable, nil
}

// Bridging is the structural holes an actor spans: pairs of its contacts
// not tied to each other, and who else could join them.
type Bridging struct {
	Pairs         []Pair       // every bridged pair, IrreplaceableFirst
	Irreplaceable int          // pairs with no alternative
	Substitutes   []Substitute // actors joining some of the same pairs, most pairs first
}

// Pair is two contacts of a broker that are not tied to each other.
type Pair struct {
	A, B                 *graph.Actor
	CrossesSectors       bool
	CrossesOrganisations bool           // A and B belong to different (top-level) organisations
	Evidence             int            // how many of Links carry evidence (a source or a quote)
	Links                []*graph.Link  // the broker's links to A, then to B
	Alternatives         []*graph.Actor // others tied to both A and B
}

// Substitute is an actor who also joins some of a broker's pairs.
type Substitute struct {
	Actor *graph.Actor
	Pairs int
}

// MaxPairs bounds the pairs a profile examines.
const MaxPairs = 200_000

// bridging finds v's bridged pairs, each with the other actors who also
// join them. More than MaxPairs is an EINVALID error on field "actor".
func bridging(ctx context.Context, s *snapshot.Snapshot, v int32) (*Bridging, error) {
	g, sector := s.G, s.G.Attrs[snapshot.AttrSector]
	joins := map[int32]int{}
	type pair struct {
		a, b  int32
		alts  []int32
		cross bool
	}
	var pairs []pair
	nb := undirected(g, v)
	for i, a := range nb {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		na := undirected(g, a)
		for _, b := range nb[i+1:] {
			if _, tied := slices.BinarySearch(na, b); tied {
				continue
			}
			if len(pairs) == MaxPairs {
				return nil, graph.Errorf(graph.EINVALID, "actor", "this actor bridges more than %d pairs: narrow the scope", MaxPairs)
			}
			var alts []int32
			for _, x := range intersect(na, undirected(g, b)) {
				if x != v {
					alts = append(alts, x)
					joins[x]++
				}
			}
			pairs = append(pairs, pair{a, b, alts, sector[a] != "" && sector[b] != "" && sector[a] != sector[b]})
		}
	}
	org := g.Attrs[snapshot.AttrOrganisation]
	out := &Bridging{Pairs: make([]Pair, len(pairs))}
	for i, pr := range pairs {
		if len(pr.alts) == 0 {
			out.Irreplaceable++
		}
		links := append(tieLinks(s, v, pr.a), tieLinks(s, v, pr.b)...)
		out.Pairs[i] = Pair{A: s.Actors[pr.a], B: s.Actors[pr.b], CrossesSectors: pr.cross,
			CrossesOrganisations: org[pr.a] != org[pr.b], Evidence: evidenced(links), Links: links,
			Alternatives: actors(s, pr.alts)}
	}
	out.Pairs = OrderPairs(out.Pairs, IrreplaceableFirst)
	subs := make([]int32, 0, len(joins))
	for x := range joins {
		subs = append(subs, x)
	}
	slices.SortFunc(subs, func(x, y int32) int {
		return cmp.Or(cmp.Compare(joins[y], joins[x]), cmp.Compare(s.Actors[x].Name, s.Actors[y].Name),
			cmp.Compare(s.Actors[x].Key, s.Actors[y].Key))
	})
	for _, x := range subs {
		out.Substitutes = append(out.Substitutes, Substitute{s.Actors[x], joins[x]})
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// undirected returns v's neighbours in the undirected view, ascending.
func undirected(g *analysis.Graph, v int32) []int32 {
	out, _ := g.Out(v)
	if g.Directed {
		in, _ := g.In(v)
		out = append(slices.Clone(out), in...)
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// intersect returns the common elements of two ascending lists.
func intersect(a, b []int32) []int32 {
	var out []int32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// PairOrder is an order of a broker's bridged pairs: each says what a
// broker would look at first.
type PairOrder string

const (
	// IrreplaceableFirst: pairs no one else joins first (fewest
	// alternatives), then pairs across organisations (not two units of one
	// university), then across sectors, then the best evidenced.
	IrreplaceableFirst PairOrder = "IRREPLACEABLE_FIRST"
	// CrossSectorFirst: pairs across sectors first, then fewest
	// alternatives, then the best evidenced.
	CrossSectorFirst PairOrder = "CROSS_SECTOR_FIRST"
	// EvidenceFirst: the pairs whose ties have the most evidence first, then
	// fewest alternatives.
	EvidenceFirst PairOrder = "EVIDENCE_FIRST"
	// ByName: by A's name, then B's.
	ByName PairOrder = "NAME"
)

// OrderPairs returns the pairs sorted in order, ties broken by names, then
// keys, so the order is the same on every run.
func OrderPairs(pairs []Pair, order PairOrder) []Pair {
	out := slices.Clone(pairs)
	alts := func(x, y Pair) int { return cmp.Compare(len(x.Alternatives), len(y.Alternatives)) }
	evidence := func(x, y Pair) int { return cmp.Compare(y.Evidence, x.Evidence) }
	orgs := func(x, y Pair) int { return boolInt(y.CrossesOrganisations) - boolInt(x.CrossesOrganisations) }
	sectors := func(x, y Pair) int { return boolInt(y.CrossesSectors) - boolInt(x.CrossesSectors) }
	names := func(x, y Pair) int {
		return cmp.Or(cmp.Compare(x.A.Name, y.A.Name), cmp.Compare(x.B.Name, y.B.Name),
			cmp.Compare(x.A.Key, y.A.Key), cmp.Compare(x.B.Key, y.B.Key))
	}
	var keys []func(x, y Pair) int
	switch order {
	case CrossSectorFirst:
		keys = []func(x, y Pair) int{sectors, alts, evidence}
	case EvidenceFirst:
		keys = []func(x, y Pair) int{evidence, alts}
	case ByName:
	default:
		keys = []func(x, y Pair) int{alts, orgs, sectors, evidence}
	}
	slices.SortFunc(out, func(x, y Pair) int {
		for _, k := range keys {
			if c := k(x, y); c != 0 {
				return c
			}
		}
		return names(x, y)
	})
	return out
}

// evidenced counts the links that carry evidence.
func evidenced(links []*graph.Link) int {
	n := 0
	for _, l := range links {
		if l.Evidence.Source != "" || l.Evidence.Quote != "" {
			n++
		}
	}
	return n
}
