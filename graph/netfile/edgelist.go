package netfile

import (
	"bufio"
	"io"
	"strings"
)

// ReadEdgeList streams a whitespace-separated edge list in SNAP's format:
// one edge per line as "source target" or "source target weight", blank
// lines and lines starting with '#' (or '%', as KONECT writes) ignored.
// Node ids are kept as strings. fn gets a NodeElement the first time an id
// appears, then the EdgeElement; it stops at the first error fn returns and
// returns it prefixed with "name:line: ". Malformed lines are graph.EINVALID
// errors reading "name:line: …". Edge lists do not say whether edges are
// directed: Element.Directed is false and the caller decides.
func ReadEdgeList(name string, r io.Reader, fn func(Element) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	seen := map[string]struct{}{}
	node := func(id string, line int) error {
		if _, ok := seen[id]; ok {
			return nil
		}
		seen[id] = struct{}{}
		return fn(Element{Kind: NodeElement, Line: line, ID: id})
	}
	var fields []string
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || text[0] == '%' {
			continue
		}
		fields = appendFields(fields[:0], text)
		if len(fields) != 2 && len(fields) != 3 {
			return lineError(name, line, "want \"source target [weight]\", got %d fields", len(fields))
		}
		e := Element{Kind: EdgeElement, Line: line, Source: fields[0], Target: fields[1], Weight: 1}
		if len(fields) == 3 {
			w, err := parseWeight(fields[2])
			if err != nil {
				return lineError(name, line, "%v", err)
			}
			e.Weight, e.HasWeight = w, true
		}
		for _, id := range fields[:2] {
			if err := node(id, line); err != nil {
				return atLine(name, line, err)
			}
		}
		if err := fn(e); err != nil {
			return atLine(name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return lineError(name, line+1, "%v", err)
	}
	return nil
}

// appendFields appends s's whitespace-separated fields to dst, like
// strings.Fields without allocating a new slice per line.
func appendFields(dst []string, s string) []string {
	for {
		s = strings.TrimLeft(s, " \t\r\v\f")
		if s == "" {
			return dst
		}
		i := strings.IndexAny(s, " \t\r\v\f")
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i:]
	}
}
