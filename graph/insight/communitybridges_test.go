package insight

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// TestCommunityBridges: three cliques of four, a, b and c. a1 alone holds
// both ties between a and b, so removing it cuts them; b3–c1 and b4–c2 join
// b and c, so one tie is left without the top bridge (b3, first by key).
func TestCommunityBridges(t *testing.T) {
	var as []*graph.Actor
	var ls []*graph.Link
	for _, g := range []string{"a", "b", "c"} {
		for i := 1; i <= 4; i++ {
			k := g + string(rune('0'+i))
			as = append(as, &graph.Actor{ID: id(k), Key: k, Kind: graph.KindOrganisation, Name: strings.ToUpper(k)})
			for j := 1; j < i; j++ {
				ls = append(ls, testLink(g+string(rune('0'+j)), k))
			}
		}
	}
	ls = append(ls, testLink("a1", "b1"), testLink("a1", "b2"), testLink("b3", "c1"), testLink("b4", "c2"))
	s := snapshot.FromNetwork(as, ls, graph.Scope{})
	p, err := NewPartition(context.Background(), s, CommunityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count() != 3 {
		t.Fatalf("%d communities, want the 3 cliques", p.Count())
	}
	type broker struct {
		Key  string
		Ties int
	}
	type pair struct {
		Ties, Remaining           int
		Cut                       bool
		Links, RemainingLinks     []string
		Brokers, RemainingBrokers []broker
		FirstA, FirstB            string
	}
	brokers := func(bs []BridgeBroker) []broker {
		var out []broker
		for _, b := range bs {
			out = append(out, broker{b.Actor.Key, b.Ties})
		}
		return out
	}
	linkKeys := func(ls []*graph.Link) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Key)
		}
		return out
	}
	firstKey := func(c int) string { // a community's smallest key: which clique it is
		k := ""
		for v, of := range p.Result.Of {
			if int(of) == c && (k == "" || s.Actors[v].Key < k) {
				k = s.Actors[v].Key
			}
		}
		return k
	}
	var got []pair
	for _, b := range p.Bridges(100) {
		got = append(got, pair{Ties: b.Ties, Remaining: b.RemainingTies, Cut: b.Cut(), Links: linkKeys(b.Links),
			RemainingLinks: linkKeys(b.RemainingLinks), Brokers: brokers(b.Brokers), RemainingBrokers: brokers(b.RemainingBrokers),
			FirstA: firstKey(b.A), FirstB: firstKey(b.B)})
	}
	want := []pair{
		{Ties: 2, Remaining: 0, Cut: true, Links: []string{"a1-b1", "a1-b2"},
			Brokers: []broker{{"a1", 2}, {"b1", 1}, {"b2", 1}}, FirstA: "a1", FirstB: "b1"},
		{Ties: 2, Remaining: 1, Links: []string{"b3-c1", "b4-c2"}, RemainingLinks: []string{"b4-c2"},
			Brokers: []broker{{"b3", 1}, {"b4", 1}, {"c1", 1}, {"c2", 1}}, RemainingBrokers: []broker{{"b4", 1}, {"c2", 1}},
			FirstA: "b1", FirstB: "c1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bridges (-want +got):\n%s", diff)
	}
	if b := p.Bridges(1); len(b) != 1 || !b[0].Cut() {
		t.Errorf("Bridges(1) = %+v, want the cut pair only", b)
	}
}

func testLink(u, v string) *graph.Link {
	k := u + "-" + v
	return &graph.Link{ID: graph.NewID(graph.KindLink, k), Key: k, Type: graph.LinkCollaboration, SourceID: id(u), TargetID: id(v), Weight: 1}
}
