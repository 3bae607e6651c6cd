package graph_test

import (
	"slices"
	"testing"

	"github.com/partnergraph/partnergraph/graph"
)

// TestFold checks the folding against what Java's toLowerCase (Neo4j's
// toLower) gives; the contract suite checks the stores agree on data.
func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"plain ascii":     "plain ascii",
		"Liverpool HOPE":  "liverpool hope",
		"ΣΟΦΙΑΣ ΚΑΙ":      "σοφιας και", // final sigma at a word's end only
		"Σ":               "σ",          // no cased letter before: not final
		"ΑΣ.":             "ας.",        // punctuation after does not count
		"İZMIR":           "i\u0307zmir",
		"Straße ÅNGSTRÖM": "straße ångström",
	} {
		if got := graph.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeysetCursors(t *testing.T) {
	byDegree := graph.PageArgs{First: 2, Order: graph.Order{{Field: graph.SortDegree, Desc: true}}}
	ks, err := byDegree.Keyset(graph.EntityActor)
	if err != nil {
		t.Fatal(err)
	}
	p := graph.NewKeysetPage([]string{"a", "b", "c"}, [][]any{{int64(5), "a"}, {int64(5), "b"}, {int64(2), "c"}}, ks, 3)
	if !p.PageInfo.HasNextPage || p.PageInfo.HasPreviousPage || len(p.Items) != 2 {
		t.Fatalf("page %+v", p)
	}
	next := byDegree
	next.After = p.PageInfo.EndCursor
	ks, err = next.Keyset(graph.EntityActor)
	if err != nil || len(ks.Cursor) != 2 || ks.Cursor[0] != int64(5) || ks.Cursor[1] != "b" {
		t.Fatalf("cursor decoded as %v (%v)", ks.Cursor, err)
	}
	for name, p := range map[string]graph.PageArgs{
		"OtherOrder":     {After: p.PageInfo.EndCursor},
		"OtherDirection": {After: p.PageInfo.EndCursor, Order: graph.Order{{Field: graph.SortDegree}}},
		"OtherList":      {After: p.PageInfo.EndCursor, Order: graph.Order{{Field: graph.SortWeight, Desc: true}}},
	} {
		e := graph.EntityActor
		if name == "OtherList" {
			e = graph.EntityLink
		}
		if _, err := p.Keyset(e); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: error %v, want %s", name, err, graph.EINVALID)
		}
	}
}

func TestSortedPage(t *testing.T) {
	items := []string{"a", "b", "c", "d", "e"}
	vals := [][]any{{0.5, "a"}, {0.9, "b"}, {0.5, "c"}, {0.1, "d"}, {0.9, "e"}}
	want := []string{"b", "e", "a", "c", "d"} // score descending, then ID
	var fwd []string
	p := graph.PageArgs{First: 2}
	for range 5 {
		ks, err := p.ScoreKeyset("@x", true)
		if err != nil {
			t.Fatal(err)
		}
		pg := graph.SortedPage(items, vals, ks, len(items))
		fwd = append(fwd, pg.Items...)
		if !pg.PageInfo.HasNextPage {
			break
		}
		p.After = pg.PageInfo.EndCursor
	}
	var back []string
	p = graph.PageArgs{Last: 2}
	for range 5 {
		ks, err := p.ScoreKeyset("@x", true)
		if err != nil {
			t.Fatal(err)
		}
		pg := graph.SortedPage(items, vals, ks, len(items))
		back = append(append([]string{}, pg.Items...), back...)
		if !pg.PageInfo.HasPreviousPage {
			break
		}
		p.Before = pg.PageInfo.StartCursor
	}
	if !slices.Equal(fwd, want) || !slices.Equal(back, want) {
		t.Errorf("forwards %v, backwards %v, want %v", fwd, back, want)
	}
	if _, err := (graph.PageArgs{After: p.Before}).ScoreKeyset("@y", true); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("a cursor of other scores: %v, want %s", err, graph.EINVALID)
	}
}
