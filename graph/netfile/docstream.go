package netfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/partnergraph/partnergraph/graph"
)

// readDocumentStream streams the entities of a Document to fn one at a
// time, in file order, with the line each starts on, without holding the
// document. Keys are prefixed with prefix. An entity that does not decode
// (an unknown field, a wrong type) is passed to fn as err, so the caller
// can go on; broken JSON stops the reading.
func readDocumentStream(name string, r io.Reader, prefix string, fn func(line int, it graph.Item, err error) error) error {
	lc := &lineCounter{r: r}
	dec := json.NewDecoder(lc)
	dec.DisallowUnknownFields()
	fail := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return lineError(name, lc.lineAt(se.Offset), "%v", err)
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return lineError(name, lc.lineAt(dec.InputOffset()), "unexpected end of file")
		}
		return lineError(name, lc.lineAt(dec.InputOffset()), "%v", err)
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err)
	}
	format := ""
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		field, _ := tok.(string)
		switch field {
		case "format":
			line := lc.lineAt(dec.InputOffset())
			if err := dec.Decode(&format); err != nil {
				return fail(err)
			}
			if format != FormatVersion {
				return lineError(name, line, "format %q is not %q", format, FormatVersion)
			}
		case "actors", "programmes", "participations", "links":
			if err := readSection(dec, lc, field, prefix, fn); err != nil {
				if le, ok := err.(*lineErr); ok {
					return le.err // the caller's own
				}
				return fail(err)
			}
		default:
			return lineError(name, lc.lineAt(dec.InputOffset()), "unknown field %q (want format, actors, programmes, participations, links)", field)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if format == "" {
		return lineError(name, 1, "format is missing: want %q", FormatVersion)
	}
	return nil
}

// lineErr carries the caller's own error out of readSection untouched.
type lineErr struct{ err error }

func (e *lineErr) Error() string { return e.err.Error() }

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", string(want), tok)
	}
	return nil
}

// readSection reads one array of entities (null reads as empty).
func readSection(dec *json.Decoder, lc *lineCounter, section, prefix string, fn func(int, graph.Item, error) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("%s: want a list, got %v", section, tok)
	}
	for dec.More() {
		line := lc.startLine(dec)
		it, err := decodeEntity(dec, section, prefix)
		var syn *json.SyntaxError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			return err
		}
		if err := fn(line, it, err); err != nil {
			return &lineErr{err}
		}
	}
	_, err = dec.Token() // ]
	return err
}

func decodeEntity(dec *json.Decoder, section, prefix string) (graph.Item, error) {
	k := func(s string) string {
		if s == "" {
			return ""
		}
		return prefix + s
	}
	switch section {
	case "actors":
		var a DocActor
		if err := dec.Decode(&a); err != nil {
			return graph.Item{}, err
		}
		return graph.Item{Actor: &graph.Actor{Key: k(a.Key), Kind: a.Kind, Name: a.Name, Aliases: a.Aliases, Description: a.Description,
			Title: a.Title, Roles: a.Roles, Email: a.Email, Phone: a.Phone, OrgType: a.Type, Sector: a.Sector,
			Region: a.Region, ParentID: id(graph.KindActor, k(a.Parent)), Evidence: a.Evidence, Attrs: a.Attrs}}, nil
	case "programmes":
		var p DocProgramme
		if err := dec.Decode(&p); err != nil {
			return graph.Item{}, err
		}
		return graph.Item{Programme: &graph.Programme{Key: k(p.Key), Name: p.Name, Description: p.Description,
			Aims: p.Aims, Start: p.Start, End: p.End, Tags: p.Tags, Evidence: p.Evidence}}, nil
	case "participations":
		var p DocParticipation
		if err := dec.Decode(&p); err != nil {
			return graph.Item{}, err
		}
		return graph.Item{Participation: &graph.Participation{ActorID: id(graph.KindActor, k(p.Actor)),
			ProgrammeID: id(graph.KindProgramme, k(p.Programme)), Role: p.Role, Evidence: p.Evidence}}, nil
	}
	var l DocLink
	if err := dec.Decode(&l); err != nil {
		return graph.Item{}, err
	}
	return graph.Item{Link: &graph.Link{Key: k(l.Key), Type: l.Type, SourceID: id(graph.KindActor, k(l.Source)),
		TargetID: id(graph.KindActor, k(l.Target)), Directed: l.Directed, Weight: l.Weight,
		Interval: graph.Interval{From: l.From, To: l.To}, ProgrammeID: id(graph.KindProgramme, k(l.Programme)),
		BrokeredByID: id(graph.KindActor, k(l.BrokeredBy)), Evidence: l.Evidence, Attrs: l.Attrs}}, nil
}

