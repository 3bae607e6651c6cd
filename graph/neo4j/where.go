package neo4j

import "strings"

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
