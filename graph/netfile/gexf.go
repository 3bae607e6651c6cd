package netfile

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// ReadGEXF streams a GEXF document (gexf.net, versions 1.1 to 1.3, as Gephi
// and networkx write it), calling fn with the <graph>, then every <node>
// and <edge> in file order, as ReadGraphML does. Attribute values are
// checked against their declared type and normalised as ReadGraphML does;
// a node's label is the attribute "label", and so is an edge's. An edge's
// type is its direction when it says directed, undirected or mutual (mutual
// is undirected); any other value (networkx writes an edge attribute
// called type there) is the attribute "type". Visualisation data (viz:),
// spells and parents are skipped; for a dynamic attribute the last value
// given wins. Nested nodes (hierarchies) are rejected.
func ReadGEXF(name string, r io.Reader, fn func(Element) error) error {
	p := &gexfReader{xmlReader: xmlReader{name: name, dec: xml.NewDecoder(r), fn: fn},
		attrs: map[string]map[string]*Key{"node": {}, "edge": {}}}
	return p.document("gexf", p.start, func(xml.EndElement) {})
}

type gexfReader struct {
	xmlReader
	attrs    map[string]map[string]*Key // class → attribute id → declaration
	directed bool
	graphs   int
}

// start handles an element anywhere inside <gexf>: the reader descends into
// <graph>, <nodes> and <edges> and skips everything else.
func (p *gexfReader) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "graph":
		return p.graph(t)
	case "attributes":
		return p.attributes(t)
	case "nodes", "edges":
		return nil // their children come as tokens
	case "node":
		return p.node(t)
	case "edge":
		return p.edge(t)
	}
	return p.skip()
}

func (p *gexfReader) graph(t xml.StartElement) error {
	line := p.line()
	if p.graphs++; p.graphs > 1 {
		return lineError(p.name, line, "more than one graph in the document")
	}
	switch d, _ := attr(t, "defaultedgetype"); d {
	case "directed":
		p.directed = true
	case "undirected", "mutual", "":
	default:
		return lineError(p.name, line, "defaultedgetype %q is not directed, undirected or mutual", d)
	}
	id, _ := attr(t, "id")
	return p.emit(Element{Kind: GraphElement, Line: line, ID: id, Directed: p.directed})
}

// gexfTypes maps GEXF attribute types to the GraphML types typed checks.
var gexfTypes = map[string]string{"integer": "int", "long": "long", "float": "float", "double": "double",
	"boolean": "boolean", "string": "string", "liststring": "string", "anyURI": "string",
	"bigdecimal": "double", "biginteger": "long", "byte": "int", "short": "int", "char": "string"}

func (p *gexfReader) attributes(t xml.StartElement) error {
	class, _ := attr(t, "class")
	decl, ok := p.attrs[class]
	if !ok {
		return p.skip() // graph-level attributes
	}
	return p.children(func(c xml.StartElement) error {
		if c.Name.Local != "attribute" {
			return p.skip()
		}
		k, err := p.attribute(c)
		if err == nil {
			decl[k.ID] = k
		}
		return err
	}, nil)
}

func (p *gexfReader) attribute(t xml.StartElement) (*Key, error) {
	line := p.line()
	k := &Key{}
	k.ID, _ = attr(t, "id")
	k.Name, _ = attr(t, "title")
	if k.ID == "" {
		return nil, lineError(p.name, line, "<attribute> without id")
	}
	if k.Name == "" {
		k.Name = k.ID
	}
	typ, _ := attr(t, "type")
	if k.Type = gexfTypes[typ]; k.Type == "" {
		if typ != "" && !strings.HasPrefix(typ, "list") {
			return nil, lineError(p.name, line, "attribute %q: unknown type %q", k.ID, typ)
		}
		k.Type = "string"
	}
	err := p.declaration(k, "attribute", func(c xml.StartElement) (string, error) {
		var text string
		if err := p.dec.DecodeElement(&text, &c); err != nil {
			return "", p.errorf("%v", err)
		}
		return text, nil
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func (p *gexfReader) node(t xml.StartElement) error {
	e, err := p.nodeOf(t)
	if err != nil {
		return err
	}
	if e.Attrs, err = p.values("node"); err != nil {
		return err
	}
	if label, ok := attr(t, "label"); ok && label != "" {
		e.Attrs = with(e.Attrs, "label", label)
	}
	return p.emit(e)
}

func (p *gexfReader) edge(t xml.StartElement) error {
	e, err := p.edgeOf(t, p.directed)
	if err != nil {
		return err
	}
	if e.Attrs, err = p.values("edge"); err != nil {
		return err
	}
	if typ, ok := attr(t, "type"); ok {
		switch typ {
		case "directed":
			e.Directed = true
		case "undirected", "mutual":
			e.Directed = false
		default:
			e.Attrs = with(e.Attrs, "type", typ)
		}
	}
	if label, ok := attr(t, "label"); ok && label != "" {
		e.Attrs = with(e.Attrs, "label", label)
	}
	if w, ok := attr(t, "weight"); ok {
		if e.Weight, err = parseWeight(strings.TrimSpace(w)); err != nil {
			return lineError(p.name, e.Line, "%v", err)
		}
		e.HasWeight = true
		e.Attrs = with(e.Attrs, "weight", strconv.FormatFloat(e.Weight, 'g', -1, 64))
	}
	return p.emit(e)
}

// values reads a node's or edge's children up to its end tag and returns
// its attribute values by title, with the defaults of its class.
func (p *gexfReader) values(class string) (map[string]string, error) {
	var vals map[string]string
	decl := p.attrs[class]
	var value func(c xml.StartElement) error
	value = func(c xml.StartElement) error {
		switch c.Name.Local {
		case "attvalues":
			return p.children(value, nil)
		case "attvalue":
			line := p.line()
			id, _ := attr(c, "for")
			if id == "" {
				id, _ = attr(c, "id") // GEXF 1.1
			}
			k := decl[id]
			if k == nil {
				for _, d := range decl { // GEXF 1.1 may refer by title
					if d.Name == id {
						k = d
					}
				}
			}
			if k == nil {
				return lineError(p.name, line, "value for undeclared %s attribute %q", class, id)
			}
			raw, _ := attr(c, "value")
			v, err := typed(k, raw)
			if err != nil {
				return lineError(p.name, line, "attribute %q: %v", k.Name, err)
			}
			vals = with(vals, k.Name, v)
			return p.skip()
		case "nodes":
			return p.errorf("nested nodes are not supported")
		}
		return p.skip()
	}
	if err := p.children(value, nil); err != nil {
		return nil, err
	}
	for _, k := range decl {
		if _, ok := vals[k.Name]; !ok && k.HasDefault {
			vals = with(vals, k.Name, k.Default)
		}
	}
	return vals, nil
}

func with(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
