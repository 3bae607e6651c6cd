package netfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// Column and attribute names that import reads into fields, as CSV headers
// and GraphML/GEXF attribute names spell them (graph.ActorFields and
// graph.LinkFields; "label" and "evidence" are aliases). Everything else is
// kept in Attrs.
const (
	fieldKey            = "key"
	fieldID             = "id"
	fieldKind           = "kind"
	fieldName           = "name"
	fieldLabel          = "label"
	fieldAliases        = "aliases"
	fieldDescription    = "description"
	fieldTitle          = "title"
	fieldRoles          = "roles"
	fieldEmail          = "email"
	fieldPhone          = "phone"
	fieldType           = "type"
	fieldSector         = "sector"
	fieldRegion         = "region"
	fieldParent         = "parent"
	fieldEvidence       = "evidence" // the evidence's source
	fieldEvidenceSource = "evidence_source"
	fieldEvidenceQuote  = "evidence_quote"
	fieldEvidenceNote   = "evidence_note"
	fieldSource         = "source"
	fieldTarget         = "target"
	fieldDirected       = "directed"
	fieldWeight         = "weight"
	fieldFrom           = "from"
	fieldTo             = "to"
	fieldProgramme      = "programme"
	fieldBrokeredBy     = "brokered_by"
)

// normName folds a header or attribute name for matching: lower case,
// trimmed, spaces and hyphens as underscores ("Brokered By" → brokered_by).
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// normEnum folds an enum value the same way, upper case ("knowledge
// exchange" → KNOWLEDGE_EXCHANGE).
func normEnum(s string) string {
	return strings.ToUpper(normName(s))
}

// parseKind reads an actor kind: person, organisation (or organization, org).
func parseKind(s string) (graph.Kind, bool) {
	switch normName(s) {
	case "person", "people", "individual":
		return graph.KindPerson, true
	case "organisation", "organization", "org":
		return graph.KindOrganisation, true
	}
	return "", false
}

func parseOrgType(s string) (graph.OrgType, bool) {
	t := graph.OrgType(normEnum(s))
	return t, slices.Contains(graph.OrgTypes, t)
}

func parseLinkType(s string) (graph.LinkType, error) {
	t := graph.LinkType(normEnum(s))
	if !slices.Contains(graph.LinkTypes, t) {
		return "", fmt.Errorf("type '%s' is not a link type (%s)", s, strings.ToLower(enumList(graph.LinkTypes)))
	}
	return t, nil
}

func enumList[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func parseBool(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "directed":
		return true, nil
	case "false", "no", "n", "0", "undirected", "":
		return false, nil
	}
	return false, fmt.Errorf("%s '%s' is not true or false", field, s)
}

func parseDate(field, s string) (graph.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return graph.Date{}, nil
	}
	d, err := graph.ParseDate(field, s)
	if err != nil {
		return graph.Date{}, fmt.Errorf("%s '%s' is not a date (YYYY-MM-DD)", field, s)
	}
	return d, nil
}

func parseNumber(field, s string) (float64, error) {
	w, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%s '%s' is not a number", field, s)
	}
	return w, nil
}

// splitList reads a list cell: items separated by semicolons.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// pairKey is the key of a link read from a research network file that gives
// it none: the same edge read again (from the same file, or listed both
// ways in an undirected file, as SNAP does) gets the same key. It returns
// the ends in the order the link keeps: an undirected link's ends sorted.
func pairKey(l *graph.Link) (key, source, target string) {
	a, b := l.SourceID, l.TargetID
	dir := "d"
	if !l.Directed {
		dir = "u"
		if b < a {
			a, b = b, a
		}
	}
	h := sha256.Sum256([]byte(dir + "\x00" + string(l.Type) + "\x00" + a + "\x00" + b + "\x00" + l.ProgrammeID + "\x00" + l.From.String()))
	return "link-" + hex.EncodeToString(h[:12]), a, b
}
