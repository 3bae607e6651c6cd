package graph

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
)

// SortField is a property lists can be ordered by.
type SortField string

const (
	SortName   SortField = "NAME"
	SortKey    SortField = "KEY"
	SortDegree SortField = "DEGREE" // an actor's number of links, either direction
	SortStart  SortField = "START"  // a programme's
	SortEnd    SortField = "END"
	SortType   SortField = "TYPE" // a link's
	SortFrom   SortField = "FROM"
	SortTo     SortField = "TO"
	SortWeight SortField = "WEIGHT"
	SortID     SortField = "ID" // the tie order of actors and programmes
	// SortScore is an analytics metric's value, ordered in Go (SortedPage):
	// stores never see it.
	SortScore SortField = "SCORE"
)

// OrderKey is one key of an order.
type OrderKey struct {
	Field SortField
	Desc  bool
}

// MaxOrderKeys bounds the keys an order may give (the tie key comes on top).
const MaxOrderKeys = 3

// Order is the keys a list is ordered by, first first; unused keys are
// zero. An array, so that PageArgs stays comparable (loaders batch by it).
type Order [MaxOrderKeys]OrderKey

// NewOrder returns the order of keys. Returns EINVALID on orderBy for
// more than MaxOrderKeys.
func NewOrder(keys ...OrderKey) (Order, error) {
	var o Order
	if len(keys) > MaxOrderKeys {
		return o, Errorf(EINVALID, "orderBy", "order by at most %d keys", MaxOrderKeys)
	}
	copy(o[:], keys)
	return o, nil
}

// Keys returns the keys of o in use.
func (o Order) Keys() []OrderKey {
	n := 0
	for n < len(o) && o[n].Field != "" {
		n++
	}
	return o[:n]
}

var (
	sortFields = map[Entity][]SortField{
		EntityActor:     {SortName, SortKey, SortDegree},
		EntityProgramme: {SortName, SortKey, SortStart, SortEnd},
		EntityLink:      {SortKey, SortType, SortFrom, SortTo, SortWeight},
	}
	// The default order of each list, and the unique key that ends every
	// order so ties come in one order on every backend (a link's key is
	// unique and its ID derives from it).
	defaultOrder = map[Entity]SortField{EntityActor: SortName, EntityProgramme: SortName, EntityLink: SortKey}
	tieKey       = map[Entity]SortField{EntityActor: SortID, EntityProgramme: SortID, EntityLink: SortKey}
)

// Keyset is how a store reads one page: ordered by Keys (the tie key
// last), Size items, and only those strictly after Cursor in that order —
// or, when Backward, the Size items just before Cursor: the store reads
// them in the reverse order (Reversed) and NewKeysetPage turns them round.
// A store keeps sort values missing as "" (dates) so that they sort first.
type Keyset struct {
	Keys     []OrderKey
	Size     int
	Backward bool
	Cursor   []any  // the sort values of the cursor's item; nil for none
	def      bool   // the list's default order: cursors keep their old form
	tag      string // what else the order depends on, such as a metric's scope
}

// Keyset returns the read that p asks of the list of e. Returns EINVALID
// naming first, last, after, before or orderBy.
func (p PageArgs) Keyset(e Entity) (*Keyset, error) {
	ks := &Keyset{}
	if err := ks.order(e, p.Order); err != nil {
		return nil, err
	}
	return ks, ks.page(p)
}

// ScoreKeyset returns the read p asks of a list ordered by a score
// (descending if desc) then ID, in Go by SortedPage; tag names what the
// scores are of (a metric and its scope), so that a cursor of other
// scores is refused.
func (p PageArgs) ScoreKeyset(tag string, desc bool) (*Keyset, error) {
	ks := &Keyset{Keys: []OrderKey{{Field: SortScore, Desc: desc}, {Field: SortID}}, tag: tag}
	return ks, ks.page(p)
}

// page reads p's size, direction and cursor.
func (ks *Keyset) page(p PageArgs) error {
	switch {
	case p.Last != 0 && p.First != 0:
		return Errorf(EINVALID, "last", "give first or last, not both")
	case p.After != "" && p.Before != "":
		return Errorf(EINVALID, "before", "give after or before, not both")
	case p.Before != "" && p.First != 0:
		return Errorf(EINVALID, "before", "page backwards with last and before, forwards with first and after")
	case p.After != "" && p.Last != 0:
		return Errorf(EINVALID, "after", "page backwards with last and before, forwards with first and after")
	}
	ks.Backward = p.Last != 0 || p.Before != ""
	field, cursor, n := "first", p.After, p.First
	if ks.Backward {
		field, cursor, n = "last", p.Before, p.Last
	}
	var err error
	if ks.Size, err = (PageArgs{First: n}).size(field); err != nil {
		return err
	}
	if cursor != "" {
		name := "after"
		if ks.Backward {
			name = "before"
		}
		ks.Cursor, err = ks.decode(cursor, name)
	}
	return err
}

func (ks *Keyset) order(e Entity, o Order) error {
	order := o.Keys()
	for i, k := range order {
		if !slices.Contains(sortFields[e], k.Field) {
			return Errorf(EINVALID, "orderBy", "a %s list cannot be ordered by %s", e, k.Field)
		}
		if slices.ContainsFunc(order[:i], func(o OrderKey) bool { return o.Field == k.Field }) {
			return Errorf(EINVALID, "orderBy", "order key %s is repeated", k.Field)
		}
	}
	if len(order) == 0 {
		order, ks.def = []OrderKey{{Field: defaultOrder[e]}}, true
	}
	ks.Keys = slices.Clone(order)
	if tie := tieKey[e]; ks.Keys[len(ks.Keys)-1].Field != tie {
		ks.Keys = append(ks.Keys, OrderKey{Field: tie})
	}
	return nil
}

