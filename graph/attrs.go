package graph

import (
	"strings"
	"unicode/utf8"
)

// ActorFields and LinkFields name the fields of actors and links as network
// files and exports spell them (CSV headers, GraphML and GEXF attributes).
// An attribute in Attrs may not take one of these names, compared without
// case, so a file never says two things about one field.
var (
	ActorFields = []string{"key", "id", "kind", "name", "label", "aliases", "description", "title", "roles", "email", "phone",
		"type", "sector", "region", "parent", "evidence", "evidence_source", "evidence_quote", "evidence_note"}
	LinkFields = []string{"key", "id", "type", "source", "target", "directed", "weight", "from", "to", "programme",
		"brokered_by", "evidence", "evidence_source", "evidence_quote", "evidence_note"}
)

// Limits on free-form attributes.
const (
	MaxAttrs        = 200
	MaxAttrNameLen  = 100
	MaxAttrValueLen = 10_000
	attrsField      = "attrs"
)

// checkAttrs validates attributes and returns them normalised: nil when
// empty, so that a stored entity reads back equal to what was written.
func checkAttrs(attrs map[string]string, reserved []string) (map[string]string, error) {
	if len(attrs) == 0 {
		return nil, nil
	}
	if len(attrs) > MaxAttrs {
		return nil, Errorf(EINVALID, attrsField, "more than %d attributes", MaxAttrs)
	}
	for name, v := range attrs {
		switch {
		case strings.TrimSpace(name) == "":
			return nil, Errorf(EINVALID, attrsField, "attribute name is empty")
		case len(name) > MaxAttrNameLen:
			return nil, Errorf(EINVALID, attrsField, "attribute name %q is longer than %d characters", name[:20]+"…", MaxAttrNameLen)
		case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return nil, Errorf(EINVALID, attrsField, "attribute name %q contains control characters", name)
		case !utf8.ValidString(name) || !utf8.ValidString(v):
			return nil, Errorf(EINVALID, attrsField, "attribute %q is not valid UTF-8", name)
		case len(v) > MaxAttrValueLen:
			return nil, Errorf(EINVALID, attrsField, "attribute %q is longer than %d characters", name, MaxAttrValueLen)
		}
		for _, r := range reserved {
			if strings.EqualFold(name, r) {
				return nil, Errorf(EINVALID, attrsField, "attribute %q has the name of a field", name)
			}
		}
	}
	return attrs, nil
}
