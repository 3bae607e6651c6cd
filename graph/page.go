package graph

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
)

// PageArgs selects a page: the First items after the cursor After, or
// (lists that page both ways, see Keyset) the Last items before Before,
// in the order Order (the list's default if empty).
type PageArgs struct {
	First  int    // 0 means DefaultPageSize
	After  string // opaque cursor from a previous page, "" for the start
	Last   int
	Before string
	Order  Order
	// NoTotal says the caller does not read the page's TotalCount, which a
	// store may then leave 0 rather than count every match.
	NoTotal bool
}

const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Size returns the page size p asks for, checked against MaxPageSize.
func (p PageArgs) Size() (int, error) { return p.size("first") }

// size checks p.First as the argument named field.
func (p PageArgs) size(field string) (int, error) {
	switch {
	case p.First == 0:
		return DefaultPageSize, nil
	case p.First < 0:
		return 0, Errorf(EINVALID, field, "%s must not be negative", field)
	case p.First > MaxPageSize:
		return 0, Errorf(EINVALID, field, "%s must be at most %d", field, MaxPageSize)
	}
	return p.First, nil
}

// AfterKey returns the sort key of n parts that p.After holds, nil for the
// first page. Returns EINVALID naming "after" for a malformed cursor.
func (p PageArgs) AfterKey(n int) ([]string, error) {
	if p.After == "" {
		return nil, nil
	}
	var parts []string
	b, err := base64.RawURLEncoding.DecodeString(p.After)
	if err == nil {
		err = json.Unmarshal(b, &parts)
	}
	if err != nil || len(parts) != n {
		return nil, Errorf(EINVALID, "after", "malformed cursor %q", p.After)
	}
	return parts, nil
}

// AfterAudit returns the time (Unix nanoseconds) and ID of the audit entry
// p.After names; ok is false for the first page.
func (p PageArgs) AfterAudit() (at int64, id string, ok bool, err error) {
	parts, err := p.AfterKey(2)
	if parts == nil || err != nil {
		return 0, "", false, err
	}
	if at, err = strconv.ParseInt(parts[0], 10, 64); err != nil {
		return 0, "", false, Errorf(EINVALID, "after", "malformed cursor %q", p.After)
	}
	return at, parts[1], true, nil
}

// PageInfo follows the Relay connection specification.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	EndCursor       string
	StartCursor     string
}

// Page is a page of items in a store's order, each with its cursor: an
// opaque keyset cursor holding the item's sort key.
type Page[T any] struct {
	Items      []T
	Cursors    []string
	TotalCount int
	PageInfo   PageInfo
}

// NewPage returns the page of the first size items of fetched, which a
// keyset query asked for size+1 of (one more says there is a next page), of
// total items in all, after the cursor after; key gives an item's sort
// key. A cursor given says there is a previous page (Relay allows this
// approximation: the cursor's own item may since have gone).
func NewPage[T any](fetched []T, size, total int, after string, key func(T) []string) *Page[T] {
	p := &Page[T]{Items: fetched, TotalCount: total}
	p.PageInfo.HasPreviousPage = after != ""
	if len(fetched) > size {
		p.Items, p.PageInfo.HasNextPage = fetched[:size], true
	}
	p.Cursors = make([]string, len(p.Items))
	for i, v := range p.Items {
		b, _ := json.Marshal(key(v)) // strings: never fails
		p.Cursors[i] = base64.RawURLEncoding.EncodeToString(b)
	}
	if len(p.Cursors) > 0 {
		p.PageInfo.StartCursor, p.PageInfo.EndCursor = p.Cursors[0], p.Cursors[len(p.Cursors)-1]
	}
	return p
}

// NewPages returns, for each owner ID, the page NewPage makes of the items
// found for it (size+1 at most each) out of its total: the pages of many
// owners read in one call.
func NewPages[T any](ids []string, found map[string][]T, totals map[string]int, size int, after string, key func(T) []string) []*Page[T] {
	out := make([]*Page[T], len(ids))
	for i, id := range ids {
		out[i] = NewPage(found[id], size, totals[id], after, key)
	}
	return out
}

// Sort keys of the stores' page orders: actors and programmes by name then
// ID, links by key, audit entries newest first by time then ID.
func ActorKey(a *Actor) []string         { return []string{a.Name, a.ID} }
func ProgrammeKey(p *Programme) []string { return []string{p.Name, p.ID} }
func LinkKey(l *Link) []string           { return []string{l.Key} }
func AuditKey(e *AuditEntry) []string {
	return []string{strconv.FormatInt(UnixNanos(e.At), 10), e.ID}
}

// UnixNanos is how stores keep a time: Unix nanoseconds, 0 for the zero
// time, so times sort as numbers and round-trip exactly.
func UnixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// FromUnixNanos is the time UnixNanos gave n for, in UTC.
func FromUnixNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// InOrder returns, for each of ids, the item of found with that ID, or nil:
// batch reads answer in the caller's order.
func InOrder[T any](ids []string, found []*T, id func(*T) string) []*T {
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
