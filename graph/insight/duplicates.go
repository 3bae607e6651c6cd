package insight

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/snapshot"
)

// DuplicateReasonKind says why two actors may be one.
type DuplicateReasonKind string

const (
	ReasonSameName         DuplicateReasonKind = "SAME_NAME"         // the same name once normalised
	ReasonAlias            DuplicateReasonKind = "ALIAS"             // one's name or alias is the other's alias
	ReasonAcronym          DuplicateReasonKind = "ACRONYM"           // one's name is the initials of the other's ("LHU")
	ReasonPrefix           DuplicateReasonKind = "PREFIX"            // one's name begins the other's ("Liverpool Hope …")
	ReasonNameTokens       DuplicateReasonKind = "NAME_TOKENS"       // most words of the names are shared
	ReasonSharedNeighbours DuplicateReasonKind = "SHARED_NEIGHBOURS" // Jaccard of their neighbours
)

// DuplicateReason is one reason with its strength in [0, 1].
type DuplicateReason struct {
	Kind   DuplicateReasonKind
	Detail string
	Score  float64
}

// DuplicateCandidate is a pair of actors of one kind that may be one
// actor recorded twice; A's key sorts before B's.
type DuplicateCandidate struct {
	A, B    *graph.Actor
	Score   float64
	Reasons []DuplicateReason
}

// Limits of DuplicateCandidates.
const (
	MaxDuplicateCandidates = 200
	// maxBlock is the most actors one blocking word may gather: a word
	// shared by more ("university", "school") says nothing about
	// duplicates, and skipping it keeps the pairs compared below
	// maxBlock² per word, never n².
	maxBlock = 50
	// minNameScore is the name similarity a pair needs to be suggested:
	// shared neighbours alone are common between distinct partners.
	minNameScore = 0.5
	// nameWeight and the neighbours' 1-nameWeight combine the two signals.
	nameWeight = 0.8
)

// duplicatesKey memoises every candidate of a snapshot, ranked.
type duplicatesKey struct{}

// DuplicateCandidates returns the first likely duplicate pairs of s's
// actors (of kind, if not empty), best first: score descending, then A's
// and B's keys. A pair's name score is the strongest of its name reasons
// (same name 1, alias 0.95, acronym 0.85, prefix 0.8, else the Jaccard
// index of the names' word sets); its score is 0.8 × name + 0.2 × the
// Jaccard index of the two actors' neighbour sets (each other left out).
// Pairs are only compared within blocks sharing a word or initials, so
// the work grows with the actors, not their square.
func DuplicateCandidates(ctx context.Context, s *snapshot.Snapshot, kind graph.Kind, first int) ([]DuplicateCandidate, error) {
	if err := checkRange("first", first, 1, MaxDuplicateCandidates); err != nil {
		return nil, err
	}
	all, err := snapshot.Memo(ctx, s, duplicatesKey{}, func(ctx context.Context) ([]DuplicateCandidate, error) {
		return duplicates(ctx, s)
	})
	if err != nil {
		return nil, err
	}
	var out []DuplicateCandidate
	for _, c := range all {
		if len(out) == first {
			break
		}
		if kind == "" || c.A.Kind == kind {
			out = append(out, c)
		}
	}
	return out, nil
}

// nameVariants holds an actor's normalised name variants: its name first, then
// its aliases, each as words.
type nameVariants struct{ variants [][]string }

func duplicates(ctx context.Context, s *snapshot.Snapshot) ([]DuplicateCandidate, error) {
	n := len(s.Actors)
	all := make([]nameVariants, n)
	blocks := map[string][]int32{}
	for v, a := range s.Actors {
		for i, name := range append([]string{a.Name}, a.Aliases...) {
			w := nameWords(name)
			if len(w) == 0 {
				continue
			}
			all[v].variants = append(all[v].variants, w)
			keys := append([]string{"i:" + initials(w)}, prefixed("w:", w)...)
			if i == 0 && len(w) == 1 {
				keys = append(keys, "i:"+w[0]) // "LHU" meets Liverpool Hope University's initials
			}
			for _, k := range keys {
				if b := blocks[k]; len(b) == 0 || b[len(b)-1] != int32(v) {
					blocks[k] = append(b, int32(v))
				}
			}
		}
	}
	seen := map[[2]int32]bool{}
	var out []DuplicateCandidate
	for _, k := range slices.Sorted(maps.Keys(blocks)) {
		b := blocks[k]
		if len(b) > maxBlock || len(b) < 2 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i, x := range b {
			for _, y := range b[i+1:] {
				p := [2]int32{min(x, y), max(x, y)}
				if seen[p] || x == y || s.Actors[x].Kind != s.Actors[y].Kind {
					continue
				}
				seen[p] = true
				if c, ok := duplicatePair(s, all, p[0], p[1]); ok {
					out = append(out, c)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b DuplicateCandidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.A.Key, b.A.Key), cmp.Compare(a.B.Key, b.B.Key))
	})
	return out, nil
}

