package insight

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/analysis"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// The small network most tests use: organisations keyed a…f and x, named
// by their key in capitals, with a sector each (x has none and no ties).
//
//	  c
//	 / \
//	a---b---d---f
//	 \     /
//	  e---+
//
// b bridges (a, d), which e also joins, and (c, d), which nobody else
// does; d is the only cut-point and d–f the only bridge. The link b–d was
// brokered by c.
var (
	sectors = map[string]string{"a": "health", "b": "education", "c": "education", "d": "business", "e": "health",
		"f": "business", "x": ""}
	ties = []string{"b-a", "b-c", "b-d", "a-c", "e-a", "e-d", "d-f"}
)

func id(key string) string { return graph.NewID(graph.KindActor, key) }

func network() ([]*graph.Actor, []*graph.Link) {
	var as []*graph.Actor
	for _, k := range strings.Fields("a b c d e f x") {
		as = append(as, &graph.Actor{ID: id(k), Key: k, Kind: graph.KindOrganisation, Name: strings.ToUpper(k), Sector: sectors[k]})
	}
	var ls []*graph.Link
	for _, t := range ties {
		u, v, _ := strings.Cut(t, "-")
		l := &graph.Link{ID: graph.NewID(graph.KindLink, t), Key: t, Type: graph.LinkCollaboration, SourceID: id(u), TargetID: id(v), Weight: 1}
		if t == "b-d" {
			l.BrokeredByID = id("c")
		}
		ls = append(ls, l)
	}
	return as, ls
}

// fixed serves snapshots of one network, projected on each scope asked.
type fixed struct {
	actors []*graph.Actor
	links  []*graph.Link
}

func (f fixed) Get(_ context.Context, scope graph.Scope) (*snapshot.Snapshot, error) {
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	return snapshot.FromNetwork(f.actors, f.links, scope), nil
}

func testSnapshot() *snapshot.Snapshot {
	as, ls := network()
	return snapshot.FromNetwork(as, ls, graph.Scope{})
}

func testService() *Service {
	as, ls := network()
	return &Service{Snapshots: fixed{as, ls}, PathBudget: 10 * time.Second}
}

// keys returns the actors' keys.
func keys(as []*graph.Actor) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Key
	}
	return out
}

// wantCode fails t unless err has the code and names the field.
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if graph.ErrorCode(err) != code || graph.ErrorField(err) != field {
		t.Errorf("got error %v (code %s, field %q), want %s on %q", err, graph.ErrorCode(err), graph.ErrorField(err), code, field)
	}
}

