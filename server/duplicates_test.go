package server_test

import (
	"testing"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

func TestDuplicates(t *testing.T) { onStores(t, testDuplicates) }

// testDuplicates: an editor is offered "LHU" as a duplicate of "Hope",
// merges it, and actor(key: "lhu") then answers the survivor with the
// link moved to it; viewers may neither list candidates nor merge.
func testDuplicates(t *testing.T, openStore func(*testing.T) graph.Store) {
	f := newRoleFixture(t, openStore(t), &server.Auth{})
	const setup = `mutation {
		a: updateOrganisation(input: {id: "hope", name: "Liverpool Hope University"}) { id }
		b: createOrganisation(input: {key: "lhu", name: "LHU", type: UNIVERSITY, sector: "Higher education"}) { id }
		c: createLink(input: {key: "dana-lhu", type: MEMBERSHIP, sourceId: "dana", targetId: "lhu"}) { id } }`
	if _, _, r := doAs(t, f.ts.URL, f.editor, setup, nil, nil); len(r.Errors) > 0 {
		t.Fatalf("setup: %+v", r.Errors)
	}
	const list = `{ duplicateCandidates(first: 5) { a { key revision } b { key revision } score reasons { kind detail } } }`
	if _, _, r := doAs(t, f.ts.URL, f.viewer, list, nil, nil); r.code() != graph.EFORBIDDEN {
		t.Errorf("viewer lists candidates: code %q, want FORBIDDEN", r.code())
	}
	type ref struct{ Key, Revision string }
	var got struct {
		DuplicateCandidates []struct {
			A, B    ref
			Score   float64
			Reasons []struct{ Kind, Detail string }
		}
	}
	if _, _, r := doAs(t, f.ts.URL, f.editor, list, nil, &got); len(r.Errors) > 0 {
		t.Fatalf("candidates: %+v", r.Errors)
	}
	if c := got.DuplicateCandidates; len(c) != 1 || c[0].A.Key != "hope" || c[0].B.Key != "lhu" || c[0].Reasons[0].Kind != "ACRONYM" {
		t.Fatalf("candidates = %+v, want hope and lhu by acronym", c)
	}
	c := got.DuplicateCandidates[0]
	const merge = `mutation($s: ID!, $m: ID!, $sr: String, $mr: String) {
		mergeActors(survivor: $s, merged: $m, survivorRevision: $sr, mergedRevision: $mr) { key aliases } }`
	vars := map[string]any{"s": "hope", "m": "lhu", "sr": c.A.Revision, "mr": c.B.Revision}
	if _, _, r := doAs(t, f.ts.URL, f.viewer, merge, vars, nil); r.code() != graph.EFORBIDDEN {
		t.Errorf("viewer merges: code %q, want FORBIDDEN", r.code())
	}
	if _, _, r := doAs(t, f.ts.URL, f.editor, merge, map[string]any{"s": "hope", "m": "lhu", "mr": c.A.Revision}, nil); r.code() != graph.ECONFLICT {
		t.Errorf("merge with a stale revision: code %q, want CONFLICT", r.code())
	}
	if _, _, r := doAs(t, f.ts.URL, f.editor, merge, vars, nil); len(r.Errors) > 0 {
		t.Fatalf("merge: %+v", r.Errors)
	}
	var after struct {
		Actor struct {
			Key     string
			Sector  string
			Aliases []string
			Links   struct{ Nodes []struct{ Key string } }
		}
	}
	q := `{ actor(key: "lhu") { key aliases ... on Organisation { sector links { nodes { key } } } } }`
	if _, _, r := doAs(t, f.ts.URL, f.viewer, q, nil, &after); len(r.Errors) > 0 {
		t.Fatalf("actor(lhu): %+v", r.Errors)
	}
	a := after.Actor
	if a.Key != "hope" || a.Sector != "Higher education" || len(a.Links.Nodes) != 2 {
		t.Errorf("actor(key: lhu) = %+v, want hope with lhu's sector and both links", a)
	}
}
