package neo4j

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// where builds a WHERE clause from constant condition texts whose values are
// all parameters.
type where struct {
	conds  []string
	params map[string]any
}

func newWhere() *where { return &where{params: map[string]any{}} }

// add adds cond, which refers to the parameter $name, bound to v.
func (w *where) add(cond, name string, v any) {
	w.conds = append(w.conds, cond)
	if name != "" {
		w.params[name] = v
	}
}

// eq adds cond with v unless v is "".
func (w *where) eq(cond, name, v string) {
	if v != "" {
		w.add(cond, name, v)
	}
}

// in adds cond with vs unless vs is empty.
func in[T ~string](w *where, cond, name string, vs []T) {
	if len(vs) > 0 {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = string(v)
		}
		w.add(cond, name, s)
	}
}

// String returns the WHERE clause of w's conditions and extra ones, or "".
func (w *where) String(extra ...string) string {
	conds := append(w.conds[:len(w.conds):len(w.conds)], extra...)
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// with returns a copy of w's parameters with more added.
func (w *where) with(kv ...any) map[string]any {
	p := make(map[string]any, len(w.params)+len(kv)/2)
	for k, v := range w.params {
		p[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

// encodeCursor and decodeCursor make opaque keyset cursors: the sort key of
// the last item of a page.
func encodeCursor(parts ...string) string {
	b, _ := json.Marshal(parts)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns EINVALID naming "after" unless c holds n parts.
func decodeCursor(c string, n int) ([]string, error) {
	var parts []string
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		err = json.Unmarshal(b, &parts)
	}
	if err != nil || len(parts) != n {
		return nil, graph.Errorf(graph.EINVALID, "after", "malformed cursor %q", c)
	}
	return parts, nil
}

// page trims the size+1 items a query fetched to size and makes cursors.
func page[T any](items []T, size int, cursor func(T) string) ([]T, []string, graph.PageInfo) {
	var info graph.PageInfo
	if len(items) > size {
		items, info.HasNextPage = items[:size], true
	}
	cs := make([]string, len(items))
	for i, v := range items {
		cs[i] = cursor(v)
	}
	if len(cs) > 0 {
		info.StartCursor, info.EndCursor = cs[0], cs[len(cs)-1]
	}
	return items, cs, info
}

// unique returns ids without repeats, in first-seen order.
func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// inOrder returns, for each id, the item found with that id, or nil.
func inOrder[T any](ids []string, found []*T, id func(*T) string) []*T {
	by := make(map[string]*T, len(found))
	for _, v := range found {
		by[id(v)] = v
	}
	out := make([]*T, len(ids))
	for i, k := range ids {
		out[i] = by[k]
	}
	return out
}
