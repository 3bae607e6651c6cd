package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/neo4j"
	"github.com/partnergraph/partnergraph/graph/neo4j/neo4jtest"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// liveClient speaks graphql-transport-ws, as the graphql-ws npm client does
// (scripts/test-graphql-ws runs that one).
type liveClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
}

type liveMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialLive connects and sends connection_init with payload; it returns the
// close error if the server refuses.
func dialLive(t *testing.T, url string, payload map[string]any) (*liveClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a bound, not a synchronisation
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &liveClient{t: t, conn: conn, ctx: ctx}
	p, _ := json.Marshal(payload)
	c.send(liveMsg{Type: "connection_init", Payload: p})
	m, err := c.read()
	if err != nil {
		return nil, err
	}
	if m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %+v, want connection_ack", m)
	}
	return c, nil
}

func (c *liveClient) send(m liveMsg) {
	b, _ := json.Marshal(m)
	if err := c.conn.Write(c.ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// read returns the next message that is not a ping or pong.
func (c *liveClient) read() (liveMsg, error) {
	for {
		_, b, err := c.conn.Read(c.ctx)
		if err != nil {
			return liveMsg{}, err
		}
		var m liveMsg
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("message %s: %v", b, err)
		}
		if m.Type == "ping" {
			c.send(liveMsg{Type: "pong"})
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m, nil
		}
	}
}

func (c *liveClient) subscribe(id, query string, vars map[string]any) {
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(liveMsg{ID: id, Type: "subscribe", Payload: p})
}

// next returns subscription id's next event's data, failing on errors.
func (c *liveClient) next(id string, out any) {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("read %s: %v", id, err)
	}
	var r response
	json.Unmarshal(m.Payload, &r)
	if m.ID != id || m.Type != "next" || len(r.Errors) > 0 {
		c.t.Fatalf("got %s %s %s, want an event of %s", m.ID, m.Type, m.Payload, id)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		c.t.Fatal(err)
	}
}

// closeStatus is the WebSocket close code of err (-1 if none).
func closeStatus(err error) websocket.StatusCode {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

// waitSubscriptions waits until ts serves n subscriptions (its metric), so
// that a write made next is one they must see.
func waitSubscriptions(t *testing.T, url string, n int) {
	t.Helper()
	want := fmt.Sprintf("partnergraph_live_subscriptions %d", n)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		res, err := http.Get(url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if sc.Text() == want {
				res.Body.Close()
				return
			}
		}
		res.Body.Close()
	}
	t.Fatalf("the server never served %d subscriptions", n)
}

