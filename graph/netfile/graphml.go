package netfile

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadGraphML streams a GraphML document (graphml.graphdrawing.org),
// calling fn for each <key>, then the <graph>, then every <node> and <edge>
// in file order; it stops at the first error fn returns and returns it
// prefixed with "name:line: ". name is the file's name for messages. Errors
// in the document itself are graph.EINVALID errors reading "name:line: …".
//
// It reads one graph per document, as networkx's read_graphml does;
// edgedefault defaults to undirected (as in networkx) and an edge's own
// directed attribute overrides it. Hyperedges and nested graphs are
// rejected; ports, descriptions, graph-level data and foreign elements are
// skipped.
func ReadGraphML(name string, r io.Reader, fn func(Element) error) error {
	p := &graphmlReader{xmlReader: xmlReader{name: name, dec: xml.NewDecoder(r), fn: fn}, keys: map[string]*Key{}}
	return p.document("graphml", p.start, func(t xml.EndElement) {
		if t.Name.Local == "graph" {
			p.graphs++
		}
	})
}

type graphmlReader struct {
	xmlReader
	keys     map[string]*Key
	graphs   int
	directed bool // edgedefault
}

// start handles an element inside <graphml> or <graph>.
func (p *graphmlReader) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "key":
		return p.key(t)
	case "graph":
		return p.graph(t)
	case "node":
		return p.node(t)
	case "edge":
		return p.edge(t)
	case "hyperedge":
		return p.errorf("hyperedges are not supported")
	}
	return p.skip()
}

func (p *graphmlReader) key(t xml.StartElement) error {
	line := p.line()
	k := &Key{For: "all", Type: "string"}
	k.ID, _ = attr(t, "id")
	if k.ID == "" {
		return lineError(p.name, line, "<key> without id")
	}
	if v, ok := attr(t, "for"); ok {
		k.For = v
	}
	if v, ok := attr(t, "attr.type"); ok {
		k.Type = v
	}
	switch k.Type {
	case "boolean", "int", "long", "float", "double", "string":
	default:
		return lineError(p.name, line, "key %q: unknown attr.type %q", k.ID, k.Type)
	}
	k.Name, _ = attr(t, "attr.name")
	if k.Name == "" {
		k.Name = k.ID
	}
	err := p.declaration(k, "key", func(xml.StartElement) (string, error) {
		text, _, err := p.text()
		return text, err
	})
	if err != nil {
		return err
	}
	p.keys[k.ID] = k
	return p.emit(Element{Kind: KeyElement, Line: line, ID: k.ID, Key: k})
}

func (p *graphmlReader) graph(t xml.StartElement) error {
	line := p.line()
	if p.graphs > 0 {
		return lineError(p.name, line, "more than one graph in the document")
	}
	switch d, _ := attr(t, "edgedefault"); d {
	case "directed":
		p.directed = true
	case "undirected", "":
	default:
		return lineError(p.name, line, "edgedefault %q is neither directed nor undirected", d)
	}
	id, _ := attr(t, "id")
	return p.emit(Element{Kind: GraphElement, Line: line, ID: id, Directed: p.directed})
}

func (p *graphmlReader) node(t xml.StartElement) error {
	e, err := p.nodeOf(t)
	if err != nil {
		return err
	}
	if e.Attrs, err = p.data("node"); err != nil {
		return err
	}
	return p.emit(e)
}

func (p *graphmlReader) edge(t xml.StartElement) error {
	e, err := p.edgeOf(t, p.directed)
	if err != nil {
		return err
	}
	if d, ok := attr(t, "directed"); ok {
		switch d {
		case "true":
			e.Directed = true
		case "false":
			e.Directed = false
		default:
			return lineError(p.name, e.Line, "edge directed=%q is neither true nor false", d)
		}
	}
	if e.Attrs, err = p.data("edge"); err != nil {
		return err
	}
	if w, ok := e.Attrs["weight"]; ok {
		if e.Weight, err = parseWeight(w); err != nil {
			return lineError(p.name, e.Line, "%v", err)
		}
		e.HasWeight = true
	}
	return p.emit(e)
}

// data reads the children of a node or edge up to its end tag and returns
// its attributes, with the defaults of keys for that kind of element.
func (p *graphmlReader) data(kind string) (map[string]string, error) {
	var attrs map[string]string
	set := func(name, val string) {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs[name] = val
	}
	err := p.children(func(c xml.StartElement) error {
		switch c.Name.Local {
		case "data":
			line := p.line()
			id, _ := attr(c, "key")
			k, ok := p.keys[id]
			if !ok {
				return lineError(p.name, line, "data for undeclared key %q", id)
			}
			if k.For != kind && k.For != "all" {
				return lineError(p.name, line, "key %q is for %s, not %s", id, k.For, kind)
			}
			text, markup, err := p.text()
			if err != nil || markup {
				return err
			}
			v, err := typed(k, text)
			if err != nil {
				return lineError(p.name, line, "key %q: %v", id, err)
			}
			set(k.Name, v)
			return nil
		case "graph":
			return p.errorf("nested graphs are not supported")
		}
		return p.skip()
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, k := range p.keys {
		if _, ok := attrs[k.Name]; !ok && k.HasDefault && (k.For == kind || k.For == "all") {
			set(k.Name, k.Default)
		}
	}
	return attrs, nil
}

// typed checks s against the key's attr.type and returns it normalised.
func typed(k *Key, s string) (string, error) {
	t := strings.TrimSpace(s)
	switch k.Type {
	case "boolean":
		switch strings.ToLower(t) {
		case "true", "1":
			return "true", nil
		case "false", "0":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not a boolean", s)
	case "int", "long":
		if _, err := strconv.ParseInt(t, 10, 64); err != nil {
			return "", fmt.Errorf("%q is not an integer", s)
		}
		return t, nil
	case "float", "double":
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			return "", fmt.Errorf("%q is not a number", s)
		}
		return t, nil
	}
	return s, nil
}
