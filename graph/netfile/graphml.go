package netfile

import (
	"encoding/xml"
	"errors"
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
	p := &graphmlReader{name: name, dec: xml.NewDecoder(r), fn: fn, keys: map[string]*Key{}}
	return p.read()
}

type graphmlReader struct {
	name     string
	dec      *xml.Decoder
	fn       func(Element) error
	keys     map[string]*Key
	graphs   int
	directed bool // edgedefault
}

func (p *graphmlReader) line() int {
	l, _ := p.dec.InputPos()
	return l
}

func (p *graphmlReader) token() (xml.Token, error) {
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

func (p *graphmlReader) read() error {
	root := false
	for {
		tok, err := p.token()
		if err == io.EOF {
			if !root {
				return lineError(p.name, p.line(), "no <graphml> element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !root {
				if t.Name.Local != "graphml" {
					return lineError(p.name, p.line(), "root element is <%s>, want <graphml>", t.Name.Local)
				}
				root = true
				continue
			}
			if err := p.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if t.Name.Local == "graph" {
				p.graphs++
			}
		}
	}
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
		return lineError(p.name, p.line(), "hyperedges are not supported")
	}
	return p.skip()
}

func (p *graphmlReader) skip() error {
	if err := p.dec.Skip(); err != nil {
		return lineError(p.name, p.line(), "%v", err)
	}
	return nil
}

func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
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
	for {
		tok, err := p.token()
		if err != nil {
			return unexpectedEOF(p, err)
		}
		switch c := tok.(type) {
		case xml.StartElement:
			if c.Name.Local != "default" {
				if err := p.skip(); err != nil {
					return err
				}
				continue
			}
			text, _, err := p.text()
			if err != nil {
				return err
			}
			if k.Default, err = typed(k, text); err != nil {
				return lineError(p.name, p.line(), "key %q default: %v", k.ID, err)
			}
			k.HasDefault = true
		case xml.EndElement:
			p.keys[k.ID] = k
			if err := p.fn(Element{Kind: KeyElement, Line: line, ID: k.ID, Key: k}); err != nil {
				return atLine(p.name, line, err)
			}
			return nil
		}
	}
}

func unexpectedEOF(p *graphmlReader, err error) error {
	if err == io.EOF {
		return lineError(p.name, p.line(), "unexpected end of file")
	}
	return err
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
	if err := p.fn(Element{Kind: GraphElement, Line: line, ID: id, Directed: p.directed}); err != nil {
		return atLine(p.name, line, err)
	}
	return nil
}

func (p *graphmlReader) node(t xml.StartElement) error {
	e := Element{Kind: NodeElement, Line: p.line()}
	e.ID, _ = attr(t, "id")
	if e.ID == "" {
		return lineError(p.name, e.Line, "<node> without id")
	}
	var err error
	if e.Attrs, err = p.data("node"); err != nil {
		return err
	}
	if err := p.fn(e); err != nil {
		return atLine(p.name, e.Line, err)
	}
	return nil
}

func (p *graphmlReader) edge(t xml.StartElement) error {
	e := Element{Kind: EdgeElement, Line: p.line(), Directed: p.directed, Weight: 1}
	e.ID, _ = attr(t, "id")
	e.Source, _ = attr(t, "source")
	e.Target, _ = attr(t, "target")
	if e.Source == "" || e.Target == "" {
		return lineError(p.name, e.Line, "<edge> without source or target")
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
	var err error
	if e.Attrs, err = p.data("edge"); err != nil {
		return err
	}
	if w, ok := e.Attrs["weight"]; ok {
		if e.Weight, err = parseWeight(w); err != nil {
			return lineError(p.name, e.Line, "%v", err)
		}
		e.HasWeight = true
	}
	if err := p.fn(e); err != nil {
		return atLine(p.name, e.Line, err)
	}
	return nil
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
	for {
		tok, err := p.token()
		if err != nil {
			return nil, unexpectedEOF(p, err)
		}
		switch c := tok.(type) {
		case xml.StartElement:
			switch c.Name.Local {
			case "data":
				line := p.line()
				id, _ := attr(c, "key")
				k, ok := p.keys[id]
				if !ok {
					return nil, lineError(p.name, line, "data for undeclared key %q", id)
				}
				if k.For != kind && k.For != "all" {
					return nil, lineError(p.name, line, "key %q is for %s, not %s", id, k.For, kind)
				}
				text, markup, err := p.text()
				if err != nil {
					return nil, err
				}
				if markup {
					continue
				}
				v, err := typed(k, text)
				if err != nil {
					return nil, lineError(p.name, line, "key %q: %v", id, err)
				}
				set(k.Name, v)
			case "graph":
				return nil, lineError(p.name, p.line(), "nested graphs are not supported")
			default:
				if err := p.skip(); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			for _, k := range p.keys {
				if _, ok := attrs[k.Name]; !ok && k.HasDefault && (k.For == kind || k.For == "all") {
					set(k.Name, k.Default)
				}
			}
			return attrs, nil
		}
	}
}

// text returns the character data of the current element up to its end tag,
// and whether it contained markup (child elements), which is skipped.
func (p *graphmlReader) text() (string, bool, error) {
	var b strings.Builder
	markup := false
	for {
		tok, err := p.token()
		if err != nil {
			return "", false, unexpectedEOF(p, err)
		}
		switch c := tok.(type) {
		case xml.CharData:
			b.Write(c)
		case xml.StartElement:
			markup = true
			if err := p.skip(); err != nil {
				return "", false, err
			}
		case xml.EndElement:
			return b.String(), markup, nil
		}
	}
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
