// Package graph is partnergraph's domain: the actors, programmes and links of a
// partnership network, the Store interface every backend implements, and the
// error codes callers can tell apart. It imports the standard library only,
// and golang.org/x/text/unicode/norm for the one form keys are kept in.
package graph

import (
	"encoding/base64"
	"fmt"

	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind names what a global ID refers to.
type Kind string

const (
	KindActor        Kind = "Actor" // the kind in IDs of persons and organisations
	KindPerson       Kind = "Person"
	KindOrganisation Kind = "Organisation"
	KindProgramme    Kind = "Programme"
	KindLink         Kind = "Link"
)

// NewID returns the opaque global ID of the entity of kind k with key key.
// IDs are derived from the immutable key, so every backend, export and
// re-import gives an entity the same ID. Persons and organisations share one
// key space, so an actor's ID does not depend on its kind. The key is taken
// in NFC (see NormKey), so "café" typed as e + U+0301 names the same entity.
func NewID(k Kind, key string) string {
	if k == KindPerson || k == KindOrganisation {
		k = KindActor
	}
	return base64.RawURLEncoding.EncodeToString([]byte(string(k) + ":" + NormKey(key)))
}

// NormKey returns key in Unicode normalisation form C. Keys are compared as
// bytes, and "é" may arrive precomposed (U+00E9) or as e + U+0301 (macOS
// file names, some spreadsheets): both must be one key, or look-alike keys
// name different entities. Normalising here, where every key becomes an ID
// (NewID) or is validated (Validate), covers every adapter — GraphQL
// mutations and lookups, imports, the CLI — without each having to remember.
func NormKey(key string) string { return norm.NFC.String(key) }

// ParseID splits a global ID into its kind (KindActor, KindProgramme or
// KindLink) and key. Returns EINVALID if id is not one this service issued.
func ParseID(id string) (Kind, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err == nil {
		kind, key, ok := strings.Cut(string(b), ":")
		switch k := Kind(kind); k {
		case KindActor, KindProgramme, KindLink:
			if ok && key != "" {
				return k, key, nil
			}
		}
	}
	return "", "", Errorf(EINVALID, "id", "malformed id %q", id)
}

// RefID returns the global ID a client means by ref, which may be a global
// ID or the key of an entity of kind k: brokers and spreadsheets know keys,
// not IDs. A ref that is one of our IDs is returned as it is (of whatever
// kind, so that the caller's lookup reports it), anything else is taken as
// a key. "" stays "". A key cannot be mistaken for an ID by accident: an ID
// decodes to "Actor:", "Programme:" or "Link:" and a key.
func RefID(k Kind, ref string) string {
	if ref == "" {
		return ""
	}
	if _, _, err := ParseID(ref); err == nil {
		return ref
	}
	return NewID(k, ref)
}

// Describe names an ID in messages: by the key it carries ("key \"hope\""),
// or as given if it is not one of ours.
func Describe(id string) string {
	if _, key, err := ParseID(id); err == nil {
		return fmt.Sprintf("key %q", key)
	}
	return fmt.Sprintf("id %q", id)
}

// KeyOf returns the key an ID carries, or the ID if it is not one of ours.
func KeyOf(id string) string {
	if _, key, err := ParseID(id); err == nil {
		return key
	}
	return id
}

// Date is a calendar day (ISO 8601 YYYY-MM-DD) without a time zone.
// The zero Date means "open-ended" where an interval bound is optional.
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

// ParseDate parses YYYY-MM-DD. Returns EINVALID naming field on a bad value.
func ParseDate(field, s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, Errorf(EINVALID, field, "%s: %q is not a date (YYYY-MM-DD)", field, s)
	}
	return Date{t}, nil
}

// MustDate parses s and panics on error; for literals in seeds and tests.
func MustDate(s string) Date {
	d, err := ParseDate("date", s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool       { return d.t.IsZero() }
func (d Date) Time() time.Time    { return d.t }
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }
func (d Date) Equal(e Date) bool  { return d.t.Equal(e.t) }
func (d Date) Year() int          { return d.t.Year() }
func DateOf(t time.Time) Date {
	return Date{time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}
func (d Date) AddYears(n int) Date          { return Date{d.t.AddDate(n, 0, 0)} }
func (d Date) AddDays(n int) Date           { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate("date", string(b))
	*d = v
	return err
}

// Interval is a validity interval; a zero bound is open-ended.
type Interval struct {
	From Date `json:"from,omitzero"`
	To   Date `json:"to,omitzero"`
}

// Overlaps reports whether i and w share at least one day (bounds inclusive).
func (i Interval) Overlaps(w Interval) bool {
	if !i.To.IsZero() && !w.From.IsZero() && i.To.Before(w.From) {
		return false
	}
	if !w.To.IsZero() && !i.From.IsZero() && w.To.Before(i.From) {
		return false
	}
	return true
}

func (i Interval) validate(fromField, toField string) error {
	if !i.From.IsZero() && !i.To.IsZero() && i.To.Before(i.From) {
		return Errorf(EINVALID, toField, "%s (%s) is before %s (%s)", toField, i.To, fromField, i.From)
	}
	return nil
}

// checkKey validates an external key: non-empty, no surrounding space, no
// control characters, and no invisible formatting characters — zero-width
// spaces and joiners, bidirectional overrides and isolates, the BOM (Unicode
// category Cf) — with which two keys that look alike could differ.
func checkKey(key string) error {
	switch {
	case key == "":
		return Errorf(EINVALID, "key", "key is required")
	case strings.TrimSpace(key) != key:
		return Errorf(EINVALID, "key", "key %q has leading or trailing space", key)
	case len(key) > 200:
		return Errorf(EINVALID, "key", "key is longer than 200 characters")
	case strings.ContainsFunc(key, unicode.IsControl):
		return Errorf(EINVALID, "key", "key %q contains control characters", key)
	case strings.ContainsFunc(key, func(r rune) bool { return unicode.Is(unicode.Cf, r) }):
		return Errorf(EINVALID, "key", "key %+q contains invisible or bidirectional formatting characters", key)
	}
	return nil
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(EINVALID, "name", "name is required")
	}
	if len(name) > 500 {
		return Errorf(EINVALID, "name", "name is longer than 500 characters")
	}
	return nil
}

func quoteList[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func oneOf[T ~string](field string, v T, valid []T) error {
	for _, x := range valid {
		if v == x {
			return nil
		}
	}
	return Errorf(EINVALID, field, "%s %q is not one of: %s", field, v, quoteList(valid))
}
