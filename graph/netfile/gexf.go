package netfile

import (
	"encoding/xml"
	"errors"
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
	p := &gexfReader{name: name, dec: xml.NewDecoder(r), fn: fn,
		attrs: map[string]map[string]*Key{"node": {}, "edge": {}}}
	return p.read()
}

type gexfReader struct {
	name     string
	dec      *xml.Decoder
	fn       func(Element) error
	attrs    map[string]map[string]*Key // class → attribute id → declaration
	directed bool
	graphs   int
}

func (p *gexfReader) line() int {
	l, _ := p.dec.InputPos()
	return l
}

func (p *gexfReader) token() (xml.Token, error) {
	tok, err := p.dec.Token()
	if err == nil || err == io.EOF {
		return tok, err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return nil, lineError(p.name, se.Line, "%s", se.Msg)
	}
	return nil, lineError(p.name, p.line(), "%v", err)
}

func (p *gexfReader) read() error {
	root := false
	for {
		tok, err := p.token()
		if err == io.EOF {
			if !root {
				return lineError(p.name, p.line(), "no <gexf> element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !root {
			if t.Name.Local != "gexf" {
				return lineError(p.name, p.line(), "root element is <%s>, want <gexf>", t.Name.Local)
			}
			root = true
			continue
		}
		if err := p.start(t); err != nil {
			return err
		}
	}
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

func (p *gexfReader) skip() error {
	if err := p.dec.Skip(); err != nil {
		return lineError(p.name, p.line(), "%v", err)
	}
	return nil
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
	if err := p.fn(Element{Kind: GraphElement, Line: line, ID: id, Directed: p.directed}); err != nil {
		return atLine(p.name, line, err)
	}
	return nil
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
	for {
		tok, err := p.token()
		if err != nil {
			return p.eof(err)
		}
		switch c := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if c.Name.Local != "attribute" {
				if err := p.skip(); err != nil {
					return err
				}
				continue
			}
			k, err := p.attribute(c)
			if err != nil {
				return err
			}
			decl[k.ID] = k
		}
	}
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
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.eof(err)
		}
		switch c := tok.(type) {
		case xml.EndElement:
			return k, nil
		case xml.StartElement:
			if c.Name.Local != "default" {
				if err := p.skip(); err != nil {
					return nil, err
				}
				continue
			}
			var text string
			if err := p.dec.DecodeElement(&text, &c); err != nil {
				return nil, lineError(p.name, p.line(), "%v", err)
			}
			if k.Default, err = typed(k, text); err != nil {
				return nil, lineError(p.name, p.line(), "attribute %q default: %v", k.ID, err)
			}
			k.HasDefault = true
		}
	}
}

func (p *gexfReader) eof(err error) error {
	if err == io.EOF {
		return lineError(p.name, p.line(), "unexpected end of file")
	}
	return err
}

func (p *gexfReader) node(t xml.StartElement) error {
	e := Element{Kind: NodeElement, Line: p.line()}
	e.ID, _ = attr(t, "id")
	if e.ID == "" {
		return lineError(p.name, e.Line, "<node> without id")
	}
	var err error
	if e.Attrs, err = p.values("node"); err != nil {
		return err
	}
	if label, ok := attr(t, "label"); ok && label != "" {
		e.Attrs = with(e.Attrs, "label", label)
	}
	if err := p.fn(e); err != nil {
		return atLine(p.name, e.Line, err)
	}
	return nil
}

func (p *gexfReader) edge(t xml.StartElement) error {
	e := Element{Kind: EdgeElement, Line: p.line(), Directed: p.directed, Weight: 1}
	e.ID, _ = attr(t, "id")
	e.Source, _ = attr(t, "source")
	e.Target, _ = attr(t, "target")
	if e.Source == "" || e.Target == "" {
		return lineError(p.name, e.Line, "<edge> without source or target")
	}
	var err error
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
	if err := p.fn(e); err != nil {
		return atLine(p.name, e.Line, err)
	}
	return nil
}

// values reads a node's or edge's children up to its end tag and returns
// its attribute values by title, with the defaults of its class.
func (p *gexfReader) values(class string) (map[string]string, error) {
	var vals map[string]string
	decl := p.attrs[class]
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.eof(err)
		}
		switch c := tok.(type) {
		case xml.StartElement:
			switch c.Name.Local {
			case "attvalues":
				continue // its attvalue children come as tokens
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
					return nil, lineError(p.name, line, "value for undeclared %s attribute %q", class, id)
				}
				raw, _ := attr(c, "value")
				v, err := typed(k, raw)
				if err != nil {
					return nil, lineError(p.name, line, "attribute %q: %v", k.Name, err)
				}
				vals = with(vals, k.Name, v)
				if err := p.skip(); err != nil {
					return nil, err
				}
			case "nodes":
				return nil, lineError(p.name, p.line(), "nested nodes are not supported")
			default:
				if err := p.skip(); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			if c.Name.Local == "attvalues" {
				continue
			}
			for _, k := range decl {
				if _, ok := vals[k.Name]; !ok && k.HasDefault {
					vals = with(vals, k.Name, k.Default)
				}
			}
			return vals, nil
		}
	}
}

func with(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
