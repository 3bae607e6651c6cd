package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
)

// TestReplicasSeeEachOthersWrites runs two `partnergraph serve` processes
// on one Neo4j, each with its own driver and snapshot cache, as replicas
// behind a load balancer run. A write through either is in the other's next
// path and analytics answers, and reaches the other's subscribers: the store
// version and the change log its cache and subscriptions follow live in the
// database, not in a process.
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

	events := subscribe(t, two, `subscription { changes(where: {kinds: ["Link"]}) { op entityId } }`)
	gql(t, one, `mutation { createLink(input: {key: "cd", type: COLLABORATION, sourceId: "c", targetId: "d"}) { id } }`, nil)
	if got, want := events(), `{"changes":{"op":"CREATED","entityId":"`+graph.NewID(graph.KindLink, "cd")+`"}}`; got != want {
		t.Errorf("two's subscriber got %s, want %s", got, want)
	}
	check(two, "after a link made through the other replica", 3, 3, 1)
	check(one, "after a link made through it", 3, 3, 1)

	gql(t, two, `mutation { deleteLink(id: "`+graph.NewID(graph.KindLink, "bc")+`") }`, nil)
	check(one, "after a link deleted through the other replica", 0, 2, 2)
	check(two, "after a link deleted through it", 0, 2, 2)
}

// subscribe opens a graphql-transport-ws connection to base, subscribes with
// query, waits until the server holds the subscription (its metric), and
// returns a function reading the next event's data.
func subscribe(t *testing.T, base, query string) func() string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound, not a synchronisation
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	send := func(m msg) {
		b, _ := json.Marshal(m)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	read := func() msg {
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var m msg
			json.Unmarshal(b, &m)
			if m.Type != "ping" && m.Type != "pong" {
				return m
			}
			if m.Type == "ping" {
				send(msg{Type: "pong"})
			}
		}
	}
	send(msg{Type: "connection_init"})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v", m)
	}
	p, _ := json.Marshal(map[string]string{"query": query})
	send(msg{ID: "1", Type: "subscribe", Payload: p})
	for held := false; !held; time.Sleep(10 * time.Millisecond) {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		held = strings.Contains(string(b), "\npartnergraph_live_subscriptions 1\n")
		if ctx.Err() != nil {
			t.Fatal("the server never held the subscription")
		}
	}
	return func() string {
		m := read()
		var r struct {
			Data   json.RawMessage
			Errors []any
		}
		json.Unmarshal(m.Payload, &r)
		if m.Type != "next" || len(r.Errors) > 0 {
			t.Fatalf("got %s %s, want an event", m.Type, m.Payload)
		}
		return string(r.Data)
	}
}