// lineCounter counts the lines of what a json.Decoder reads, keeping only
// the offsets of the newlines it has read ahead, so that the line of a
// decoder offset is known without holding the file.
type lineCounter struct {
	r     io.Reader
	read  int64   // bytes read so far
	nl    []int64 // offsets of newlines read and not yet passed
	lines int     // newlines passed
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.nl = append(c.nl, c.read+int64(i))
		}
	}
	c.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of offset off; offsets asked for must not
// go back.
func (c *lineCounter) lineAt(off int64) int {
	i := 0
	for i < len(c.nl) && c.nl[i] < off {
		i++
	}
	c.lines += i
	c.nl = append(c.nl[:0], c.nl[i:]...)
	return c.lines + 1
}

// startLine returns the line on which the decoder's next value starts,
// looking past white space and a comma in what it has buffered.
func (c *lineCounter) startLine(dec *json.Decoder) int {
	off := dec.InputOffset()
	buf, _ := io.ReadAll(io.LimitReader(dec.Buffered(), 4096))
	skip := len(buf) - len(bytes.TrimLeft(buf, " \t\r\n,"))
	return c.lineAt(off + int64(skip))
}

// docWriter writes a Document as it is scanned, item by item, laid out as
// WriteDocument lays it out.
type docWriter struct {
	w       *bufio.Writer
	section int // index in docSections of the open list, -1 before any
	n       int // items written in the open list
}

var docSections = []string{"actors", "programmes", "participations", "links"}

func newDocWriter(w io.Writer) *docWriter {
	dw := &docWriter{w: bufio.NewWriterSize(w, 64<<10), section: -1}
	fmt.Fprintf(dw.w, "{\n  \"format\": %q", FormatVersion)
	return dw
}

func (dw *docWriter) add(it graph.Item) error {
	var d Document
	d.Add(it)
	var v any
	s := 0
	switch {
	case len(d.Actors) == 1:
		v = d.Actors[0]
	case len(d.Programmes) == 1:
		s, v = 1, d.Programmes[0]
	case len(d.Participations) == 1:
		s, v = 2, d.Participations[0]
	case len(d.Links) == 1:
		s, v = 3, d.Links[0]
	default:
		return nil
	}
	dw.open(s)
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		return fmt.Errorf("netfile: write json: %w", err)
	}
	if dw.n > 0 {
		dw.w.WriteString(",")
	}
	dw.w.WriteString("\n    ")
	dw.w.Write(b)
	dw.n++
	return nil
}

// open closes lists up to section s and opens s (lists come in order, each
// once, empty ones written as []).
func (dw *docWriter) open(s int) {
	for dw.section < s {
		dw.closeList()
		dw.section++
		fmt.Fprintf(dw.w, ",\n  %q: [", docSections[dw.section])
		dw.n = 0
	}
}

func (dw *docWriter) closeList() {
	if dw.section < 0 {
		return
	}
	if dw.n > 0 {
		dw.w.WriteString("\n  ")
	}
	dw.w.WriteString("]")
}

func (dw *docWriter) close() error {
	dw.open(len(docSections) - 1)
	dw.closeList()
	dw.w.WriteString("\n}\n")
	return dw.w.Flush()
}
