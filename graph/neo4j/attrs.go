package neo4j

import "encoding/json"

// Free-form attributes (graph.Actor.Attrs, graph.Link.Attrs) are one string
// property, attrs, holding a JSON object: Neo4j properties cannot be maps,
// and one property per attribute would let attribute names collide with
// ours. Keys are sorted, so equal maps store equal text.

// attrsJSON encodes attributes, "" (no property) for none.
func attrsJSON(attrs map[string]string) string {
	if len(attrs) == 0 {
		return ""
	}
	b, _ := json.Marshal(attrs) // a map of strings always encodes
	return string(b)
}

// getAttrs decodes the attrs property; absent, empty or unreadable is nil.
func getAttrs(m map[string]any) map[string]string {
	var attrs map[string]string
	if err := json.Unmarshal([]byte(getStr(m, "attrs")), &attrs); err != nil || len(attrs) == 0 {
		return nil
	}
	return attrs
}