func liveServer(t *testing.T, s graph.Store, auth *server.Auth, lim server.LiveLimits) *httptest.Server {
	t.Helper()
	srv := server.New(server.Config{Store: s, Logger: zerolog.Nop(), Auth: auth, Limits: server.Limits{RateLimit: rate.Inf}, Live: lim})
	t.Cleanup(func() { srv.Close(context.Background()) }) // after ts's: the hub stops before the store closes
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

type liveChange struct {
	Op, Kind, EntityID string
	Before, After      *string
}

const changesSub = `subscription($where: ChangeWhere) { changes(where: $where) { op kind entityId before after } }`

func TestLive(t *testing.T) { onStores(t, testLive) }

// testLive: an editor's and a viewer's subscriptions receive a mutation's
// change after it commits, filtered by where, with contact data only for
// the editor; bad credentials are refused; a connection's subscriptions are
// limited; a revoked key ends its connection; brokersChanged sends the
// ranking, then the one computed after a write.
func testLive(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	ts := liveServer(t, f.store, &server.Auth{}, server.LiveLimits{MaxSubscriptions: 2, RecheckCredentials: 20 * time.Millisecond})
	editor, err := dialLive(t, ts.URL, map[string]any{"Authorization": "Bearer " + f.editor})
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := dialLive(t, ts.URL, map[string]any{"apiKey": f.viewer})
	if err != nil {
		t.Fatal(err)
	}
	editor.subscribe("people", changesSub, map[string]any{"where": map[string]any{"ids": []string{f.person.ID}, "ops": []string{"UPDATED"}}})
	editor.subscribe("links", changesSub, map[string]any{"where": map[string]any{"kinds": []string{"Link"}}})
	viewer.subscribe("all", changesSub, nil)
	waitSubscriptions(t, ts.URL, 3)

	t.Run("LimitPerConnection", func(t *testing.T) {
		editor.subscribe("third", changesSub, nil)
		m, err := editor.read()
		if err != nil || m.ID != "third" || !strings.Contains(string(m.Payload), "TOO_MANY_SUBSCRIPTIONS") {
			t.Fatalf("a third subscription: %+v %v, want TOO_MANY_SUBSCRIPTIONS", m, err)
		}
		if m, err := editor.read(); err != nil || m.Type != "complete" {
			t.Fatalf("after the refusal: %+v %v, want complete", m, err)
		}
	})

	const update = `mutation($id: ID!) { updatePerson(input: {id: $id, phone: "+44 151 222 2222"}) { name } }`
	if _, _, r := doAs(t, ts.URL, f.editor, update, map[string]any{"id": f.person.ID}, nil); len(r.Errors) > 0 {
		t.Fatalf("update: %+v", r.Errors)
	}
	const link = `mutation($a: ID!, $b: ID!) { createLink(input: {type: COLLABORATION, sourceId: $a, targetId: $b}) { id } }`
	other := createOrg(t, f, ts.URL)
	var made struct{ CreateLink struct{ ID string } }
	if _, _, r := doAs(t, ts.URL, f.editor, link, map[string]any{"a": f.person.ID, "b": other}, &made); len(r.Errors) > 0 {
		t.Fatalf("create link: %+v", r.Errors)
	}

	t.Run("EventAfterMutation", func(t *testing.T) {
		var got struct{ Changes liveChange }
		editor.next("people", &got)
		if c := got.Changes; c.Op != "UPDATED" || c.EntityID != f.person.ID || c.After == nil || !strings.Contains(*c.After, "+44 151 222 2222") {
			t.Errorf("editor's event = %+v, want the update with the new phone", c)
		}
	})
	t.Run("Where", func(t *testing.T) {
		var got struct{ Changes liveChange }
		editor.next("links", &got) // the person's update and the organisation's creation pass by
		if c := got.Changes; c.Op != "CREATED" || c.Kind != "Link" || c.EntityID != made.CreateLink.ID {
			t.Errorf("links subscription's first event = %+v, want the link created", c)
		}
	})
	t.Run("ViewerRedaction", func(t *testing.T) {
		var got struct{ Changes liveChange }
		viewer.next("all", &got)
		c := got.Changes
		if c.Op != "UPDATED" || c.Before == nil || c.After == nil {
			t.Fatalf("viewer's first event = %+v, want the update", c)
		}
		if strings.Contains(*c.Before+*c.After, "+44") || strings.Contains(*c.Before, "dana.doe@") {
			t.Errorf("viewer's event shows contact data: before %s after %s", *c.Before, *c.After)
		}
	})
	t.Run("BadCredentials", func(t *testing.T) {
		for name, payload := range map[string]map[string]any{"none": {}, "unknown key": {"apiKey": "pgk_notakey"},
			"bad header": {"Authorization": "Basic x"}} {
			if _, err := dialLive(t, ts.URL, payload); closeStatus(err) != 4403 {
				t.Errorf("%s: %v, want closed with 4403", name, err)
			}
		}
	})
	t.Run("NotOverHTTP", func(t *testing.T) {
		if status, _, r := doAs(t, ts.URL, f.viewer, changesSub, nil, nil); status != http.StatusBadRequest || r.code() != graph.EINVALID {
			t.Errorf("a subscription over HTTP POST: status %d code %q, want 400 %s", status, r.code(), graph.EINVALID)
		}
	})
	t.Run("CrossOrigin", func(t *testing.T) {
		h := http.Header{"Origin": {"https://evil.example"}}
		_, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-origin upgrade: %v, want 403", err)
		}
	})
	t.Run("BrokersChanged", func(t *testing.T) {
		admin, err := dialLive(t, ts.URL, map[string]any{"apiKey": f.admin})
		if err != nil {
			t.Fatal(err)
		}
		admin.subscribe("rank", `subscription { brokersChanged(first: 3) { result { version } brokers { actor { key } } } }`, nil)
		type ranking struct {
			BrokersChanged struct{ Result struct{ Version int64 } }
		}
		var first, second ranking
		admin.next("rank", &first)
		if _, _, r := doAs(t, ts.URL, f.editor, link, map[string]any{"a": other, "b": f.person.ID}, nil); len(r.Errors) > 0 {
			t.Fatalf("create link: %+v", r.Errors)
		}
		admin.next("rank", &second)
		if second.BrokersChanged.Result.Version <= first.BrokersChanged.Result.Version {
			t.Errorf("rankings at versions %d then %d, want a newer one after the write", first.BrokersChanged.Result.Version, second.BrokersChanged.Result.Version)
		}
	})
	t.Run("RevokedKeyEndsStreams", func(t *testing.T) {
		secret, key := mintKey(t, f.store, graph.AccessViewer)
		c, err := dialLive(t, ts.URL, map[string]any{"apiKey": secret})
		if err != nil {
			t.Fatal(err)
		}
		c.subscribe("s", changesSub, nil)
		doAs(t, ts.URL, f.admin, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, map[string]any{"id": key.ID}, nil)
		for {
			if _, err := c.read(); err != nil {
				break // closed: what was asked
			}
		}
	})
}

