package main

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// TestReplicasSeeEachOthersWrites runs two `partnergraph serve` processes
// on one Neo4j, each with its own driver and snapshot cache, as replicas
// behind a load balancer run. A write through either is in the other's next
// path and analytics answers: the store version and the change log its
// cache follows live in the database, not in a process.
func TestReplicasSeeEachOthersWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two server processes")
	}
	st := neo4jtest.Open(t) // an empty database of the tests' own, held until the test ends
	ctx := t.Context()
	for _, key := range []string{"a", "b", "c", "d"} {
		if _, err := st.CreateActor(ctx, &graph.Actor{Key: key, Kind: graph.KindPerson, Name: "Person " + key}); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{"a", "b"}, {"b", "c"}} {
		if _, err := st.CreateLink(ctx, &graph.Link{Key: l[0] + l[1], Type: graph.LinkCollaboration,
			SourceID: graph.NewID(graph.KindActor, l[0]), TargetID: graph.NewID(graph.KindActor, l[1])}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := neo4jtest.Config()
	flags := []string{"--store", "neo4j", "--neo4j-uri", cfg.URI, "--neo4j-user", cfg.User, "--neo4j-database", cfg.Database}
	_, one, _ := startServe(t, flags...)
	_, two, _ := startServe(t, flags...)

	type answer struct {
		Paths   []struct{ Hops int }            `json:"knowledgePaths"`
		Summary struct{ Links, Components int } `json:"networkSummary"`
	}
	ask := func(base string) answer {
		t.Helper()
		var got answer
		gql(t, base, `{ knowledgePaths(from: "a", to: "d") { hops } networkSummary { links components } }`, &got)
		return got
	}
	check := func(base, when string, hops, links, components int) {
		t.Helper()
		got := ask(base)
		if len(got.Paths) != min(hops, 1) || (hops > 0 && got.Paths[0].Hops != hops) ||
			got.Summary.Links != links || got.Summary.Components != components {
			t.Errorf("%s, %s answers %+v; want a path of %d hops (0: none), %d links in %d components", when, base, got, hops, links, components)
		}
	}
	// Both caches hold the network before the writes.
	check(one, "before the writes", 0, 2, 2)
	check(two, "before the writes", 0, 2, 2)

	gql(t, one, `mutation { createLink(input: {key: "cd", type: COLLABORATION, sourceId: "c", targetId: "d"}) { id } }`, nil)
	check(two, "after a link made through the other replica", 3, 3, 1)
	check(one, "after a link made through it", 3, 3, 1)

	gql(t, two, `mutation { deleteLink(id: "`+graph.NewID(graph.KindLink, "bc")+`") }`, nil)
	check(one, "after a link deleted through the other replica", 0, 2, 2)
	check(two, "after a link deleted through it", 0, 2, 2)
}
