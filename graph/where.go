package graph

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entity names what a Where or an Order applies to.
type Entity string

const (
	EntityActor     Entity = "actor"
	EntityProgramme Entity = "programme"
	EntityLink      Entity = "link"
)

// Op is a comparison of a Where condition.
type Op string

const (
	OpEq  Op = "eq"
	OpIn  Op = "in"
	OpLt  Op = "lt"
	OpLte Op = "lte"
	OpGt  Op = "gt"
	OpGte Op = "gte"
	// Contains and StartsWith compare case-insensitively: both sides are
	// folded by Fold (the stores fold the stored side the same way).
	OpContains   Op = "contains"
	OpStartsWith Op = "startsWith"
)

// WhereField is a property a Where condition compares. Its name is the
// GraphQL input field's.
type WhereField string

const (
	WhereName      WhereField = "name"
	WhereKey       WhereField = "key"
	WhereKind      WhereField = "kind"
	WhereType      WhereField = "type" // an organisation's or a link's type
	WhereSector    WhereField = "sector"
	WhereRegion    WhereField = "region"
	WhereParent    WhereField = "parentId"
	WhereStart     WhereField = "start" // a programme's
	WhereEnd       WhereField = "end"
	WhereFrom      WhereField = "from" // a link's
	WhereTo        WhereField = "to"
	WhereWeight    WhereField = "weight"
	WhereProgramme WhereField = "programmeId"
	WhereBroker    WhereField = "brokeredById"
)

// fieldKind says which comparisons a field takes and what its values are.
type fieldKind int

const (
	textField   fieldKind = iota // eq, in, contains, startsWith on strings
	exactField                   // eq, in on strings (keys of enums, IDs)
	dateField                    // eq, lt, lte, gt, gte on YYYY-MM-DD strings; a missing date matches none of them
	numberField                  // eq, lt, lte, gt, gte on float64
)

var whereFields = map[Entity]map[WhereField]fieldKind{
	EntityActor: {WhereName: textField, WhereKey: textField, WhereKind: exactField, WhereType: exactField,
		WhereSector: textField, WhereRegion: textField, WhereParent: exactField},
	EntityProgramme: {WhereName: textField, WhereKey: textField, WhereStart: dateField, WhereEnd: dateField},
	EntityLink: {WhereKey: textField, WhereType: exactField, WhereFrom: dateField, WhereTo: dateField,
		WhereWeight: numberField, WhereProgramme: exactField, WhereBroker: exactField},
}

// IsDate reports whether f holds dates (stored as "" when missing).
func (f WhereField) IsDate() bool {
	return f == WhereStart || f == WhereEnd || f == WhereFrom || f == WhereTo
}

// Where is a condition on actors, programmes or links, pushed down to the
// store's query language: every part present must hold (And), at least
// one of Or must, Not must not. An empty Where matches everything.
type Where struct {
	And   []*Where
	Or    []*Where
	Not   *Where
	Conds []Cond
	// Active keeps programmes and links whose dates overlap the window
	// (bounds inclusive, open ends overlap everything).
	Active Interval
	// LinksSome keeps actors with at least one link that matches it.
	LinksSome *LinksSome
	// Source and Target are conditions on a link's ends.
	Source, Target *Where
}

// LinksSome holds for an actor with a link matching Link whose other end
// matches Other (either may be nil). Links count whichever their direction.
type LinksSome struct {
	Link  *Where
	Other *Where
}

// Cond compares a field: Values holds one value, or the list of OpIn.
// Text and date values are strings, numbers float64.
type Cond struct {
	Field  WhereField
	Op     Op
	Values []any
}

// Arg returns the value of a one-value condition as the store compares
// it: folded for the case-insensitive comparisons.
func (c Cond) Arg() any {
	if s, ok := c.Values[0].(string); ok && (c.Op == OpContains || c.Op == OpStartsWith) {
		return Fold(s)
	}
	return c.Values[0]
}

// Bounds on a Where, so that one request cannot build a query of any size.
const (
	MaxWhereDepth  = 6
	MaxWhereConds  = 64
	MaxWhereValues = 1000
)

// CheckWhere returns EINVALID naming the field path at fault
// ("where.OR[1].name.startsWith") unless w is a valid condition on e
// within the bounds. Stores call it first; nil is valid.
func CheckWhere(e Entity, w *Where) error {
	c := whereCheck{}
	return c.check(e, w, "where", 1)
}

type whereCheck struct{ conds, values int }

func (c *whereCheck) check(e Entity, w *Where, path string, depth int) error {
	if w == nil {
		return nil
	}
	if depth > MaxWhereDepth {
		return Errorf(EINVALID, path, "%s: conditions nest at most %d deep", path, MaxWhereDepth)
	}
	for _, part := range []struct {
		name string
		ws   []*Where
	}{{"AND", w.And}, {"OR", w.Or}} {
		for i, sub := range part.ws {
			if err := c.check(e, sub, fmt.Sprintf("%s.%s[%d]", path, part.name, i), depth+1); err != nil {
				return err
			}
		}
	}
	if err := c.check(e, w.Not, path+".NOT", depth+1); err != nil {
		return err
	}
	for _, cond := range w.Conds {
		if err := c.cond(e, cond, path+"."+string(cond.Field)+"."+string(cond.Op)); err != nil {
			return err
		}
	}
	if err := c.active(e, w.Active, path); err != nil {
		return err
	}
	return c.relations(e, w, path, depth)
}

