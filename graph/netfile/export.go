package netfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// ExportOptions configure an Exporter.
type ExportOptions struct {
	// Personal includes people's email and phone in GraphML, GEXF and CSV
	// files, which are made for analysis tools and get passed around. JSON,
	// the backup format, always has them.
	Personal bool
	// Metrics are written as node attributes (a Gephi user sizes and
	// colours by them); a metric replaces an actor attribute of its name.
	Metrics []Metric
}

// Metric is one computed value per actor.
type Metric struct {
	Name   string
	Values map[string]float64 // by actor ID; an actor without one gets no attribute
}

// Exporter writes a network as Scan delivers it: Add every item, then
// Close. Only JSON keeps programmes and participations; GraphML, GEXF and
// CSV carry actors and links, with a link's programme as its key.
type Exporter interface {
	Add(graph.Item) error
	Close() error
}

// ExportFormats lists the formats NewExporter writes.
var ExportFormats = []Format{FormatJSON, FormatGraphML, FormatGEXF, FormatCSV}

// NewExporter returns an Exporter writing format to w. CSV is two tables,
// actors then links, written to w and links (to w alone, separated by a
// blank line, when links is nil).
func NewExporter(format Format, w, links io.Writer, opt ExportOptions) (Exporter, error) {
	switch format {
	case FormatJSON:
		return &jsonExporter{newDocWriter(w), metricAttrs(opt)}, nil
	case FormatGraphML, FormatGEXF, FormatCSV:
		f, err := os.CreateTemp("", "partnergraph-export-*")
		if err != nil {
			return nil, fmt.Errorf("netfile: export: %w", err)
		}
		os.Remove(f.Name()) // unlinked: gone when closed, even after a crash
		s := &spool{format: format, w: w, links: links, opt: opt, f: f, bw: bufio.NewWriterSize(f, 256<<10),
			node: newAttrSet(), edge: newAttrSet()}
		s.enc = json.NewEncoder(s.bw)
		return s, nil
	}
	return nil, graph.Errorf(graph.EINVALID, "format", "format %q: want json, graphml, gexf or csv", format)
}

// jsonExporter streams a Document; metrics go into actors' attrs.
type jsonExporter struct {
	dw      *docWriter
	metrics func(*graph.Actor) *graph.Actor
}

func (e *jsonExporter) Add(it graph.Item) error {
	if it.Actor != nil {
		it.Actor = e.metrics(it.Actor)
	}
	return e.dw.add(it)
}

func (e *jsonExporter) Close() error { return e.dw.close() }

// metricAttrs returns a function giving an actor with its metrics among
// its attributes.
func metricAttrs(opt ExportOptions) func(*graph.Actor) *graph.Actor {
	return func(a *graph.Actor) *graph.Actor {
		if len(opt.Metrics) == 0 {
			return a
		}
		c := *a
		c.Attrs = map[string]string{}
		for k, v := range a.Attrs {
			c.Attrs[k] = v
		}
		for _, m := range opt.Metrics {
			if v, ok := m.Values[a.ID]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
				c.Attrs[m.Name] = formatFloat(v)
			} else {
				delete(c.Attrs, m.Name)
			}
		}
		return &c
	}
}

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// spool writes actors and links to a temporary file as they come, learning
// every attribute's name and type, which GraphML and GEXF declare, and a
// CSV header names, before any node; Close writes the file from it.
type spool struct {
	format     Format
	w, links   io.Writer
	opt        ExportOptions
	f          *os.File
	bw         *bufio.Writer
	enc        *json.Encoder
	node, edge *attrSet
	directed   int // directed links
	undirected int
}

// spooled is one line of the spool.
type spooled struct {
	A *graph.Actor `json:",omitempty"`
	L *graph.Link  `json:",omitempty"`
}

func (s *spool) Add(it graph.Item) error {
	var line spooled
	switch {
	case it.Actor != nil:
		line.A = metricAttrs(s.opt)(it.Actor)
		s.node.addAll(actorColumns(line.A, s.opt.Personal))
	case it.Link != nil:
		line.L = it.Link
		s.edge.addAll(linkColumns(line.L))
		if line.L.Directed {
			s.directed++
		} else {
			s.undirected++
		}
	default:
		return nil
	}
	if err := s.enc.Encode(line); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	return nil
}

// each replays the spool.
func (s *spool) each(fn func(spooled) error) error {
	if err := s.bw.Flush(); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("netfile: export: %w", err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(s.f, 256<<10))
	for {
		var line spooled
		if err := dec.Decode(&line); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("netfile: export: %w", err)
		}
		if err := fn(line); err != nil {
			return err
		}
	}
}

func (s *spool) Close() error {
	defer s.f.Close()
	for _, m := range s.opt.Metrics {
		s.node.fix(m.Name, "double")
	}
	s.edge.fix(fieldWeight, "double")
	if s.mixed() {
		s.edge.fix(fieldDirected, "boolean")
	}
	switch s.format {
	case FormatGraphML:
		return s.writeGraphML()
	case FormatGEXF:
		return s.writeGEXF()
	}
	return s.writeCSV()
}

