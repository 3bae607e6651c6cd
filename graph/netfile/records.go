package netfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// Mapping renames columns and attributes on import: a CSV header or a
// GraphML/GEXF attribute name (matched without case, spaces or hyphens:
// "Org ID" is org_id) to a field name (key, name, source, …) or a new
// attribute name, or to "-" to leave it out.
type Mapping map[string]string

// ParseMapping reads FROM=TO pairs, separated by commas.
func ParseMapping(specs []string) (Mapping, error) {
	m := Mapping{}
	for _, spec := range specs {
		for _, pair := range strings.Split(spec, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			from, to, ok := strings.Cut(pair, "=")
			if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
				return nil, graph.Errorf(graph.EINVALID, "map", "mapping %q is not FROM=TO", pair)
			}
			m[normName(from)] = strings.TrimSpace(to)
		}
	}
	return m, nil
}

var (
	actorFields = append(slices.Clone(graph.ActorFields), fieldEvidence, fieldLabel)
	linkFields  = append(slices.Clone(graph.LinkFields), fieldEvidence)
)

// named splits name–value pairs into fields (by field name) and attributes
// (by the name as given, trimmed), through the mapping. Empty values are
// dropped: a blank cell or an empty <data> says nothing.
type named struct {
	fields map[string]string
	attrs  map[string]string
}

func (m Mapping) split(known []string, names, values []string) (named, error) {
	n := named{fields: map[string]string{}}
	for i, name := range names {
		if i >= len(values) || strings.TrimSpace(values[i]) == "" {
			continue
		}
		field, attr, err := m.target(known, name)
		if err != nil {
			return n, err
		}
		switch {
		case field != "":
			if _, dup := n.fields[field]; dup {
				return n, fmt.Errorf("two columns or attributes give %s", field)
			}
			n.fields[field] = values[i]
		case attr != "":
			if n.attrs == nil {
				n.attrs = map[string]string{}
			}
			n.attrs[attr] = values[i]
		}
	}
	return n, nil
}

// target says where a column or attribute goes: a field, an attribute, or
// nowhere (both "").
func (m Mapping) target(known []string, name string) (field, attr string, err error) {
	to, mapped := m[normName(name)]
	if !mapped {
		to = name
	}
	if to == "-" {
		return "", "", nil
	}
	if f := normName(to); slices.Contains(known, f) {
		return f, "", nil
	}
	return "", strings.TrimSpace(to), nil
}

// actorOf makes an actor from fields. The key is key if given, else the
// key field. Without a kind, an actor is an organisation if its type is an
// organisation type, else a person; a type of person or organisation sets
// the kind, as research files often say it that way.
func actorOf(n named, key string, prefix string) (*graph.Actor, error) {
	f := n.fields
	if key == "" {
		key = strings.TrimSpace(f[fieldKey])
	} else if k := strings.TrimSpace(f[fieldKey]); k != "" && k != key {
		return nil, fmt.Errorf("key '%s' differs from the node id '%s'", k, key)
	}
	if key == "" {
		return nil, fmt.Errorf("key is required")
	}
	a := &graph.Actor{Key: prefix + key, Name: f[fieldName], Description: f[fieldDescription], Title: f[fieldTitle],
		Aliases: splitList(f[fieldAliases]), Roles: splitList(f[fieldRoles]), Email: strings.TrimSpace(f[fieldEmail]), Phone: strings.TrimSpace(f[fieldPhone]),
		Sector: f[fieldSector], Region: f[fieldRegion], Attrs: n.attrs,
		Evidence: graph.Evidence{Source: first(f[fieldEvidenceSource], f[fieldEvidence]), Quote: f[fieldEvidenceQuote], Note: f[fieldEvidenceNote]}}
	if a.Name == "" {
		a.Name = first(f[fieldLabel], key)
	}
	if p := strings.TrimSpace(f[fieldParent]); p != "" {
		a.ParentID = graph.NewID(graph.KindOrganisation, prefix+p)
	}
	if k := f[fieldKind]; k != "" {
		kind, ok := parseKind(k)
		if !ok {
			return nil, fmt.Errorf("kind '%s' is not person or organisation", k)
		}
		a.Kind = kind
	}
	if t := f[fieldType]; t != "" {
		if ot, ok := parseOrgType(t); ok {
			a.OrgType = ot
			if a.Kind == "" {
				a.Kind = graph.KindOrganisation
			}
		} else if kind, ok := parseKind(t); ok && (a.Kind == "" || a.Kind == kind) {
			a.Kind = kind
		} else {
			return nil, fmt.Errorf("type '%s' is not an organisation type (%s)", t, strings.ToLower(enumList(graph.OrgTypes)))
		}
	}
	if a.Kind == "" {
		a.Kind = graph.KindPerson
	}
	return a, nil
}

