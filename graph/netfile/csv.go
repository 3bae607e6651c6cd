package netfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// CSV tables. An actors table has a key column; a links table has source
// and target columns. Headers are matched without case, spaces or hyphens
// ("Brokered By" is brokered_by), after the Mapping; columns that are not
// fields are kept as attributes. The separator is a comma, a semicolon or
// a tab, whichever the header line has most of (spreadsheets in many
// locales write semicolons); a UTF-8 byte order mark is ignored.
//
//	actors: key, kind, name, type, sector, region, description, title, roles,
//	        email, phone, parent, evidence (or evidence_source), evidence_quote, evidence_note
//	links:  key, source, target, type, weight, directed, from, to, programme,
//	        brokered_by, evidence (or evidence_source), evidence_quote, evidence_note
const (
	csvActors = "actors"
	csvLinks  = "links"
)

// csvRow is one data row of a CSV table.
type csvRow struct {
	line  int
	table string // csvActors or csvLinks
	item  graph.Item
}

// readCSV streams the rows of a CSV table to fn as items. Keys are
// prefixed with prefix. A row's error (a bad number, kind or date) is
// passed to fn as err, so the caller can go on and report more.
func readCSV(name string, r io.Reader, m Mapping, prefix string, directed bool, fn func(row csvRow, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	cr := csv.NewReader(br)
	cr.Comma = sniffSeparator(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return lineError(name, 1, "empty file: want a header line")
	}
	if err != nil {
		return csvError(name, err)
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	table, err := csvTable(m, header)
	if err != nil {
		return lineError(name, 1, "%v", err)
	}
	known := actorFields
	if table == csvLinks {
		known = linkFields
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		row := csvRow{line: line, table: table}
		var rowErr error
		if len(rec) > len(header) {
			rowErr = fmt.Errorf("%d fields, but the header has %d", len(rec), len(header))
		} else if n, err := m.split(known, header, rec); err != nil {
			rowErr = err
		} else if table == csvActors {
			var a *graph.Actor
			a, rowErr = actorOf(n, "", prefix)
			row.item = graph.Item{Actor: a}
		} else {
			var l *graph.Link
			l, rowErr = linkOf(n, "", "", directed, prefix)
			row.item = graph.Item{Link: l}
		}
		if err := fn(row, rowErr); err != nil {
			return err
		}
	}
}

// csvTable tells an actors table from a links table by its header.
func csvTable(m Mapping, header []string) (string, error) {
	has := map[string]bool{}
	for _, h := range header {
		field, _, _ := m.target(slices.Concat(actorFields, linkFields), h)
		if field != "" && has[field] {
			return "", fmt.Errorf("two columns give %s", field)
		}
		has[field] = true
	}
	switch {
	case has[fieldSource] && has[fieldTarget]:
		return csvLinks, nil
	case has[fieldKey]:
		return csvActors, nil
	}
	return "", fmt.Errorf("the header has neither key (an actors table: key, kind, name, type, sector, …) " +
		"nor source and target (a links table: source, target, type, weight, …); rename columns with a mapping")
}

// sniffSeparator picks the separator the header line has most of.
func sniffSeparator(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if k := bytes.Count(head, []byte(string(c))); k > n {
			best, n = c, k
		}
	}
	return best
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return lineError(name, pe.Line, "%v", pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
