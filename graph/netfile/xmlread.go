package netfile

import (
	"encoding/xml"
	"errors"
	"io"
)

// xmlReader is the token loop the GraphML and GEXF readers share: it walks
// the document or one element's children, skips what a format does not
// handle, and reports errors at the line the decoder has reached.
type xmlReader struct {
	name string // the file's name, for messages
	dec  *xml.Decoder
	fn   func(Element) error
}

func (x *xmlReader) line() int {
	l, _ := x.dec.InputPos()
	return l
}

// errorf is an EINVALID error at the decoder's line.
func (x *xmlReader) errorf(format string, args ...any) error {
	return lineError(x.name, x.line(), format, args...)
}

// token returns the next token, io.EOF at the end of the input, or a
// syntax error at its line.
func (x *xmlReader) token() (xml.Token, error) {
	tok, err := x.dec.Token()
	if err == nil || err == io.EOF {
		return tok, err
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return nil, lineError(x.name, se.Line, "%s", se.Msg)
	}
	return nil, x.errorf("%v", err)
}

// skip skips the rest of the element whose start tag was just read.
func (x *xmlReader) skip() error {
	if err := x.dec.Skip(); err != nil {
		return x.errorf("%v", err)
	}
	return nil
}

// document reads the whole input, whose root element must be root, and
// calls start for every start tag inside it and end for every end tag. The
// children of an element start does not read come as tokens too, so
// start descends into an element by returning without reading it.
func (x *xmlReader) document(root string, start func(xml.StartElement) error, end func(xml.EndElement)) error {
	inRoot := false
	for {
		tok, err := x.token()
		if err == io.EOF {
			if !inRoot {
				return x.errorf("no <%s> element", root)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !inRoot {
				if t.Name.Local != root {
					return x.errorf("root element is <%s>, want <%s>", t.Name.Local, root)
				}
				inRoot = true
				continue
			}
			if err := start(t); err != nil {
				return err
			}
		case xml.EndElement:
			end(t)
		}
	}
}

// children reads the current element up to its end tag, calling child for
// each child element, which must read it to its end (x.skip for one it
// ignores), and text, if not nil, for its character data.
func (x *xmlReader) children(child func(xml.StartElement) error, text func(xml.CharData)) error {
	for {
		tok, err := x.token()
		if err == io.EOF {
			return x.errorf("unexpected end of file")
		}
		if err != nil {
			return err
		}
		switch c := tok.(type) {
		case xml.StartElement:
			if err := child(c); err != nil {
				return err
			}
		case xml.CharData:
			if text != nil {
				text(c)
			}
		case xml.EndElement:
			return nil
		}
	}
}

// text returns the character data of the current element up to its end
// tag, and whether it held markup (child elements), which is skipped.
func (x *xmlReader) text() (s string, markup bool, err error) {
	var b []byte
	err = x.children(func(xml.StartElement) error { markup = true; return x.skip() },
		func(c xml.CharData) { b = append(b, c...) })
	return string(b), markup, err
}

// declaration reads the children of an attribute declaration (GraphML's
// <key>, GEXF's <attribute>) up to its end tag: its <default>, read by
// text, sets k's default, checked against k's type; what names the
// declaration in messages.
func (x *xmlReader) declaration(k *Key, what string, text func(xml.StartElement) (string, error)) error {
	return x.children(func(c xml.StartElement) error {
		if c.Name.Local != "default" {
			return x.skip()
		}
		s, err := text(c)
		if err != nil {
			return err
		}
		if k.Default, err = typed(k, s); err != nil {
			return x.errorf("%s %q default: %v", what, k.ID, err)
		}
		k.HasDefault = true
		return nil
	}, nil)
}

// nodeOf returns the node start tag t opens, before its attributes.
func (x *xmlReader) nodeOf(t xml.StartElement) (Element, error) {
	e := Element{Kind: NodeElement, Line: x.line()}
	e.ID, _ = attr(t, "id")
	if e.ID == "" {
		return e, lineError(x.name, e.Line, "<node> without id")
	}
	return e, nil
}

// edgeOf returns the edge start tag t opens, before its attributes, directed
// as the graph's default says.
func (x *xmlReader) edgeOf(t xml.StartElement, directed bool) (Element, error) {
	e := Element{Kind: EdgeElement, Line: x.line(), Directed: directed, Weight: 1}
	e.ID, _ = attr(t, "id")
	e.Source, _ = attr(t, "source")
	e.Target, _ = attr(t, "target")
	if e.Source == "" || e.Target == "" {
		return e, lineError(x.name, e.Line, "<edge> without source or target")
	}
	return e, nil
}

// emit passes e to the caller's function, its error placed at e's line.
func (x *xmlReader) emit(e Element) error {
	if err := x.fn(e); err != nil {
		return atLine(x.name, e.Line, err)
	}
	return nil
}

// attr returns the value of t's attribute name and whether it is there.
func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}