func TestParseMetric(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Metric
	}{
		{"betweenness", Betweenness}, {"BETWEENNESS", Betweenness}, {"effective-size", EffectiveSize},
		{"EFFECTIVE_SIZE", EffectiveSize}, {" Declared_Brokerage ", DeclaredBrokerage}, {"eigenvector", Eigenvector},
	} {
		if got, err := ParseMetric("metric", tc.in); got != tc.want || err != nil {
			t.Errorf("ParseMetric(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, m := range Metrics() {
		if got, err := ParseMetric("metric", m.String()); got != m || err != nil {
			t.Errorf("ParseMetric(%q) = %v, %v: names do not round-trip", m, got, err)
		}
	}
	_, err := ParseMetric("--with-metrics", "fame")
	wantCode(t, err, graph.EINVALID, "--with-metrics")
}

func TestParseGroup(t *testing.T) {
	for in, want := range map[string]Group{"sector": BySector, "SECTOR": BySector, "type": ByOrgType,
		"ORGANISATION_TYPE": ByOrgType, "region": ByRegion, "organisation": ByOrganisation} {
		if got, err := ParseGroup("groupBy", in); got != want || err != nil {
			t.Errorf("ParseGroup(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	_, err := ParseGroup("--group-by", "colour")
	wantCode(t, err, graph.EINVALID, "--group-by")
}

func TestTop(t *testing.T) {
	ctx := context.Background()
	s := testSnapshot()
	type row struct {
		Key  string
		Rank int
	}
	for _, tc := range []struct {
		m    Metric
		n    int
		want []row
	}{
		// Degrees 3, 3, 3, 2, 2, 1, 0: competition ranks, ties by name.
		{Degree, 10, []row{{"a", 1}, {"b", 1}, {"d", 1}, {"c", 4}, {"e", 4}, {"f", 6}, {"x", 7}}},
		{Degree, 2, []row{{"a", 1}, {"b", 1}}},
		{DeclaredBrokerage, 2, []row{{"c", 1}, {"a", 2}}},
		// Lowest constraint first; a and b sit symmetrically, so tie; the
		// isolate has none and is left out.
		{Constraint, 10, []row{{"d", 1}, {"e", 2}, {"a", 3}, {"b", 3}, {"c", 5}, {"f", 6}}},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.m, tc.n), func(t *testing.T) {
			rs, err := Top(ctx, s, tc.m, BySector, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, r := range rs {
				got = append(got, row{r.Actor.Key, r.Rank})
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("ranking (-got +want):\n%s", diff)
			}
		})
	}
}

func TestRankTieOrderIgnoresInputOrder(t *testing.T) {
	s := testSnapshot()
	sc := defined([]float64{1, 2, 1, 2, 1, 0, 1})
	a := Rank(s, sc, false, []int32{0, 1, 2, 3, 4, 5, 6})
	b := Rank(s, sc, false, []int32{6, 5, 4, 3, 2, 1, 0})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("rankings of the same nodes differ by input order (-forward +backward):\n%s", diff)
	}
}

func TestMetricsDefinedAndBrokerage(t *testing.T) {
	ctx := context.Background()
	s := testSnapshot()
	for _, m := range Metrics() {
		sc, err := Compute(ctx, s, m, ByRegion)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		x := s.G.Index("x")
		if wantDefined := m < Constraint || m > Efficiency; sc.Has(x) != wantDefined {
			t.Errorf("%s: isolate defined = %v, want %v", m, sc.Has(x), wantDefined)
		}
	}
	roles, err := TopRoles(ctx, s, BySector, 10)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := Compute(ctx, s, Brokerage, BySector)
	for i, r := range roles {
		total := float64(r.Counts[len(r.Counts)-1])
		if total <= 0 || total != sc.Value[s.G.Index(r.Actor.Key)] || (i > 0 && total > float64(roles[i-1].Counts[len(r.Counts)-1])) {
			t.Errorf("roles %d (%s): total %v, metric %v", i, r.Actor.Key, total, sc.Value[s.G.Index(r.Actor.Key)])
		}
	}
	if g := roles[0].Group; g == "" {
		t.Errorf("top broker %s has no sector group", roles[0].Actor.Key)
	}
}

func TestProfile(t *testing.T) {
	ctx := context.Background()
	s := testSnapshot()
	p, err := NewProfile(s, id("b"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Betweenness(ctx); err != nil {
		t.Fatal(err)
	}
	if p.bridging != nil {
		t.Errorf("asking for betweenness computed the bridged pairs")
	}
	b, err := p.Bridging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct {
		A, B        string
		Cross       bool
		Links, Alts []string
	}
	var got []pair
	for _, pr := range b.Pairs {
		var ls []string
		for _, l := range pr.Links {
			ls = append(ls, l.Key)
		}
		got = append(got, pair{pr.A.Key, pr.B.Key, pr.CrossesSectors, ls, keys(pr.Alternatives)})
	}
	want := []pair{
		{"c", "d", true, []string{"b-c", "b-d"}, []string{}}, // no one else joins them: first
		{"a", "d", true, []string{"b-a", "b-d"}, []string{"e"}},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("bridged pairs (-got +want):\n%s", diff)
	}
	if b.Irreplaceable != 1 || len(b.Substitutes) != 1 || b.Substitutes[0].Actor.Key != "e" || b.Substitutes[0].Pairs != 1 {
		t.Errorf("irreplaceable %d, substitutes %+v; want 1 and e joining 1", b.Irreplaceable, b.Substitutes)
	}
	if n, _ := p.BridgedPairCount(ctx); n != 2 {
		t.Errorf("bridged pair count = %d, want 2", n)
	}
	if got := p.Sectors(); !cmp.Equal(got, []string{"business", "education", "health"}) {
		t.Errorf("sectors = %v", got)
	}
	if got := keys(p.Organisations()); !cmp.Equal(got, []string{"a", "c", "d"}) {
		t.Errorf("organisations = %v", got)
	}
	if p.IsCutpoint() || p.DeclaredBrokerage() != 0 {
		t.Errorf("b: cut-point %v, declared %d; want false, 0", p.IsCutpoint(), p.DeclaredBrokerage())
	}
	c, _ := NewProfile(s, id("c"))
	d, _ := NewProfile(s, id("d"))
	if c.DeclaredBrokerage() != 1 || !d.IsCutpoint() {
		t.Errorf("c declared %d (want 1); d cut-point %v (want true)", c.DeclaredBrokerage(), d.IsCutpoint())
	}
	x, _ := NewProfile(s, id("x"))
	if v, err := x.Constraint(ctx); v != nil || err != nil {
		t.Errorf("isolate's constraint = %v, %v; want undefined", v, err)
	}
	_, err = NewProfile(s, id("nobody"))
	wantCode(t, err, graph.ENOTFOUND, "actor")
}

func TestSummaryAndStructure(t *testing.T) {
	ctx := context.Background()
	s := testSnapshot()
	got := Summarise(s)
	want := &Summary{Actors: 7, Links: 7, Ties: 7, Components: 2, LargestComponent: 6, Density: 7.0 / 21,
		LargestComponentShare: 6.0 / 7, CrossSectorLinkShare: 4.0 / 7}
	if diff := cmp.Diff(got, want, cmpopts.IgnoreUnexported(Summary{})); diff != "" || got.Snapshot() != s {
		t.Errorf("summary (-got +want):\n%s", diff)
	}
	if got := keys(Cutpoints(s)); !cmp.Equal(got, []string{"d"}) {
		t.Errorf("cut-points = %v", got)
	}
	if bs := Bridges(s); len(bs) != 1 || bs[0].Source.Key != "d" || bs[0].Target.Key != "f" || len(bs[0].Links) != 1 {
		t.Errorf("bridges = %+v, want d–f", bs)
	}
	im, err := RemovalImpact(ctx, s, []string{id("d")})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(keys(im.Removed), []string{"d"}) || !cmp.Equal(keys(im.Isolated), []string{"f"}) || im.After.Components != 3 {
		t.Errorf("removing d: %+v", im)
	}
	_, err = RemovalImpact(ctx, s, []string{id("d"), id("nobody")})
	wantCode(t, err, graph.ENOTFOUND, "actors")
}

func date(s string) graph.Date {
	d, err := graph.ParseDate("date", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestHistory(t *testing.T) {
	ctx := context.Background()
	sv := testService()
	pts, err := sv.History(ctx, id("b"), Degree, Span(date("2020-03-01"), date("2021-12-31"), Year), graph.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 2 || pts[0].From != date("2020-03-01") || pts[0].To != date("2021-02-28") || pts[1].To != date("2021-12-31") {
		t.Fatalf("windows = %+v", pts)
	}
	others := 5.0
	want := 3 * (1 / others) // as networkx computes degree centrality
	for _, p := range pts {
		// x has no link in any window, so it is not in the window's network:
		// b's degree is 3 of the 5 other active actors.
		if p.Rank == nil || *p.Rank != 1 || *p.Score != want || p.ActiveActors != 6 {
			t.Errorf("window %s: rank %v score %v active %d; want 1, 0.6 (degree 3 of 5), 6", p.From, p.Rank, *p.Score, p.ActiveActors)
		}
	}
	for name, tc := range map[string]struct {
		id       string
		from, to string
		code     string
		field    string
	}{
		"ErrBackwards":    {id("b"), "2022-01-01", "2020-01-01", graph.EINVALID, "to"},
		"ErrTooMany":      {id("b"), "1900-01-01", "2020-01-01", graph.EINVALID, "to"},
		"ErrUnknownActor": {id("nobody"), "2020-01-01", "2021-01-01", graph.ENOTFOUND, "actor"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sv.History(ctx, tc.id, Degree, Span(date(tc.from), date(tc.to), Year), graph.Scope{})
			wantCode(t, err, tc.code, tc.field)
		})
	}
}

func TestKnowledgePaths(t *testing.T) {
	ctx := context.Background()
	sv := testService()
	q := func(from, to string, k int) PathQuery {
		return PathQuery{From: id(from), To: id(to), K: k, MaxHops: MaxHops}
	}
	ps, err := sv.KnowledgePaths(ctx, q("f", "c", 2))
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, p := range ps {
		got = append(got, keys(p.Actors))
		if len(p.Steps) != len(p.Actors)-1 || p.Steps[0].Link.Key != "d-f" || p.Cost != float64(len(p.Steps)) {
			t.Errorf("path %v: steps %+v, cost %v", keys(p.Actors), p.Steps, p.Cost)
		}
	}
	// Two second-shortest paths tie on cost and hops: the key sequence decides.
	if want := [][]string{{"f", "d", "b", "c"}, {"f", "d", "b", "a", "c"}}; !cmp.Equal(got, want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
	ps, err = sv.KnowledgePaths(ctx, q("f", "x", 1))
	if err != nil || ps == nil || len(ps) != 0 {
		t.Errorf("unreachable: %v, %v; want an empty list", ps, err)
	}
	avoidB := q("f", "c", 1)
	avoidB.Avoid = []string{id("b")}
	if ps, err := sv.KnowledgePaths(ctx, avoidB); err != nil || len(ps) != 1 || len(ps[0].Steps) != 4 {
		t.Errorf("avoiding b: %v, %v; want the 4-hop path", ps, err)
	}
	for name, tc := range map[string]struct {
		q           func(*PathQuery)
		code, field string
	}{
		"ErrSame":             {func(p *PathQuery) { p.To = p.From }, graph.EINVALID, "to"},
		"ErrKZero":            {func(p *PathQuery) { p.K = 0 }, graph.EINVALID, "k"},
		"ErrKAbove":           {func(p *PathQuery) { p.K = MaxK + 1 }, graph.EINVALID, "k"},
		"ErrMaxHops":          {func(p *PathQuery) { p.MaxHops = MaxHops + 1 }, graph.EINVALID, "maxHops"},
		"ErrTimedK":           {func(p *PathQuery) { p.TimeRespecting, p.K = true, 2 }, graph.EINVALID, "timeRespecting"},
		"ErrViaWithK":         {func(p *PathQuery) { p.Via, p.K = []string{id("b")}, 2 }, graph.EINVALID, "via"},
		"ErrUnknownFrom":      {func(p *PathQuery) { p.From = id("nobody") }, graph.ENOTFOUND, "from"},
		"ErrUnknownTo":        {func(p *PathQuery) { p.To = id("nobody") }, graph.ENOTFOUND, "to"},
		"ErrUnknownAvoid":     {func(p *PathQuery) { p.Avoid = []string{"nobody"} }, graph.ENOTFOUND, "avoid"},
		"ErrProgrammeAsActor": {func(p *PathQuery) { p.From = graph.NewID(graph.KindProgramme, "c") }, graph.ENOTFOUND, "from"},
		"ErrScope":            {func(p *PathQuery) { p.Scope.Window = graph.Interval{From: date("2021-01-01"), To: date("2020-01-01")} }, graph.EINVALID, "scope.to"},
	} {
		t.Run(name, func(t *testing.T) {
			pq := q("f", "c", 1)
			tc.q(&pq)
			_, err := sv.KnowledgePaths(ctx, pq)
			wantCode(t, err, tc.code, tc.field)
		})
	}
}

func TestPathQueries(t *testing.T) {
	ctx := context.Background()
	sv := testService()
	sp, err := sv.AllShortestPaths(ctx, id("a"), id("d"), graph.Scope{}, 1)
	if err != nil || sp.Count != 2 || *sp.Cost != 2 || len(sp.Paths) != 1 || !cmp.Equal(keys(sp.Paths[0].Actors), []string{"a", "b", "d"}) {
		t.Errorf("a to d: %+v, %v; want 2 paths of 2 hops, first through b", sp, err)
	}
	if sp, _ := sv.AllShortestPaths(ctx, id("a"), id("x"), graph.Scope{}, 1); sp.Count != 0 || sp.Cost != nil {
		t.Errorf("a to the isolate: %+v, want none", sp)
	}
	in, err := sv.Introducers(ctx, id("a"), id("d"), graph.Scope{}, 10)
	if err != nil || len(in) != 2 || in[0].Share != 0.5 || in[1].Share != 0.5 {
		t.Errorf("introducers a to d: %+v, %v; want b and e with half each", in, err)
	}
	rs, err := sv.ConnectionResilience(ctx, id("c"), id("f"), graph.Scope{})
	if err != nil || rs.Independent != 1 || !cmp.Equal(keys(rs.SinglePointsOfFailure), []string{"d"}) {
		t.Errorf("c to f: %+v, %v; want one path through d", rs, err)
	}
	reach, total, err := sv.Reach(ctx, id("f"), 2, graph.Scope{}, 2)
	if err != nil || total != 3 || len(reach) != 2 || reach[0].Actor.Key != "d" || reach[0].Distance != 1 {
		t.Errorf("reach of f: %+v (of %d), %v; want d, then 2 of b and e", reach, total, err)
	}
	_, _, err = sv.Reach(ctx, id("f"), 0, graph.Scope{}, 2)
	wantCode(t, err, graph.EINVALID, "maxHops")
	nb, err := sv.Neighbourhood(ctx, id("f"), 1, graph.Scope{})
	if err != nil || len(nb.Actors) != 2 || nb.Actors[0].Actor.Key != "f" || len(nb.Links) != 1 {
		t.Errorf("neighbourhood of f: %+v, %v; want f, d and their link", nb, err)
	}
	_, err = sv.Neighbourhood(ctx, id("f"), MaxEgoHops+1, graph.Scope{})
	wantCode(t, err, graph.EINVALID, "hops")
	_, err = sv.Neighbourhood(ctx, id("nobody"), 1, graph.Scope{})
	wantCode(t, err, graph.ENOTFOUND, "id")
}

func TestPathBudget(t *testing.T) {
	sv := testService()
	sv.PathBudget = 0 // spent before the search starts
	_, err := sv.KnowledgePaths(context.Background(), PathQuery{From: id("f"), To: id("c"), K: 3, MaxHops: MaxHops})
	wantCode(t, err, graph.ETIMEOUT, "")
}

// TestEgoNetwork checks b's ego network against values worked by hand: at
// radius 1 it holds a, c and d with ties b–a, b–c, b–d and a–c, so density
// 2·4/(4·3); within it b brokers a–d both ways across three sectors
// (liaison) and c–d from its own sector (representative one way,
// gatekeeper the other).
func TestEgoNetwork(t *testing.T) {
	ctx := context.Background()
	sv := testService()
	eg, err := sv.EgoNetwork(ctx, "b", 1, graph.Scope{}) // by key
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range eg.Actors {
		got = append(got, fmt.Sprintf("%s@%d", r.Actor.Key, r.Distance))
	}
	if want := []string{"b@0", "a@1", "c@1", "d@1"}; !cmp.Equal(got, want) {
		t.Errorf("actors %v, want %v", got, want)
	}
	if eg.Size != 3 || eg.Ties != 4 || len(eg.Links) != 4 || math.Abs(eg.Density-2.0/3) > 1e-12 || eg.Radius != 1 {
		t.Errorf("size %d, ties %d, links %d, density %v; want 3, 4, 4, 2/3", eg.Size, eg.Ties, len(eg.Links), eg.Density)
	}
	ro, err := eg.Brokerage(ctx, BySector)
	if err != nil {
		t.Fatal(err)
	}
	if c := ro.Counts; c[analysis.Liaison] != 2 || c[analysis.Representative] != 1 || c[analysis.Gatekeeper] != 1 ||
		c[analysis.Coordinator] != 0 || c[analysis.Itinerant] != 0 || c[analysis.AnyRole] != 4 || ro.Actor.Key != "b" {
		t.Errorf("roles of b in its ego network: %+v", ro)
	}
	// The Burt measures are the whole scope's, as brokerProfile gives them.
	p, _ := NewProfile(testSnapshot(), id("b"))
	for name, f := range map[string]func(context.Context) (*float64, error){"constraint": eg.Constraint,
		"effectiveSize": eg.EffectiveSize, "efficiency": eg.Efficiency} {
		want := map[string]func(context.Context) (*float64, error){"constraint": p.Constraint,
			"effectiveSize": p.EffectiveSize, "efficiency": p.Efficiency}[name]
		g, err1 := f(ctx)
		w, err2 := want(ctx)
		if err1 != nil || err2 != nil || g == nil || w == nil || math.Abs(*g-*w) > 1e-12 {
			t.Errorf("%s: %v, %v; profile gives %v, %v", name, g, err1, w, err2)
		}
	}
	cs, err := eg.Communities(ctx)
	n := 0
	for i, c := range cs {
		n += c.Actors
		if i > 0 && cs[i-1].Community >= c.Community {
			t.Errorf("communities out of order: %+v", cs)
		}
	}
	if err != nil || n != 4 {
		t.Errorf("communities %+v, %v; want the 4 actors counted once each", cs, err)
	}

	eg, err = sv.EgoNetwork(ctx, id("b"), 2, graph.Scope{})
	if err != nil || eg.Size != 5 || eg.Ties != 7 || math.Abs(eg.Density-7.0/15) > 1e-12 {
		t.Errorf("radius 2: %+v, %v; want 5 actors, 7 ties, density 7/15", eg, err)
	}
	_, err = sv.EgoNetwork(ctx, id("b"), MaxEgoHops+1, graph.Scope{})
	wantCode(t, err, graph.EINVALID, "radius")
	_, err = sv.EgoNetwork(ctx, id("b"), 0, graph.Scope{})
	wantCode(t, err, graph.EINVALID, "radius")
	_, err = sv.EgoNetwork(ctx, id("nobody"), 1, graph.Scope{})
	wantCode(t, err, graph.ENOTFOUND, "actor")
	_, err = eg.Brokerage(ctx, Group(99))
	wantCode(t, err, graph.EINVALID, "groupBy")
}