// mixed says whether directed and undirected links are both present. Then
// the graph is written undirected, as the server analyses a network unless
// a scope asks for directions (networkx and igraph take one direction for a
// whole graph), and directed links carry the attribute directed=true, which
// import and analyze read back. The file says so in a comment (GraphML) or
// its description (GEXF).
func (s *spool) mixed() bool { return s.directed > 0 && s.undirected > 0 }

// graphDirected says whether the graph is written directed: only when every
// link is.
func (s *spool) graphDirected() bool { return s.directed > 0 && s.undirected == 0 }

// mixedNote explains a mixed network's file to whoever opens it.
const mixedNote = "partnergraph: this network has directed and undirected links; it is written undirected " +
	"(as partnergraph analyses it by default) and each directed link has the attribute directed=true"

// column is one named value of a node or edge.
type column struct{ name, value string }

// actorColumns lists an actor's values under the names files use (see
// graph.ActorFields), empty ones left out, then its attributes.
func actorColumns(a *graph.Actor, personal bool) []column {
	cs := []column{{fieldKind, string(a.Kind)}, {fieldLabel, a.Name}, {fieldAliases, strings.Join(a.Aliases, "; ")}, {fieldType, string(a.OrgType)},
		{fieldSector, a.Sector}, {fieldRegion, a.Region}, {fieldDescription, a.Description}, {fieldTitle, a.Title},
		{fieldRoles, strings.Join(a.Roles, "; ")}}
	if personal {
		cs = append(cs, column{fieldEmail, a.Email}, column{fieldPhone, a.Phone})
	}
	cs = append(cs, column{fieldParent, key(a.ParentID)}, column{fieldEvidenceSource, a.Evidence.Source},
		column{fieldEvidenceQuote, a.Evidence.Quote}, column{fieldEvidenceNote, a.Evidence.Note})
	return appendAttrs(cs, a.Attrs)
}

// linkColumns lists a link's values; directed is added where it is needed.
func linkColumns(l *graph.Link) []column {
	cs := []column{{fieldType, string(l.Type)}, {fieldWeight, formatFloat(l.Weight)},
		{fieldFrom, l.From.String()}, {fieldTo, l.To.String()}, {fieldProgramme, key(l.ProgrammeID)},
		{fieldBrokeredBy, key(l.BrokeredByID)}, {fieldEvidenceSource, l.Evidence.Source},
		{fieldEvidenceQuote, l.Evidence.Quote}, {fieldEvidenceNote, l.Evidence.Note}}
	return appendAttrs(cs, l.Attrs)
}

func appendAttrs(cs []column, attrs map[string]string) []column {
	names, values := attrPairs(attrs)
	for i, n := range names {
		cs = append(cs, column{n, values[i]})
	}
	out := cs[:0]
	for _, c := range cs {
		if c.value != "" {
			out = append(out, c)
		}
	}
	return out
}

// attrSet collects the attributes written for one class (nodes or edges)
// in the order first seen, and infers each one's type from all its values:
// boolean, long, double, else string.
type attrSet struct {
	names []string
	at    map[string]int
	types []attrType
}

type attrType struct {
	notBool, notInt, notFloat bool
	fixed                     string
}

func newAttrSet() *attrSet { return &attrSet{at: map[string]int{}} }

func (s *attrSet) index(name string) int {
	i, ok := s.at[name]
	if !ok {
		i = len(s.names)
		s.at[name] = i
		s.names = append(s.names, name)
		s.types = append(s.types, attrType{})
	}
	return i
}

func (s *attrSet) addAll(cs []column) {
	for _, c := range cs {
		t := &s.types[s.index(c.name)]
		if c.value != "true" && c.value != "false" {
			t.notBool = true
		}
		if i, err := strconv.ParseInt(c.value, 10, 64); err != nil || strconv.FormatInt(i, 10) != c.value {
			t.notInt = true
		}
		if f, err := strconv.ParseFloat(c.value, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			t.notFloat = true
		}
	}
}

// fix gives name a type whatever its values (and declares it).
func (s *attrSet) fix(name, typ string) {
	s.types[s.index(name)].fixed = typ
}

// typeOf returns the GraphML type of attribute i.
func (s *attrSet) typeOf(i int) string {
	t := s.types[i]
	switch {
	case t.fixed != "":
		return t.fixed
	case slices.Contains(fixedStrings, s.names[i]):
		return "string"
	case !t.notBool:
		return "boolean"
	case !t.notInt:
		return "long"
	case !t.notFloat:
		return "double"
	}
	return "string"
}

// fixedStrings are fields that stay strings even when every value looks
// like a number (a key, a date, a name).
var fixedStrings = []string{fieldKind, fieldLabel, fieldAliases, fieldType, fieldSector, fieldRegion, fieldDescription, fieldTitle,
	fieldRoles, fieldEmail, fieldPhone, fieldParent, fieldEvidenceSource, fieldEvidenceQuote, fieldEvidenceNote,
	fieldFrom, fieldTo, fieldProgramme, fieldBrokeredBy}
