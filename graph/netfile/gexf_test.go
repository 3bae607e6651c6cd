package netfile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/partnergraph/partnergraph/graph/netfile"
)

// A GEXF file as Gephi writes it: 1.3 namespace, viz data, a default,
// a mutual edge, an edge with a link type and a label.
const gephiGEXF = `<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
  <meta><creator>Gephi 0.10</creator></meta>
  <graph defaultedgetype="directed" mode="static">
    <attributes class="node" mode="static">
      <attribute id="modularity_class" title="Modularity Class" type="integer"/>
      <attribute id="1" title="dept" type="string"><default>none</default></attribute>
    </attributes>
    <attributes class="edge" mode="static">
      <attribute id="since" title="since" type="long"/>
    </attributes>
    <nodes>
      <node id="a" label="Ann">
        <attvalues><attvalue for="modularity_class" value=" 3 "/></attvalues>
        <viz:size value="10.0"/><viz:color r="1" g="2" b="3"/>
      </node>
      <node id="b" label="Bob"/>
    </nodes>
    <edges>
      <edge id="0" source="a" target="b" type="mutual" weight="2.0" label="met">
        <attvalues><attvalue for="since" value="1998"/></attvalues>
      </edge>
      <edge id="1" source="b" target="a" type="partnership"/>
    </edges>
  </graph>
</gexf>`

func TestReadGEXF(t *testing.T) {
	var got []netfile.Element
	err := netfile.ReadGEXF("g.gexf", strings.NewReader(gephiGEXF), func(e netfile.Element) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []netfile.Element{
		{Kind: netfile.GraphElement, Line: 4, Directed: true},
		{Kind: netfile.NodeElement, Line: 13, ID: "a", Attrs: map[string]string{"Modularity Class": "3", "dept": "none", "label": "Ann"}},
		{Kind: netfile.NodeElement, Line: 17, ID: "b", Attrs: map[string]string{"dept": "none", "label": "Bob"}},
		{Kind: netfile.EdgeElement, Line: 20, ID: "0", Source: "a", Target: "b", Weight: 2, HasWeight: true,
			Attrs: map[string]string{"since": "1998", "label": "met", "weight": "2"}},
		{Kind: netfile.EdgeElement, Line: 23, ID: "1", Source: "b", Target: "a", Directed: true, Weight: 1,
			Attrs: map[string]string{"type": "partnership"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadGEXF (-want +got):\n%s", diff)
	}
	for name, doc := range map[string]string{
		"undeclared": `<gexf><graph><nodes><node id="a"><attvalues><attvalue for="x" value="1"/></attvalues></node></nodes></graph></gexf>`,
		"type":       `<gexf><graph><attributes class="node"><attribute id="x" title="x" type="integer"/></attributes><nodes><node id="a"><attvalues><attvalue for="x" value="one"/></attvalues></node></nodes></graph></gexf>`,
		"root":       `<graphml/>`,
		"nested":     `<gexf><graph><nodes><node id="a"><nodes><node id="b"/></nodes></node></nodes></graph></gexf>`,
	} {
		err := netfile.ReadGEXF("bad.gexf", strings.NewReader(doc), func(netfile.Element) error { return nil })
		if err == nil || !strings.HasPrefix(err.Error(), "bad.gexf:") {
			t.Errorf("%s: error %v, want one naming the file and line", name, err)
		}
	}
}
