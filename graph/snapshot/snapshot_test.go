package snapshot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/graph/sqlite"
)

var ctx = context.Background()

func id(key string) string { return graph.NewID(graph.KindActor, key) }

// network: a university with a centre, a school, two people; a programme.
func network(t *testing.T) graph.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	uni := &graph.Actor{Key: "uni", Kind: graph.KindOrganisation, Name: "Uni", OrgType: graph.OrgUniversity, Sector: "Higher education", Region: "NW"}
	centre := &graph.Actor{Key: "centre", Kind: graph.KindOrganisation, Name: "Centre", OrgType: graph.OrgResearchCentre, Sector: "Research", ParentID: id("uni")}
	school := &graph.Actor{Key: "school", Kind: graph.KindOrganisation, Name: "School", OrgType: graph.OrgSchool, Sector: "Schools"}
	ann := &graph.Actor{Key: "ann", Kind: graph.KindPerson, Name: "Ann"}
	bob := &graph.Actor{Key: "bob", Kind: graph.KindPerson, Name: "Bob"}
	_, err = graph.Apply(ctx, s, &graph.Batch{
		Actors:     []*graph.Actor{uni, centre, school, ann, bob},
		Programmes: []*graph.Programme{{Key: "prog", Name: "Prog"}},
		// Ann takes part in the programme without a link in it.
		Participations: []*graph.Participation{{ActorID: id("ann"), ProgrammeID: graph.NewID(graph.KindProgramme, "prog"), Role: graph.RolePartner}},
		Links: []*graph.Link{
			{Key: "l1", Type: graph.LinkAffiliation, SourceID: id("ann"), TargetID: id("centre"), Directed: true},
			{Key: "l2", Type: graph.LinkCollaboration, SourceID: id("ann"), TargetID: id("bob"), Weight: 3,
				Interval: graph.Interval{From: graph.MustDate("2020-01-01"), To: graph.MustDate("2020-12-31")}},
			{Key: "l3", Type: graph.LinkPartnership, SourceID: id("uni"), TargetID: id("school"), ProgrammeID: graph.NewID(graph.KindProgramme, "prog")},
			{Key: "l4", Type: graph.LinkMembership, SourceID: id("bob"), TargetID: id("school"), Directed: true},
			{Key: "l5", Type: graph.LinkCollaboration, SourceID: id("bob"), TargetID: id("ann"), Weight: 2},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func edges(s *snapshot.Snapshot) []string {
	var out []string
	for _, e := range s.G.Edges {
		out = append(out, s.G.Keys[e.U]+"-"+s.G.Keys[e.V])
	}
	return out
}

func TestBuild(t *testing.T) {
	st := network(t)
	for _, tc := range []struct {
		name  string
		scope graph.Scope
		nodes int
		edges []string
	}{
		{"All", graph.Scope{}, 5, []string{"centre-ann", "ann-bob", "uni-school", "bob-school"}},
		{"People", graph.Scope{ActorKinds: []graph.Kind{graph.KindPerson}}, 2, []string{"ann-bob"}},
		// A scope that selects links holds the actors they join (and a
		// programme's participants): outsiders are never ranked or counted.
		{"Types", graph.Scope{LinkTypes: []graph.LinkType{graph.LinkAffiliation, graph.LinkMembership}}, 4, []string{"centre-ann", "bob-school"}},
		{"Programme", graph.Scope{ProgrammeID: graph.NewID(graph.KindProgramme, "prog")}, 3, []string{"uni-school"}},
		{"OldWindow", graph.Scope{Window: graph.Interval{To: graph.MustDate("2019-12-31")}}, 5, []string{"centre-ann", "uni-school", "bob-school", "bob-ann"}},
		{"Window", graph.Scope{Window: graph.Interval{From: graph.MustDate("2021-01-01")}}, 5, []string{"centre-ann", "ann-bob", "uni-school", "bob-school"}},
		// Undated links are active at all times, so in every window.
		// Directed links keep their direction; undirected ties go both ways.
		{"Directed", graph.Scope{Directed: true}, 5, []string{"ann-bob", "ann-centre", "bob-ann", "bob-school", "uni-school", "school-uni"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := snapshot.Build(ctx, st, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if s.G.N() != tc.nodes {
				t.Errorf("nodes = %d, want %d", s.G.N(), tc.nodes)
			}
			got, want := map[string]bool{}, map[string]bool{}
			for _, e := range edges(s) {
				got[e] = true
			}
			for _, e := range tc.edges {
				want[e] = true
			}
			// Undirected edges are stored with ends in node order: compare as sets of unordered pairs.
			if !tc.scope.Directed {
				got, want = unordered(got), unordered(want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("edges (-want +got):\n%s", diff)
			}
		})
	}
}

func unordered(m map[string]bool) map[string]bool {
	out := map[string]bool{}
	for e := range m {
		var a, b string
		for i := range e {
			if e[i] == '-' {
				a, b = e[:i], e[i+1:]
			}
		}
		if a > b {
			a, b = b, a
		}
		out[a+"-"+b] = true
	}
	return out
}

func TestParallelLinksAndAttributes(t *testing.T) {
	s, err := snapshot.Build(ctx, network(t), graph.Scope{Weighted: true})
	if err != nil {
		t.Fatal(err)
	}
	ann, bob := s.G.Index("ann"), s.G.Index("bob")
	for _, e := range s.G.Edges {
		if (e.U == ann && e.V == bob) || (e.U == bob && e.V == ann) {
			// l2 (weight 3) and l5 (weight 2) merge; the strongest tie wins.
			if e.Weight != 3 || len(e.Links) != 2 || s.Links[e.Links[0]].Key != "l2" {
				t.Errorf("merged ann-bob edge = %+v", e)
			}
		}
	}
	attrs := map[string][4]string{}
	for v, key := range s.G.Keys {
		attrs[key] = [4]string{s.G.Attrs[snapshot.AttrSector][v], s.G.Attrs[snapshot.AttrType][v],
			s.G.Attrs[snapshot.AttrRegion][v], s.G.Attrs[snapshot.AttrOrganisation][v]}
	}
	want := map[string][4]string{
		"uni":    {"Higher education", "UNIVERSITY", "NW", "uni"},
		"centre": {"Higher education", "UNIVERSITY", "NW", "uni"}, // a unit takes its top-level parent's groups
		"school": {"Schools", "SCHOOL", "", "school"},
		"ann":    {"Higher education", "UNIVERSITY", "NW", "uni"}, // a person takes their organisation's
		"bob":    {"Schools", "SCHOOL", "", "school"},
	}
	if diff := cmp.Diff(want, attrs); diff != "" {
		t.Errorf("group attributes (-want +got):\n%s", diff)
	}
	if v, err := s.Node("actor", id("nobody")); err == nil || graph.ErrorCode(err) != graph.ENOTFOUND || v != -1 {
		t.Errorf("Node(unknown) = %d, %v; want ENOTFOUND", v, err)
	}
}

func TestCache(t *testing.T) {
	st := network(t)
	c := snapshot.NewCache(st, snapshot.CacheOptions{})
	s1, _ := c.Get(ctx, graph.Scope{})
	s2, _ := c.Get(ctx, graph.Scope{})
	if s1 != s2 || c.Hits.Load() != 1 || c.Misses.Load() != 1 {
		t.Fatalf("second get: same=%v hits=%d misses=%d", s1 == s2, c.Hits.Load(), c.Misses.Load())
	}
	if _, err := st.CreateActor(ctx, &graph.Actor{Key: "cat", Kind: graph.KindPerson, Name: "Cat"}); err != nil {
		t.Fatal(err)
	}
	s3, _ := c.Get(ctx, graph.Scope{})
	if s3 == s1 || s3.G.N() != 6 {
		t.Errorf("after a write the snapshot was not rebuilt (n=%d)", s3.G.N())
	}
	if _, err := c.Get(ctx, graph.Scope{LinkTypes: []graph.LinkType{"FRIENDSHIP"}}); graph.ErrorField(err) != "scope.linkTypes" {
		t.Errorf("bad scope error = %v, want one naming scope.linkTypes", err)
	}
}

func TestMemo(t *testing.T) {
	s, err := snapshot.Build(ctx, network(t), graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ name string }
	type otherKey struct{ name string }
	n, _ := snapshot.Memo(ctx, s, key{"x"}, func(context.Context) (int, error) { return 42, nil })
	m, _ := snapshot.Memo(ctx, s, key{"x"}, func(context.Context) (int, error) { return 0, nil })
	if n != 42 || m != 42 {
		t.Errorf("memo = %d, %d; want computed once", n, m)
	}
	// Keys of another type, or results of another type, are other entries.
	o, _ := snapshot.Memo(ctx, s, otherKey{"x"}, func(context.Context) (int, error) { return 7, nil })
	f, _ := snapshot.Memo(ctx, s, key{"x"}, func(context.Context) (string, error) { return "x", nil })
	if o != 7 || f != "x" {
		t.Errorf("memo of other key type = %d, of other result type = %q; want 7 and x", o, f)
	}
	t.Run("Failure", func(t *testing.T) {
		boom := errors.New("boom")
		if _, err := snapshot.Memo(ctx, s, key{"fail"}, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if v, err := snapshot.Memo(ctx, s, key{"fail"}, func(context.Context) (int, error) { return 1, nil }); v != 1 || err != nil {
			t.Errorf("after a failure = %d, %v; want recomputed", v, err)
		}
		if _, err := snapshot.Memo(ctx, s, key{"panic"}, func(context.Context) (int, error) { panic("bug") }); err == nil {
			t.Error("a panicking computation gave no error")
		}
	})
}

// TestMemoFirstCallerLeaves: the caller that started a computation gives up;
// the computation goes on with a live context and a second caller gets it.
func TestMemoFirstCallerLeaves(t *testing.T) {
	s, err := snapshot.Build(ctx, network(t), graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	started, release := make(chan struct{}), make(chan struct{})
	first, cancel := context.WithCancel(ctx)
	firstErr := make(chan error)
	go func() {
		_, err := snapshot.Memo(first, s, key{}, func(ctx context.Context) (int, error) {
			close(started)
			<-release
			return 42, ctx.Err() // the first caller's cancellation must not reach here
		})
		firstErr <- err
	}()
	<-started
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller = %v, want context.Canceled as soon as it gave up", err)
	}
	second := make(chan int)
	go func() {
		v, err := snapshot.Memo(ctx, s, key{}, func(context.Context) (int, error) { return -1, errors.New("computed twice") })
		if err != nil {
			t.Error(err)
		}
		second <- v
	}()
	close(release)
	if v := <-second; v != 42 {
		t.Errorf("second caller = %d, want 42", v)
	}
}

// gatedStore counts scans and can hold one until released.
type gatedStore struct {
	graph.Store
	scans   atomic.Int32
	started chan struct{} // closed when a gated scan starts
	gate    chan struct{} // a scan waits for this if not nil
}

func (g *gatedStore) Scan(ctx context.Context, fn func(graph.Item) error) (int64, error) {
	g.scans.Add(1)
	if g.gate != nil {
		close(g.started)
		<-g.gate
	}
	return g.Store.Scan(ctx, fn)
}

func TestCacheFirstCallerLeaves(t *testing.T) {
	st := &gatedStore{Store: network(t), started: make(chan struct{}), gate: make(chan struct{})}
	c := snapshot.NewCache(st, snapshot.CacheOptions{})
	first, cancel := context.WithCancel(ctx)
	firstErr := make(chan error)
	go func() {
		_, err := c.Get(first, graph.Scope{})
		firstErr <- err
	}()
	<-st.started
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller = %v, want context.Canceled", err)
	}
	second := make(chan error)
	go func() {
		s, err := c.Get(ctx, graph.Scope{})
		if err == nil && s.G.N() != 5 {
			err = fmt.Errorf("snapshot has %d nodes, want 5", s.G.N())
		}
		second <- err
	}()
	close(st.gate)
	if err := <-second; err != nil {
		t.Errorf("second caller: %v", err)
	}
	if n := st.scans.Load(); n != 1 {
		t.Errorf("scans = %d, want 1", n)
	}
}

// TestCacheBytes: scopes are projected from one scan per store version, the
// cache holds no more than its bound, and the least recently used snapshot
// is the one dropped.
func TestCacheBytes(t *testing.T) {
	st := &gatedStore{Store: network(t)}
	a, b, cc := graph.Scope{}, graph.Scope{Directed: true}, graph.Scope{ActorKinds: []graph.Kind{graph.KindPerson}}
	get := func(c *snapshot.Cache, s graph.Scope) {
		t.Helper()
		if _, err := c.Get(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// Sizes, measured on an unbounded cache.
	big := snapshot.NewCache(st, snapshot.CacheOptions{MaxBytes: 1 << 40})
	var sizes []int64
	for _, s := range []graph.Scope{a, b, cc} {
		before := big.Bytes()
		get(big, s)
		sizes = append(sizes, big.Bytes()-before)
	}
	if n := st.scans.Load(); n != 1 {
		t.Fatalf("three scopes took %d scans, want 1", n)
	}
	total := big.Bytes()
	if sizes[0] <= 0 || sizes[1] <= 0 || sizes[2] <= 0 { // the first holds the base too
		t.Fatalf("bytes = %d, grown by %v: want each snapshot counted", total, sizes)
	}

	// Room for all but one byte of the three: the third Get must evict b,
	// the least recently used (a was used again after b).
	c := snapshot.NewCache(st, snapshot.CacheOptions{MaxBytes: total - 1})
	get(c, a)
	get(c, b)
	get(c, a)
	get(c, cc)
	if got := c.Bytes(); got > total-1 || got != total-sizes[1] {
		t.Errorf("bytes = %d, want %d (bound %d)", got, total-sizes[1], total-1)
	}
	hits, misses := c.Hits.Load(), c.Misses.Load()
	get(c, a)
	get(c, cc)
	if c.Hits.Load()-hits != 2 || c.Misses.Load() != misses {
		t.Errorf("a and c were not both kept: hits +%d, misses +%d", c.Hits.Load()-hits, c.Misses.Load()-misses)
	}
	get(c, b)
	if c.Misses.Load() != misses+1 {
		t.Error("b was kept; want it evicted as the least recently used")
	}
	if n := st.scans.Load(); n != 2 {
		t.Errorf("scans = %d, want 2 (one per cache at one store version)", n)
	}
}

func TestDays(t *testing.T) {
	d := graph.MustDate("2021-07-09")
	if got := snapshot.DateOfDay(snapshot.Day(d)); got != d {
		t.Errorf("day round trip = %v, want %v", got, d)
	}
}

// TestBuildUnknownProgramme: a scope naming no programme is an error, not an
// empty network that looks like a programme nobody joined.
func TestBuildUnknownProgramme(t *testing.T) {
	_, err := snapshot.Build(ctx, network(t), graph.Scope{ProgrammeID: graph.NewID(graph.KindProgramme, "nope")})
	if graph.ErrorCode(err) != graph.ENOTFOUND || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Build with an unknown programme: %v, want NOT_FOUND naming it", err)
	}
}
