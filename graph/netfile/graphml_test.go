package netfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

const sampleGraphML = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="sector" attr.type="string">
    <default>other</default>
  </key>
  <key id="d1" for="node" attr.name="size" attr.type="int"/>
  <key id="d2" for="edge" attr.name="weight" attr.type="double"/>
  <key id="d3" for="all" attr.name="note"/>
  <key id="d4" for="edge" attr.name="active" attr.type="boolean"/>
  <graph id="G" edgedefault="undirected">
    <desc>ignored</desc>
    <node id="a"><data key="d0">university</data><data key="d1"> 12 </data></node>
    <node id="b">
      <data key="d3">hello &amp; bye</data>
      <port name="p"/>
    </node>
    <edge id="e1" source="a" target="b"><data key="d2">2.5</data><data key="d4">1</data></edge>
    <edge source="b" target="c" directed="true"/>
  </graph>
</graphml>
`

func readAll(t *testing.T, read func(string, string, func(netfile.Element) error) error, doc string) []netfile.Element {
	t.Helper()
	var got []netfile.Element
	if err := read("test", doc, func(e netfile.Element) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func graphml(name, doc string, fn func(netfile.Element) error) error {
	return netfile.ReadGraphML(name, strings.NewReader(doc), fn)
}

func edgelist(name, doc string, fn func(netfile.Element) error) error {
	return netfile.ReadEdgeList(name, strings.NewReader(doc), fn)
}

func TestReadGraphML(t *testing.T) {
	got := readAll(t, graphml, sampleGraphML)
	var kinds []netfile.ElementKind
	for _, e := range got {
		kinds = append(kinds, e.Kind)
	}
	K, G, N, E := netfile.KeyElement, netfile.GraphElement, netfile.NodeElement, netfile.EdgeElement
	if diff := cmp.Diff([]netfile.ElementKind{K, K, K, K, K, G, N, N, E, E}, kinds); diff != "" {
		t.Fatalf("kinds (-want +got):\n%s", diff)
	}
	if k := got[0].Key; k.ID != "d0" || k.Name != "sector" || k.For != "node" || k.Type != "string" || k.Default != "other" || !k.HasDefault {
		t.Errorf("key d0: got %+v", k)
	}
	if k := got[3].Key; k.Name != "note" || k.For != "all" || k.Type != "string" || k.HasDefault {
		t.Errorf("key d3: got %+v", k)
	}
	want := []netfile.Element{
		{Kind: G, Line: 10, ID: "G"},
		{Kind: N, Line: 12, ID: "a", Attrs: map[string]string{"sector": "university", "size": "12"}},
		{Kind: N, Line: 13, ID: "b", Attrs: map[string]string{"sector": "other", "note": "hello & bye"}},
		{Kind: E, Line: 17, ID: "e1", Source: "a", Target: "b", Weight: 2.5, HasWeight: true,
			Attrs: map[string]string{"weight": "2.5", "active": "true"}},
		{Kind: E, Line: 18, Source: "b", Target: "c", Directed: true, Weight: 1},
	}
	if diff := cmp.Diff(want, got[5:]); diff != "" {
		t.Errorf("elements (-want +got):\n%s", diff)
	}
}

func TestReadGraphMLDirected(t *testing.T) {
	doc := `<graphml><graph edgedefault="directed"><node id="x"/><edge source="x" target="y"/>` +
		`<edge source="y" target="x" directed="false"/></graph></graphml>`
	got := readAll(t, graphml, doc)
	if !got[0].Directed || !got[2].Directed || got[3].Directed {
		t.Errorf("got graph %v, edges %v and %v; want true, true, false", got[0].Directed, got[2].Directed, got[3].Directed)
	}
}

// TestReadGraphMLErrors checks that every malformed document is a
// graph.EINVALID error naming the file and line.
func TestReadGraphMLErrors(t *testing.T) {
	head := "<graphml>\n<key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n<key id=\"n\" for=\"node\" attr.name=\"n\" attr.type=\"long\"/>\n<graph>\n"
	for _, c := range []struct {
		name, doc, want string
	}{
		{"ErrNotGraphML", "<gexf>\n</gexf>", "net.graphml:1: root element is <gexf>"},
		{"ErrSyntax", head + "<node id=\"a\">\n</edge>", "net.graphml:6: "},
		{"ErrBadNumber", head + "<node id=\"a\"><data key=\"n\">12x</data></node>", "net.graphml:5: key \"n\": \"12x\" is not an integer"},
		{"ErrBadWeight", head + "<node id=\"a\"/>\n\n<edge source=\"a\" target=\"b\"><data key=\"w\">heavy</data></edge>", "net.graphml:7: key \"w\": \"heavy\" is not a number"},
		{"ErrInfiniteWeight", head + "<edge source=\"a\" target=\"b\"><data key=\"w\">Inf</data></edge>", "net.graphml:5: weight \"Inf\" is not a finite number"},
		{"ErrUndeclaredKey", head + "<node id=\"a\"><data key=\"zz\">1</data></node>", "net.graphml:5: data for undeclared key \"zz\""},
		{"ErrKeyForEdge", head + "<node id=\"a\"><data key=\"w\">1</data></node>", "net.graphml:5: key \"w\" is for edge, not node"},
		{"ErrNoID", head + "<node/>", "net.graphml:5: <node> without id"},
		{"ErrNoTarget", head + "<edge source=\"a\"/>", "net.graphml:5: <edge> without source or target"},
		{"ErrHyperedge", head + "<hyperedge/>", "net.graphml:5: hyperedges are not supported"},
		{"ErrNestedGraph", head + "<node id=\"a\">\n<graph/></node>", "net.graphml:6: nested graphs are not supported"},
		{"ErrTwoGraphs", head + "</graph>\n<graph>", "net.graphml:6: more than one graph"},
		{"ErrEdgeDefault", "<graphml><graph edgedefault=\"sideways\"/></graphml>", "net.graphml:1: edgedefault \"sideways\""},
		{"ErrDirected", head + "<edge source=\"a\" target=\"b\" directed=\"yes\"/>", "net.graphml:5: edge directed=\"yes\""},
		{"ErrKeyType", "<graphml>\n<key id=\"k\" attr.type=\"date\"/></graphml>", "net.graphml:2: key \"k\": unknown attr.type \"date\""},
		{"ErrTruncated", head + "<node id=\"a\">", "net.graphml:"},
		{"ErrEmpty", "", "net.graphml:1: no <graphml> element"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := netfile.ReadGraphML("net.graphml", strings.NewReader(c.doc), func(netfile.Element) error { return nil })
			if graph.ErrorCode(err) != graph.EINVALID {
				t.Fatalf("got %v (code %q), want an EINVALID error", err, graph.ErrorCode(err))
			}
			if msg := graph.ErrorMessage(err); !strings.HasPrefix(msg, c.want) {
				t.Errorf("got %q, want it to start with %q", msg, c.want)
			}
		})
	}
}

func TestReadGraphMLCallbackError(t *testing.T) {
	stop := errors.New("stop")
	err := graphml("net.graphml", sampleGraphML, func(e netfile.Element) error {
		if e.Kind == netfile.EdgeElement {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.HasPrefix(err.Error(), "net.graphml:17: ") {
		t.Errorf("got %v, want stop at net.graphml:17", err)
	}
	// A domain error keeps its code and gets the position in its message.
	err = graphml("net.graphml", sampleGraphML, func(e netfile.Element) error {
		if e.Kind == netfile.NodeElement {
			return graph.Errorf(graph.ECONFLICT, "key", "duplicate %s", e.ID)
		}
		return nil
	})
	if graph.ErrorCode(err) != graph.ECONFLICT || graph.ErrorField(err) != "key" || graph.ErrorMessage(err) != "net.graphml:12: duplicate a" {
		t.Errorf("got %v (code %q)", err, graph.ErrorCode(err))
	}
}