// duplicatePair scores the pair x, y; ok is false below minNameScore.
func duplicatePair(s *snapshot.Snapshot, all []nameVariants, x, y int32) (DuplicateCandidate, bool) {
	a, b := s.Actors[x], s.Actors[y]
	if a.Key > b.Key {
		a, b, x, y = b, a, y, x
	}
	reason := nameReason(all[x], all[y], a, b)
	if reason.Score < minNameScore {
		return DuplicateCandidate{}, false
	}
	c := DuplicateCandidate{A: a, B: b, Reasons: []DuplicateReason{reason}}
	shared, union := neighbourOverlap(s, x, y)
	jac := 0.0
	if union > 0 {
		jac = float64(shared) / float64(union)
		c.Reasons = append(c.Reasons, DuplicateReason{ReasonSharedNeighbours,
			fmt.Sprintf("%d of %d neighbours shared", shared, union), jac})
	}
	c.Score = nameWeight*reason.Score + (1-nameWeight)*jac
	return c, true
}

// nameReason returns the strongest name reason between the variants of
// two actors (their names first, then aliases).
func nameReason(x, y nameVariants, a, b *graph.Actor) DuplicateReason {
	best := DuplicateReason{Kind: ReasonNameTokens}
	consider := func(r DuplicateReason) {
		if r.Score > best.Score {
			best = r
		}
	}
	for i, u := range x.variants {
		for j, w := range y.variants {
			us, ws := strings.Join(u, " "), strings.Join(w, " ")
			switch {
			case us == ws && i == 0 && j == 0:
				consider(DuplicateReason{ReasonSameName, fmt.Sprintf("both are named %q", a.Name), 1})
			case us == ws:
				consider(DuplicateReason{ReasonAlias, fmt.Sprintf("%q names both", us), 0.95})
			case len(u) == 1 && len(w) > 1 && u[0] == initials(w), len(w) == 1 && len(u) > 1 && w[0] == initials(u):
				consider(DuplicateReason{ReasonAcronym, fmt.Sprintf("%q are the initials of %q", shorter(us, ws), longer(us, ws)), 0.85})
			case hasPrefix(u, w) || hasPrefix(w, u):
				consider(DuplicateReason{ReasonPrefix, fmt.Sprintf("%q begins %q", shorter(us, ws), longer(us, ws)), 0.8})
			default:
				if sh, un := wordOverlap(u, w); un > 0 {
					consider(DuplicateReason{ReasonNameTokens, fmt.Sprintf("%d of %d words shared", sh, un), float64(sh) / float64(un)})
				}
			}
		}
	}
	return best
}

// stopWords carry no identity in an organisation's name.
var stopWords = map[string]bool{"the": true, "of": true, "and": true, "for": true, "in": true, "at": true, "a": true}

// nameWords returns name lowercased, split into words of letters and
// digits, stop words dropped (apostrophes join: "Mary's" is "marys").
func nameWords(name string) []string {
	name = strings.ToLower(strings.NewReplacer("'", "", "’", "", "&", " and ").Replace(name))
	var out []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

func initials(words []string) string {
	var b strings.Builder
	for _, w := range words {
		r := []rune(w)
		b.WriteRune(r[0])
	}
	return b.String()
}

func prefixed(p string, ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = p + w
	}
	return out
}

// hasPrefix reports whether the words p begin the longer words w.
func hasPrefix(p, w []string) bool { return len(p) < len(w) && slices.Equal(p, w[:len(p)]) }

func wordOverlap(u, w []string) (shared, union int) {
	set := map[string]bool{}
	for _, x := range u {
		set[x] = true
	}
	in := map[string]bool{}
	for _, x := range w {
		if set[x] && !in[x] {
			shared++
		}
		in[x] = true
	}
	for x := range in {
		set[x] = true
	}
	return shared, len(set)
}

// neighbourOverlap counts the neighbours (either direction) x and y share
// and their union, leaving out x and y themselves.
func neighbourOverlap(s *snapshot.Snapshot, x, y int32) (shared, union int) {
	nx, ny := neighbours(s, x, y), neighbours(s, y, x)
	i, j := 0, 0
	for i < len(nx) && j < len(ny) {
		switch {
		case nx[i] == ny[j]:
			shared++
			i++
			j++
		case nx[i] < ny[j]:
			i++
		default:
			j++
		}
	}
	return shared, len(nx) + len(ny) - shared
}

// neighbours returns v's neighbours but skip, sorted, without repeats.
func neighbours(s *snapshot.Snapshot, v, skip int32) []int32 {
	out, _ := s.G.Out(v)
	in, _ := s.G.In(v)
	all := slices.Concat(out, in)
	slices.Sort(all)
	all = slices.Compact(all)
	return slices.DeleteFunc(all, func(u int32) bool { return u == skip })
}

func shorter(a, b string) string {
	if len(a) <= len(b) {
		return a
	}
	return b
}

func longer(a, b string) string {
	if len(a) > len(b) {
		return a
	}
	return b
}
