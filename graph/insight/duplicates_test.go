package insight

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

func dupOrg(key, name string, aliases ...string) *graph.Actor {
	return &graph.Actor{ID: graph.NewID(graph.KindOrganisation, key), Key: key, Kind: graph.KindOrganisation, Name: name, Aliases: aliases}
}

func dupLink(a, b *graph.Actor) *graph.Link {
	return &graph.Link{ID: graph.NewID(graph.KindLink, a.Key+"-"+b.Key), Key: a.Key + "-" + b.Key,
		Type: graph.LinkPartnership, SourceID: a.ID, TargetID: b.ID, Weight: 1}
}

func TestDuplicateCandidates(t *testing.T) {
	hope := dupOrg("hope", "Liverpool Hope University")
	short := dupOrg("hope-short", "Liverpool Hope")
	lhu := dupOrg("lhu", "LHU")
	school := dupOrg("school", "St Mary's Primary School")
	school2 := dupOrg("school-2", "St Marys Primary School")
	council := dupOrg("council", "Liverpool City Council", "LCC")
	lcc := dupOrg("lcc", "LCC")
	alice := &graph.Actor{ID: graph.NewID(graph.KindPerson, "alice"), Key: "alice", Kind: graph.KindPerson, Name: "Liverpool Hope"}
	as := []*graph.Actor{hope, short, lhu, school, school2, council, lcc, alice}
	ls := []*graph.Link{dupLink(hope, school), dupLink(short, school), dupLink(lhu, council)}
	s := snapshot.FromNetwork(as, ls, graph.Scope{})

	got, err := DuplicateCandidates(context.Background(), s, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, fmt.Sprintf("%s %s %.2f %s", c.A.Key, c.B.Key, c.Score, c.Reasons[0].Kind))
	}
	want := []string{
		"hope hope-short 0.84 PREFIX",    // and their one neighbour shared
		"school school-2 0.80 SAME_NAME", // "St Mary's" and "St Marys" normalise alike
		"council lcc 0.76 ALIAS",         // its alias is the other's name; linked to each other only
		"hope lhu 0.68 ACRONYM",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	if c := got[0].Reasons; len(c) != 2 || c[1].Kind != ReasonSharedNeighbours || c[1].Score != 1 {
		t.Errorf("hope and hope-short reasons = %+v, want the prefix and all neighbours shared", c)
	}
	run := func(kind graph.Kind, first int) []DuplicateCandidate {
		got, err := DuplicateCandidates(context.Background(), s, kind, first)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := run(graph.KindPerson, 10); len(got) != 0 {
		t.Errorf("people candidates = %d, want none: a person never pairs with an organisation", len(got))
	}
	if got := run(graph.KindOrganisation, 2); len(got) != 2 || got[1].A.Key != "school" {
		t.Errorf("first 2 organisation candidates = %+v, want hope and school pairs", got)
	}
	_, err = DuplicateCandidates(context.Background(), s, "", MaxDuplicateCandidates+1)
	if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorField(err) != "first" {
		t.Errorf("first over the limit: error %v, want EINVALID on first", err)
	}
}

// TestDuplicateCandidatesBlocks: a word most actors share (a block over
// maxBlock) pairs nobody, so 10k schools cost no 50M comparisons.
func TestDuplicateCandidatesBlocks(t *testing.T) {
	var as []*graph.Actor
	for i := range 10_000 {
		as = append(as, dupOrg(fmt.Sprintf("s%05d", i), fmt.Sprintf("School %05d", i)))
	}
	as = append(as, dupOrg("dup", "School 00000"))
	got, err := DuplicateCandidates(context.Background(), snapshot.FromNetwork(as, nil, graph.Scope{}), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].A.Key != "dup" || got[0].B.Key != "s00000" {
		t.Errorf("candidates = %+v, want only dup and s00000", got)
	}
}

// BenchmarkDuplicates: 10k organisations named "<town> <kind>" (500
// towns of 20 organisations each, so every town is a block of 20), against
// building the snapshot itself as the floor, in the same run.
func BenchmarkDuplicates(b *testing.B) {
	kinds := []string{"School", "Academy", "College", "Council", "Trust", "Library", "Museum", "Hospital", "Centre", "Forum",
		"Partnership", "Network", "Hub", "Society", "Institute", "Foundation", "Club", "Alliance", "Board", "Group"}
	var as []*graph.Actor
	var ls []*graph.Link
	for i := range 10_000 {
		town := fmt.Sprintf("Town%03d", i/20)
		as = append(as, dupOrg(fmt.Sprintf("o%05d", i), town+" "+kinds[i%20]))
		if i > 0 {
			ls = append(ls, dupLink(as[i-1], as[i]))
		}
	}
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			snapshot.FromNetwork(as, ls, graph.Scope{})
		}
	})
	s := snapshot.FromNetwork(as, ls, graph.Scope{})
	b.Run("duplicates", func(b *testing.B) {
		for b.Loop() {
			if _, err := duplicates(context.Background(), s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