// linkOf makes a link from fields; source and target are given when the
// file says them outside the fields (GraphML, GEXF, edge lists).
func linkOf(n named, source, target string, directed bool, prefix string) (*graph.Link, error) {
	f := n.fields
	l := &graph.Link{Type: graph.LinkCollaboration, Directed: directed, Attrs: n.attrs,
		Evidence: graph.Evidence{Source: first(f[fieldEvidenceSource], f[fieldEvidence]), Quote: f[fieldEvidenceQuote], Note: f[fieldEvidenceNote]}}
	if k := strings.TrimSpace(f[fieldKey]); k != "" {
		l.Key = prefix + k
	}
	// Every field is checked, so that one run names all that is wrong in a row.
	var errs rowErrors
	source, target = first(source, strings.TrimSpace(f[fieldSource])), first(target, strings.TrimSpace(f[fieldTarget]))
	if source == "" {
		errs.add(fmt.Errorf("source is required"))
	}
	if target == "" {
		errs.add(fmt.Errorf("target is required"))
	}
	l.SourceID, l.TargetID = actorID(prefix+source), actorID(prefix+target)
	var err error
	if t := f[fieldType]; t != "" {
		l.Type, err = parseLinkType(t)
		errs.add(err)
	}
	if d, ok := f[fieldDirected]; ok {
		l.Directed, err = parseBool(fieldDirected, d)
		errs.add(err)
	}
	if w, ok := f[fieldWeight]; ok {
		if l.Weight, err = parseNumber(fieldWeight, w); err != nil {
			errs.add(err)
		} else if !(l.Weight > 0) {
			errs.add(fmt.Errorf("weight %s must be a positive number (tie strength)", strings.TrimSpace(w)))
		}
	}
	l.From, err = parseDate(fieldFrom, f[fieldFrom])
	errs.add(err)
	l.To, err = parseDate(fieldTo, f[fieldTo])
	errs.add(err)
	if p := strings.TrimSpace(f[fieldProgramme]); p != "" {
		l.ProgrammeID = graph.NewID(graph.KindProgramme, prefix+p)
	}
	if b := strings.TrimSpace(f[fieldBrokeredBy]); b != "" {
		l.BrokeredByID = actorID(prefix + b)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// rowErrors collects the errors of one row, to report them together.
type rowErrors []string

func (e *rowErrors) add(err error) {
	if err != nil {
		*e = append(*e, err.Error())
	}
}

func (e rowErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	return errors.New(strings.Join(e, "; "))
}

func actorID(key string) string { return graph.NewID(graph.KindActor, key) }

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// elementRecords turns one element of a GraphML, GEXF or edge-list file
// into the item it describes. Nodes become actors (an edge list's only
// create: they say nothing about an actor the store may know better);
// edges become links of type COLLABORATION unless a type attribute says
// otherwise. A self-loop, which the model has no place for, is returned
// as skipped.
func (c *converter) element(e Element) (it graph.Item, skip bool, err error) {
	switch e.Kind {
	case NodeElement:
		names, values := attrPairs(e.Attrs)
		n, err := c.mapping.split(actorFields, names, values)
		if err != nil {
			return it, false, err
		}
		a, err := actorOf(n, e.ID, c.prefix)
		return graph.Item{Actor: a, IfMissing: c.edgeList}, false, err
	case EdgeElement:
		names, values := attrPairs(e.Attrs)
		n, err := c.mapping.split(linkFields, names, values)
		if err != nil {
			return it, false, err
		}
		if id := n.fields[fieldID]; id != "" && e.ID == "" {
			e.ID = id // networkx keeps a GEXF edge id as an "id" attribute
		}
		delete(n.fields, fieldWeight)
		l, err := linkOf(n, e.Source, e.Target, e.Directed, c.prefix)
		if err != nil {
			return it, false, err
		}
		if e.HasWeight {
			if !(e.Weight > 0) {
				return it, false, fmt.Errorf("weight %v must be a positive number (tie strength)", e.Weight)
			}
			l.Weight = e.Weight
		}
		if l.SourceID == l.TargetID {
			return graph.Item{Link: l}, true, nil
		}
		if l.Key == "" {
			l.Key = c.edgeKey(e.ID, l)
		}
		return graph.Item{Link: l}, false, nil
	}
	return it, true, nil
}

// converter holds what turning elements into items needs to know.
type converter struct {
	mapping  Mapping
	prefix   string
	edgeList bool
	// edgeIDs says whether an edge's id is its link's key. Tools number
	// edges (networkx and Gephi write 0, 1, 2…, yEd e0, e1…), and such ids
	// would clash between files, so they are not keys; ids that are not a
	// numbering (partnergraph's own exports write link keys) are.
	edgeIDs bool
	// edges counts edges, and positional stays true while every edge id
	// is its position (n or en) or absent: the first pass finds out.
	edges      int
	positional bool
	checking   bool // in the first pass
}

func (c *converter) edgeKey(id string, l *graph.Link) string {
	if c.edgeIDs && id != "" {
		return c.prefix + id
	}
	key, src, tgt := pairKey(l)
	l.SourceID, l.TargetID = src, tgt
	return key
}

// noteEdgeID records whether edge ids so far are a numbering.
func (c *converter) noteEdgeID(id string) {
	n := fmt.Sprint(c.edges)
	if id != "" && id != n && id != "e"+n {
		c.positional = false
	}
	c.edges++
}

// attrPairs lists attributes as parallel name and value slices, sorted.
func attrPairs(attrs map[string]string) (names, values []string) {
	names = make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	slices.Sort(names)
	values = make([]string, len(names))
	for i, k := range names {
		values[i] = attrs[k]
	}
	return names, values
}