// signature names the order in cursors, so that a cursor of one order is
// refused by another.
func (ks *Keyset) signature() string {
	parts := make([]string, len(ks.Keys))
	for i, k := range ks.Keys {
		parts[i] = string(k.Field)
		if k.Desc {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ",") + ks.tag
}

// cursorForm is a cursor of an explicit order: the order and the values.
type cursorForm struct {
	Order  string `json:"o"`
	Values []any  `json:"v"`
}

// Cursor returns the opaque cursor of an item with sort values vals. The
// default orders keep the form cursors had before orders could be chosen:
// a list of the item's string values.
func (ks *Keyset) cursor(vals []any) string {
	var v any = cursorForm{ks.signature(), vals}
	if ks.def {
		v = vals
	}
	b, _ := json.Marshal(v) // strings and numbers: never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func (ks *Keyset) decode(cursor, field string) ([]any, error) {
	bad := Errorf(EINVALID, field, "%s: malformed cursor, or one of another order", field)
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, bad
	}
	var vals []any
	if ks.def {
		err = json.Unmarshal(b, &vals)
	} else {
		var c cursorForm
		if err = json.Unmarshal(b, &c); err == nil && c.Order != ks.signature() {
			return nil, bad
		}
		vals = c.Values
	}
	if err != nil || len(vals) != len(ks.Keys) {
		return nil, bad
	}
	for i, k := range ks.Keys {
		if vals[i], err = sortValue(k.Field, vals[i]); err != nil {
			return nil, bad
		}
	}
	return vals, nil
}

// sortValue returns v, decoded from JSON, as the type the stores compare
// field's values in: int64 for degrees, float64 for weights, else string.
func sortValue(f SortField, v any) (any, error) {
	switch v := v.(type) {
	case string:
		if f != SortDegree && f != SortWeight && f != SortScore {
			return v, nil
		}
	case float64:
		switch f {
		case SortWeight, SortScore:
			return v, nil
		case SortDegree:
			if v == float64(int64(v)) {
				return int64(v), nil
			}
		}
	}
	return nil, Errorf(EINVALID, "cursor", "malformed cursor")
}

// Reversed reports whether key i is read descending: its own direction,
// turned round when paging backwards.
func (ks *Keyset) Reversed(i int) bool { return ks.Keys[i].Desc != ks.Backward }

// After returns the condition that a row whose sort expressions are exprs
// comes strictly after the cursor values, named by params, in the read
// order: (k1 > v1 OR (k1 = v1 AND (k2 > v2 OR …))), with < for a reversed
// key. SQL and Cypher spell it alike; the expressions and parameter names
// are the store's constants, never input.
func (ks *Keyset) After(exprs, params []string) string {
	cond := ""
	for i := len(exprs) - 1; i >= 0; i-- {
		op := " > "
		if ks.Reversed(i) {
			op = " < "
		}
		c := exprs[i] + op + params[i]
		if cond != "" {
			c = "(" + c + " OR (" + exprs[i] + " = " + params[i] + " AND " + cond + "))"
		}
		cond = c
	}
	return cond
}

// NewKeysetPage returns the page of the rows a store read for ks (up to
// Size+1, in the read order) with their sort values, of total in all.
// One row more than Size says there is another page in the direction of
// reading; a cursor given says there is one the other way (Relay allows
// this approximation: the cursor's own item may since have gone).
func NewKeysetPage[T any](rows []T, vals [][]any, ks *Keyset, total int) *Page[T] {
	p := &Page[T]{Items: rows, TotalCount: total}
	more := len(rows) > ks.Size
	if more {
		p.Items, vals = rows[:ks.Size], vals[:ks.Size]
	}
	if ks.Backward {
		slices.Reverse(p.Items)
		slices.Reverse(vals)
		p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage = more, ks.Cursor != nil
	} else {
		p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage = more, ks.Cursor != nil
	}
	p.Cursors = make([]string, len(p.Items))
	for i := range p.Items {
		p.Cursors[i] = ks.cursor(vals[i])
	}
	if len(p.Cursors) > 0 {
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = p.Cursors[0], p.Cursors[len(p.Cursors)-1]
	}
	return p
}

// SortedPage is NewKeysetPage for a list ordered in Go: it sorts items by
// their sort values vals (strings and float64s, the tie key last, so the
// order is total) in ks's order and reads the page ks asks for.
func SortedPage[T any](items []T, vals [][]any, ks *Keyset, total int) *Page[T] {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return ks.compare(vals[a], vals[b]) })
	if ks.Backward {
		slices.Reverse(idx)
	}
	start := 0
	if ks.Cursor != nil { // the first item past the cursor in the read order
		start, _ = slices.BinarySearchFunc(idx, ks.Cursor, func(i int, c []any) int {
			n := ks.compare(vals[i], c)
			if ks.Backward {
				n = -n
			}
			if n == 0 {
				n = -1 // the cursor's own item comes before
			}
			return n
		})
	}
	end := min(len(idx), start+ks.Size+1)
	rows, rowVals := make([]T, 0, end-start), make([][]any, 0, end-start)
	for _, i := range idx[start:end] {
		rows, rowVals = append(rows, items[i]), append(rowVals, vals[i])
	}
	return NewKeysetPage(rows, rowVals, ks, total)
}

// compare orders sort values as ks's keys ask (ignoring Backward).
func (ks *Keyset) compare(a, b []any) int {
	for i, k := range ks.Keys {
		var n int
		switch x := a[i].(type) {
		case float64:
			n = cmp.Compare(x, b[i].(float64))
		case string:
			n = strings.Compare(x, b[i].(string))
		}
		if k.Desc {
			n = -n
		}
		if n != 0 {
			return n
		}
	}
	return 0
}
