package server_test

import (
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

func TestHistory(t *testing.T) { onStores(t, testHistory) }

// testHistory: an editor changes a person; the person's history and the
// network's changes since a date list it with who and what changed, with
// contact data only for editors; a viewer cannot undo; the editor's undo
// restores the name and is itself in the history.
func testHistory(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	const update = `mutation($id: ID!) { updatePerson(input: {id: $id, name: "Dana Smith", phone: "+44 151 111 1111"}) { name } }`
	if _, _, r := doAs(t, f.ts.URL, f.editor, update, map[string]any{"id": f.person.ID}, nil); len(r.Errors) > 0 {
		t.Fatalf("update: %+v", r.Errors)
	}
	type change struct {
		Op, CallerName string
		Fields         []string
		Before, After  *string
	}
	const history = `query($id: ID!) { history(id: $id) { op callerName fields before after } }`
	for role, cred := range map[graph.AccessRole]string{graph.AccessViewer: f.viewer, graph.AccessEditor: f.editor} {
		var got struct{ History []change }
		if _, _, r := doAs(t, f.ts.URL, cred, history, map[string]any{"id": f.person.ID}, &got); len(r.Errors) > 0 {
			t.Fatalf("history as %s: %+v", role, r.Errors)
		}
		if len(got.History) != 2 || got.History[0].Op != "UPDATED" || got.History[1].Op != "CREATED" {
			t.Fatalf("history as %s = %+v, want the update then the create", role, got.History)
		}
		h := got.History[0]
		contact := strings.Contains(*h.Before, "dana.doe@") || strings.Contains(*h.After, "+44")
		if contact != role.Includes(graph.AccessEditor) {
			t.Errorf("as %s: before %s after %s; contact data shown: %v, want only to editors", role, *h.Before, *h.After, contact)
		}
		if !strings.Contains(*h.After, "Dana Smith") || !strings.Contains(strings.Join(h.Fields, ","), "name") {
			t.Errorf("as %s: change %+v does not show the new name", role, h)
		}
	}
	var since struct {
		NetworkChanges struct {
			Nodes    []struct{ Op, EntityID string }
			Complete bool
		}
	}
	if _, _, r := doAs(t, f.ts.URL, f.viewer, `{ networkChanges(since: "2000-01-01") { nodes { op entityId } complete } }`, nil, &since); len(r.Errors) > 0 {
		t.Fatalf("networkChanges: %+v", r.Errors)
	}
	if n := since.NetworkChanges.Nodes; len(n) < 4 || n[len(n)-1].Op != "UPDATED" || !since.NetworkChanges.Complete {
		t.Errorf("networkChanges = %+v, want the creates then the update last, complete", since.NetworkChanges)
	}
	if _, _, r := doAs(t, f.ts.URL, f.viewer, `{ networkChanges(since: "yesterday") { complete } }`, nil, nil); r.code() != graph.EINVALID {
		t.Errorf("a bad since: code %q, want INVALID", r.code())
	}
	// Since before the first write, the network then was empty: every
	// broker now is new.
	var moves struct {
		BrokerMovesSince struct {
			Complete bool
			Moves    []struct {
				Actor               struct{ Key string }
				RankBefore, RankNow *int
			}
		}
	}
	if _, _, r := doAs(t, f.ts.URL, f.viewer, `{ brokerMovesSince(since: "2000-01-01", first: 3) { complete moves { actor { key } rankBefore rankNow } } }`, nil, &moves); len(r.Errors) > 0 {
		t.Fatalf("brokerMovesSince: %+v", r.Errors)
	}
	if m := moves.BrokerMovesSince; !m.Complete || len(m.Moves) == 0 || len(m.Moves) > 3 || m.Moves[0].RankBefore != nil || m.Moves[0].RankNow == nil || *m.Moves[0].RankNow != 1 {
		t.Errorf("brokerMovesSince = %+v, want complete, up to 3 brokers all new, the first ranked 1", m)
	}
	if _, _, r := doAs(t, f.ts.URL, f.viewer, `{ brokerMovesSince(since: "yesterday") { complete } }`, nil, nil); r.code() != graph.EINVALID {
		t.Errorf("brokerMovesSince with a bad since: code %q, want INVALID", r.code())
	}
	const undo = `mutation { undoLastChange { op entityId } }`
	if _, _, r := doAs(t, f.ts.URL, f.viewer, undo, nil, nil); r.code() != graph.EFORBIDDEN {
		t.Errorf("viewer's undo: code %q, want FORBIDDEN", r.code())
	}
	if _, _, r := doAs(t, f.ts.URL, f.editor, undo, nil, nil); len(r.Errors) > 0 {
		t.Fatalf("undo: %+v", r.Errors)
	}
	var got struct{ Actor struct{ Name, Phone string } }
	if _, _, r := doAs(t, f.ts.URL, f.editor, `{ actor(key: "dana") { name ... on Person { phone } } }`, nil, &got); len(r.Errors) > 0 {
		t.Fatalf("actor: %+v", r.Errors)
	}
	if got.Actor.Name != "Dana Doe" || got.Actor.Phone != f.person.Phone {
		t.Errorf("after undo: %+v, want %s, %s", got.Actor, f.person.Name, f.person.Phone)
	}
}