// createOrg creates an organisation and returns its ID.
func createOrg(t *testing.T, f *roleFixture, url string) string {
	t.Helper()
	var got struct{ CreateOrganisation struct{ ID string } }
	if _, _, r := doAs(t, url, f.editor, `mutation { createOrganisation(input: {key: "live-org", name: "Live", type: CHARITY}) { id } }`, nil, &got); len(r.Errors) > 0 {
		t.Fatalf("create organisation: %+v", r.Errors)
	}
	return got.CreateOrganisation.ID
}

// TestLiveReplicas runs two servers on one Neo4j database, each with its
// own connection: a write through one reaches the other's subscribers.
func TestLiveReplicas(t *testing.T) {
	a := neo4jtest.Open(t)
	b, err := neo4j.Open(context.Background(), neo4jtest.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f := newRoleFixture(t, a, &server.Auth{})
	tsA, tsB := liveServer(t, a, &server.Auth{}, server.LiveLimits{}), liveServer(t, b, &server.Auth{}, server.LiveLimits{})
	c, err := dialLive(t, tsA.URL, map[string]any{"apiKey": f.viewer})
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("s", changesSub, nil)
	waitSubscriptions(t, tsA.URL, 1)
	const update = `mutation($id: ID!) { updatePerson(input: {id: $id, name: "Dana Replica"}) { name } }`
	if _, _, r := doAs(t, tsB.URL, f.editor, update, map[string]any{"id": f.person.ID}, nil); len(r.Errors) > 0 {
		t.Fatalf("update on B: %+v", r.Errors)
	}
	var got struct{ Changes liveChange }
	c.next("s", &got)
	if g := got.Changes; g.EntityID != f.person.ID || g.After == nil || !strings.Contains(*g.After, "Dana Replica") {
		t.Errorf("A's subscriber got %+v, want B's update", g)
	}
}

// TestLiveConnections: a client's connections beyond the limit are refused
// before the upgrade, and a connection holding no subscription is closed
// after the idle timeout.
func TestLiveConnections(t *testing.T) {
	ts := liveServer(t, openStore(t), nil, server.LiveLimits{MaxConnsPerClient: 1, IdleTimeout: 50 * time.Millisecond})
	c, err := dialLive(t, ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a second connection: %v, want 429", err)
	}
	if _, err := c.read(); err == nil {
		t.Error("an idle connection got a message, want it closed")
	}
}
