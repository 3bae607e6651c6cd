package neo4j

import (
	"strings"
	"unicode"

	"github.com/partnergraph/partnergraph/graph"
	"golang.org/x/text/unicode/norm"
)

// props is the property map of a node or relationship. Empty values are left
// out, so `SET x = $props` removes them and reads give back zero values.
type props map[string]any

func (p props) str(k, v string) {
	if v != "" {
		p[k] = v
	}
}

func (p props) list(k string, v []string) {
	if len(v) > 0 {
		p[k] = v
	}
}

func (p props) date(k string, d graph.Date) {
	p.str(k, d.String())
}

func (p props) evidence(e graph.Evidence) {
	p.str("evidenceSource", e.Source)
	p.str("evidenceQuote", e.Quote)
	p.str("evidenceNote", e.Note)
}

// propMap returns the Cypher map literal {k: src.k, …} for constant keys.
func propMap(src string, keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + src + "." + k
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func getStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// getList reads a list property; an absent or empty list reads as nil.
func getList(m map[string]any, k string) []string {
	vs, _ := m[k].([]any)
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i], _ = v.(string)
	}
	return out
}

// getDate reads a YYYY-MM-DD property this package wrote.
func getDate(m map[string]any, k string) graph.Date {
	d, _ := graph.ParseDate(k, getStr(m, k))
	return d
}

func getEvidence(m map[string]any) graph.Evidence {
	return graph.Evidence{Source: getStr(m, "evidenceSource"), Quote: getStr(m, "evidenceQuote"), Note: getStr(m, "evidenceNote")}
}

// nilIfEmpty makes empty lists nil, as they read back.
func nilIfEmpty(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	return v
}

// words splits text into the words name search matches: lower case, accents
// removed, split at anything that is not a letter or a digit. (The SQLite
// store's FTS5 tokenizer, unicode61 with remove_diacritics, splits the same
// way.)
func words(text string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// searchText is the indexed form of a name: its words separated by spaces,
// which the whitespace analyzer splits into exactly those words.
func searchText(name string) string {
	return strings.Join(words(name), " ")
}

// maxSearchWords bounds a Lucene query (its clause limit is 1024).
const maxSearchWords = 64

// searchQuery turns free text into a Lucene query in which every word must
// prefix-match a word of the name. Words hold only letters and digits, which
// are never Lucene syntax, and are lower case, so not the operators AND, OR,
// NOT. ok is false when text has no word at all: then nothing matches.
func searchQuery(text string) (q string, ok bool, err error) {
	ws := words(text)
	if len(ws) == 0 {
		return "", false, nil
	}
	// A word that prefixes another word of the query adds nothing.
	var keep []string
	for i, w := range ws {
		redundant := false
		for j, o := range ws {
			if i != j && strings.HasPrefix(o, w) && (o != w || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			keep = append(keep, "+"+w+"*")
		}
	}
	if len(keep) > maxSearchWords {
		return "", false, graph.Errorf(graph.EINVALID, "search", "search has more than %d words", maxSearchWords)
	}
	return strings.Join(keep, " "), true, nil
}
