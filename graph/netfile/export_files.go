package netfile

import (
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// xmlText escapes s for XML text and attribute values. Characters XML
// cannot hold become U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// errWriter remembers the first write error, so that writing code can
// check once at the end.
type errWriter struct {
	w   *bufio.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) flush() error {
	if e.err != nil {
		return fmt.Errorf("netfile: export: %w", e.err)
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	return nil
}

// edgeColumns lists a link's columns as written: with directed=true on a
// directed link of a mixed graph (see mixed).
func (s *spool) edgeColumns(l *graph.Link) []column {
	cs := linkColumns(l)
	if s.mixed() && l.Directed {
		cs = append(cs, column{fieldDirected, "true"})
	}
	return cs
}

func (s *spool) writeGraphML() error {
	w := &errWriter{w: bufio.NewWriterSize(s.w, 256<<10)}
	w.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	w.printf("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " +
		"xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n")
	for _, c := range []struct {
		set        *attrSet
		prefix, of string
	}{{s.node, "n", "node"}, {s.edge, "e", "edge"}} {
		for i, name := range c.set.names {
			w.printf("  <key id=\"%s%d\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n", c.prefix, i, c.of, xmlText(name), c.set.typeOf(i))
		}
	}
	def := "undirected"
	if s.graphDirected() {
		def = "directed"
	}
	if s.mixed() {
		w.printf("  <!-- %s -->\n", mixedNote)
	}
	w.printf("  <graph id=\"partnergraph\" edgedefault=\"%s\">\n", def)
	data := func(set *attrSet, prefix string, cs []column) {
		for _, c := range cs {
			w.printf("      <data key=\"%s%d\">%s</data>\n", prefix, set.at[c.name], xmlText(c.value))
		}
	}
	err := s.each(func(line spooled) error {
		if a := line.A; a != nil {
			w.printf("    <node id=\"%s\">\n", xmlText(a.Key))
			data(s.node, "n", actorColumns(a, s.opt.Personal))
			w.printf("    </node>\n")
		} else if l := line.L; l != nil {
			w.printf("    <edge id=\"%s\" source=\"%s\" target=\"%s\">\n", xmlText(l.Key), xmlText(key(l.SourceID)), xmlText(key(l.TargetID)))
			data(s.edge, "e", s.edgeColumns(l))
			w.printf("    </edge>\n")
		}
		return w.err
	})
	if err != nil {
		return err
	}
	w.printf("  </graph>\n</graphml>\n")
	return w.flush()
}

// gexfNative are the values GEXF gives their own XML attribute: a node's
// label, an edge's weight.
func gexfNative(name string) bool { return name == fieldLabel || name == fieldWeight }

func (s *spool) writeGEXF() error {
	w := &errWriter{w: bufio.NewWriterSize(s.w, 256<<10)}
	w.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	w.printf("<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" " +
		"xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\" version=\"1.2\">\n")
	w.printf("  <meta>\n    <creator>partnergraph</creator>\n")
	if s.mixed() {
		w.printf("    <description>%s</description>\n", mixedNote)
	}
	w.printf("  </meta>\n")
	def := "undirected"
	if s.graphDirected() {
		def = "directed"
	}
	w.printf("  <graph defaultedgetype=\"%s\" mode=\"static\">\n", def)
	for _, c := range []struct {
		set        *attrSet
		prefix, of string
	}{{s.node, "n", "node"}, {s.edge, "e", "edge"}} {
		w.printf("    <attributes class=\"%s\" mode=\"static\">\n", c.of)
		for i, name := range c.set.names {
			if !gexfNative(name) {
				w.printf("      <attribute id=\"%s%d\" title=\"%s\" type=\"%s\"/>\n", c.prefix, i, xmlText(name), c.set.typeOf(i))
			}
		}
		w.printf("    </attributes>\n")
	}
	values := func(set *attrSet, prefix string, cs []column) {
		w.printf("        <attvalues>\n")
		for _, c := range cs {
			if !gexfNative(c.name) {
				w.printf("          <attvalue for=\"%s%d\" value=\"%s\"/>\n", prefix, set.at[c.name], xmlText(c.value))
			}
		}
		w.printf("        </attvalues>\n")
	}
	section := ""
	open := func(name string) {
		if section != name {
			if section != "" {
				w.printf("    </%s>\n", section)
			}
			w.printf("    <%s>\n", name)
			section = name
		}
	}
	err := s.each(func(line spooled) error {
		if a := line.A; a != nil {
			open("nodes")
			w.printf("      <node id=\"%s\" label=\"%s\">\n", xmlText(a.Key), xmlText(a.Name))
			values(s.node, "n", actorColumns(a, s.opt.Personal))
			w.printf("      </node>\n")
		} else if l := line.L; l != nil {
			open("edges")
			w.printf("      <edge id=\"%s\" source=\"%s\" target=\"%s\" weight=\"%s\">\n", xmlText(l.Key),
				xmlText(key(l.SourceID)), xmlText(key(l.TargetID)), formatFloat(l.Weight))
			values(s.edge, "e", s.edgeColumns(l))
			w.printf("      </edge>\n")
		}
		return w.err
	})
	if err != nil {
		return err
	}
	for _, name := range []string{"nodes", "edges"} {
		open(name) // empty lists too
	}
	w.printf("    </edges>\n  </graph>\n</gexf>\n")
	return w.flush()
}

// CSV columns: every field, then the attributes seen, in the order first
// seen.
var (
	csvActorHeader = []string{fieldKey, fieldKind, fieldName, fieldAliases, fieldType, fieldSector, fieldRegion, fieldDescription,
		fieldTitle, fieldRoles, fieldEmail, fieldPhone, fieldParent, fieldEvidenceSource, fieldEvidenceQuote, fieldEvidenceNote}
	csvLinkHeader = []string{fieldKey, fieldSource, fieldTarget, fieldType, fieldDirected, fieldWeight, fieldFrom, fieldTo,
		fieldProgramme, fieldBrokeredBy, fieldEvidenceSource, fieldEvidenceQuote, fieldEvidenceNote}
)

func (s *spool) writeCSV() error {
	actorHeader := slices.Clone(csvActorHeader)
	if !s.opt.Personal {
		actorHeader = slices.DeleteFunc(actorHeader, func(h string) bool { return h == fieldEmail || h == fieldPhone })
	}
	actorHeader = withAttrs(actorHeader, s.node, fieldLabel)
	linkHeader := withAttrs(slices.Clone(csvLinkHeader), s.edge)
	aw := csv.NewWriter(s.w)
	lw := aw
	if s.links != nil {
		lw = csv.NewWriter(s.links)
	}
	aw.Write(actorHeader)
	linksStarted := false
	err := s.each(func(line spooled) error {
		if a := line.A; a != nil {
			m := map[string]string{fieldKey: a.Key, fieldName: a.Name}
			for _, c := range actorColumns(a, s.opt.Personal) {
				m[c.name] = c.value
			}
			return aw.Write(row(actorHeader, m))
		}
		l := line.L
		if !linksStarted {
			if err := startLinks(aw, lw, s.links == nil, linkHeader); err != nil {
				return err
			}
			linksStarted = true
		}
		m := map[string]string{fieldKey: l.Key, fieldSource: key(l.SourceID), fieldTarget: key(l.TargetID),
			fieldDirected: fmt.Sprint(l.Directed)}
		for _, c := range linkColumns(l) {
			m[c.name] = c.value
		}
		return lw.Write(row(linkHeader, m))
	})
	if err == nil && !linksStarted {
		err = startLinks(aw, lw, s.links == nil, linkHeader)
	}
	if err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	aw.Flush()
	lw.Flush()
	if err := aw.Error(); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	if err := lw.Error(); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	return nil
}

// startLinks writes the links table's header, after a blank line when both
// tables share one output.
func startLinks(aw, lw *csv.Writer, shared bool, header []string) error {
	if shared {
		aw.Flush()
		if err := aw.Error(); err != nil {
			return err
		}
		lw.Write(nil) // csv writes an empty record as an empty line
	}
	return lw.Write(header)
}

// withAttrs appends the attribute columns of set that are not fields.
func withAttrs(header []string, set *attrSet, except ...string) []string {
	for _, n := range set.names {
		if !slices.Contains(header, n) && !slices.Contains(except, n) {
			header = append(header, n)
		}
	}
	return header
}

func row(header []string, m map[string]string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = m[h]
	}
	return out
}
