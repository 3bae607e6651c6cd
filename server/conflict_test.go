package server_test

import (
	"context"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

func TestConflict(t *testing.T) { onStores(t, testConflict) }

// testConflict: two editors read one organisation; the first saves, the
// second's update and delete with the revision they saw answer CONFLICT on
// field expectedRevision, with the first editor's values and the new
// revision in extensions, and change nothing; sent again with the new
// revision, they apply. Links are guarded the same way.
func testConflict(t *testing.T, openStore func(*testing.T) graph.Store) {
	s := openStore(t)
	ts := newServer(t, s)
	var c struct {
		CreateOrganisation struct{ ID, Revision string }
	}
	ok(t, do(t, ts.URL, `mutation { createOrganisation(input: {key: "hope", name: "Hope", type: UNIVERSITY}) { id revision } }`, nil, &c))
	id, seen := c.CreateOrganisation.ID, c.CreateOrganisation.Revision
	if seen == "" {
		t.Fatal("a created organisation has no revision")
	}
	const update = `mutation($id: ID!, $rev: String, $name: String) {
		updateOrganisation(input: {id: $id, expectedRevision: $rev, name: $name}) { name revision } }`
	var first struct {
		UpdateOrganisation struct{ Name, Revision string }
	}
	ok(t, do(t, ts.URL, update, map[string]any{"id": id, "rev": seen, "name": "Liverpool Hope"}, &first))
	now := first.UpdateOrganisation.Revision

	v0, _ := s.Version(context.Background())
	for name, r := range map[string]*response{
		"update": do(t, ts.URL, update, map[string]any{"id": id, "rev": seen, "name": "Hope University"}, nil),
		"delete": do(t, ts.URL, `mutation($id: ID!, $rev: String) { deleteOrganisation(id: $id, expectedRevision: $rev) }`,
			map[string]any{"id": id, "rev": seen}, nil),
	} {
		if r.code() != graph.ECONFLICT {
			t.Fatalf("stale %s: code %q (%+v), want CONFLICT", name, r.code(), r.Errors)
		}
		ext := r.Errors[0].Extensions
		cur, _ := ext["current"].(map[string]any)
		if ext["field"] != "expectedRevision" || ext["revision"] != now || cur["name"] != "Liverpool Hope" || cur["type"] != "UNIVERSITY" {
			t.Errorf("stale %s: extensions %v, want field expectedRevision, revision %s and the current values", name, ext, now)
		}
	}
	if v, _ := s.Version(context.Background()); v != v0 {
		t.Errorf("refused writes moved the version from %d to %d", v0, v)
	}
	ok(t, do(t, ts.URL, update, map[string]any{"id": id, "rev": now, "name": "Hope University"}, nil))

	var l struct{ CreateLink struct{ ID, Revision string } }
	ok(t, do(t, ts.URL, `mutation { createPerson(input: {key: "ann", name: "Ann"}) { id } }`, nil, nil))
	ok(t, do(t, ts.URL, `mutation { createLink(input: {type: AFFILIATION, sourceId: "ann", targetId: "hope"}) { id revision } }`, nil, &l))
	const updLink = `mutation($id: ID!, $rev: String, $w: Float) { updateLink(input: {id: $id, expectedRevision: $rev, weight: $w}) { revision } }`
	ok(t, do(t, ts.URL, updLink, map[string]any{"id": l.CreateLink.ID, "rev": l.CreateLink.Revision, "w": 2}, nil))
	if r := do(t, ts.URL, updLink, map[string]any{"id": l.CreateLink.ID, "rev": l.CreateLink.Revision, "w": 3}, nil); r.code() != graph.ECONFLICT {
		t.Errorf("stale link update: code %q, want CONFLICT", r.code())
	}
}

func TestRevisionForEditorsOnly(t *testing.T) { onStores(t, testRevisionForEditorsOnly) }

// testRevisionForEditorsOnly: an actor's revision is derived from its
// contact details too, so viewers get null, as for the details themselves.
func testRevisionForEditorsOnly(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	for role, cred := range map[graph.AccessRole]string{graph.AccessViewer: f.viewer, graph.AccessEditor: f.editor} {
		var got struct{ Actor struct{ Revision *string } }
		_, _, r := doAs(t, f.ts.URL, cred, `{ actor(key: "dana") { revision } }`, nil, &got)
		if len(r.Errors) > 0 {
			t.Fatalf("as %s: %+v", role, r.Errors)
		}
		if want := role.Includes(graph.AccessEditor); (got.Actor.Revision != nil) != want || want && *got.Actor.Revision != f.person.Revision() {
			t.Errorf("as %s: revision %v, want it only for editors (%s)", role, got.Actor.Revision, f.person.Revision())
		}
	}
}