// relations checks the conditions on related entities.
func (c *whereCheck) relations(e Entity, w *Where, path string, depth int) error {
	if w.LinksSome != nil {
		if e != EntityActor {
			return Errorf(EINVALID, path+".linksSome", "%s.linksSome: only actors have links to match", path)
		}
		if err := c.count(path+".linksSome", 1, 0); err != nil {
			return err
		}
		l := w.LinksSome.Link
		if l != nil && (l.Source != nil || l.Target != nil) {
			return Errorf(EINVALID, path+".linksSome", "%s.linksSome: use other for the link's other end", path)
		}
		if err := c.check(EntityLink, l, path+".linksSome", depth+1); err != nil {
			return err
		}
		if err := c.check(EntityActor, w.LinksSome.Other, path+".linksSome.other", depth+1); err != nil {
			return err
		}
	}
	for _, end := range []struct {
		name string
		w    *Where
	}{{"source", w.Source}, {"target", w.Target}} {
		if end.w == nil {
			continue
		}
		if e != EntityLink {
			return Errorf(EINVALID, path+"."+end.name, "%s.%s: only links have ends", path, end.name)
		}
		if err := c.check(EntityActor, end.w, path+"."+end.name, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (c *whereCheck) active(e Entity, a Interval, path string) error {
	if a.From.IsZero() && a.To.IsZero() {
		return nil
	}
	if e == EntityActor {
		return Errorf(EINVALID, path+".activeFrom", "%s.activeFrom: actors have no dates", path)
	}
	if err := c.count(path+".activeFrom", 1, 0); err != nil {
		return err
	}
	return a.validate(path+".activeFrom", path+".activeTo")
}

func (c *whereCheck) count(path string, conds, values int) error {
	c.conds += conds
	c.values += values
	switch {
	case c.conds > MaxWhereConds:
		return Errorf(EINVALID, path, "%s: a where may hold at most %d conditions", path, MaxWhereConds)
	case c.values > MaxWhereValues:
		return Errorf(EINVALID, path, "%s: a where may hold at most %d values", path, MaxWhereValues)
	}
	return nil
}

func (c *whereCheck) cond(e Entity, cond Cond, path string) error {
	kind, ok := whereFields[e][cond.Field]
	if !ok {
		return Errorf(EINVALID, path, "%s: a %s has no field %q to compare", path, e, cond.Field)
	}
	if !opAllowed(kind, cond.Op) {
		return Errorf(EINVALID, path, "%s: %s cannot be compared with %s", path, cond.Field, cond.Op)
	}
	if len(cond.Values) == 0 && cond.Op == OpIn {
		return Errorf(EINVALID, path, "%s: in needs at least one value", path)
	}
	if len(cond.Values) != 1 && cond.Op != OpIn {
		return Errorf(EINVALID, path, "%s: %s takes one value", path, cond.Op)
	}
	if err := c.count(path, 1, len(cond.Values)); err != nil {
		return err
	}
	for _, v := range cond.Values {
		if err := checkValue(kind, v, path); err != nil {
			return err
		}
	}
	return nil
}

func opAllowed(k fieldKind, op Op) bool {
	switch op {
	case OpEq:
		return true
	case OpIn:
		return k == textField || k == exactField
	case OpContains, OpStartsWith:
		return k == textField
	case OpLt, OpLte, OpGt, OpGte:
		return k == dateField || k == numberField
	}
	return false
}

func checkValue(k fieldKind, v any, path string) error {
	switch v := v.(type) {
	case string:
		if k == numberField {
			break
		}
		if len(v) > MaxSearchBytes {
			return Errorf(EINVALID, path, "%s: a value may have at most %d bytes", path, MaxSearchBytes)
		}
		if k == dateField {
			_, err := ParseDate(path, v)
			return err
		}
		return nil
	case float64:
		if k == numberField {
			return nil
		}
	}
	return Errorf(EINVALID, path, "%s: a value of the wrong type", path)
}

// Fold is the case folding of case-insensitive comparisons: Java's
// String.toLowerCase (Locale.ROOT) as Neo4j's toLower applies it, so the
// embedded store, which folds with this function, answers alike. It is
// Unicode's lower-case mapping of each character, with the two context
// rules Java follows: capital sigma at the end of a word becomes final
// sigma (ς), and İ (U+0130) becomes i and a combining dot above.
func Fold(s string) string {
	if isLowerASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == 'Σ' && finalSigma(s, i):
			b.WriteRune('ς')
		case r == 'İ':
			b.WriteString("i\u0307")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// finalSigma applies Unicode's Final_Sigma context to the Σ at byte i of
// s: a cased letter before it and none after it, skipping case-ignorable
// characters (marks, apostrophes) both ways. Java looks for the letters
// within the word instead; the two agree on names' usual spellings
// (the contract suite checks "ΣΟΦΙΑΣ Academy" on both stores).
func finalSigma(s string, i int) bool {
	before := false
	for j := i; j > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if !caseIgnorable(r) {
			before = cased(r)
			break
		}
	}
	if !before {
		return false
	}
	for _, r := range s[i+len("Σ"):] {
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
}

func caseIgnorable(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) ||
		r == '\'' || r == '.' || r == ':' || r == '·' || r == '\u2019'
}
