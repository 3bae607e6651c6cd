package netfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

func TestReadEdgeList(t *testing.T) {
	doc := "# Directed graph (each unordered pair of nodes is saved once)\n" +
		"# FromNodeId\tToNodeId\n" +
		"\n" +
		"a\tb\n" +
		"  b   c  0.5 \r\n" +
		"% KONECT comment\n" +
		"a a\n"
	got := readAll(t, edgelist, doc)
	N, E := netfile.NodeElement, netfile.EdgeElement
	want := []netfile.Element{
		{Kind: N, Line: 4, ID: "a"},
		{Kind: N, Line: 4, ID: "b"},
		{Kind: E, Line: 4, Source: "a", Target: "b", Weight: 1},
		{Kind: N, Line: 5, ID: "c"},
		{Kind: E, Line: 5, Source: "b", Target: "c", Weight: 0.5, HasWeight: true},
		{Kind: E, Line: 7, Source: "a", Target: "a", Weight: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("elements (-want +got):\n%s", diff)
	}
}

func TestReadEdgeListErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc, want string
	}{
		{"ErrOneField", "# c\na b\nc\n", "edges.txt:3: want \"source target [weight]\", got 1 fields"},
		{"ErrFourFields", "a b 1 2\n", "edges.txt:1: want \"source target [weight]\", got 4 fields"},
		{"ErrBadWeight", "a b\na c x\n", "edges.txt:2: weight \"x\" is not a finite number"},
		{"ErrNaNWeight", "a b NaN\n", "edges.txt:1: weight \"NaN\" is not a finite number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := netfile.ReadEdgeList("edges.txt", strings.NewReader(c.doc), func(netfile.Element) error { return nil })
			if graph.ErrorCode(err) != graph.EINVALID || graph.ErrorMessage(err) != c.want {
				t.Errorf("got %v (code %q), want EINVALID %q", err, graph.ErrorCode(err), c.want)
			}
		})
	}
	stop := errors.New("stop")
	err := netfile.ReadEdgeList("edges.txt", strings.NewReader("a b\nb c\n"), func(e netfile.Element) error {
		if e.ID == "c" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || err.Error() != "edges.txt:2: stop" {
		t.Errorf("got %v, want stop at edges.txt:2", err)
	}
}
