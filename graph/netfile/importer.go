package netfile

import (
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// Format is a network file format, chosen by a file's extension.
type Format string

const (
	FormatCSV      Format = "csv"      // .csv: an actors or a links table
	FormatJSON     Format = "json"     // .json: partnergraph's own Document
	FormatGraphML  Format = "graphml"  // .graphml
	FormatGEXF     Format = "gexf"     // .gexf (Gephi)
	FormatEdgeList Format = "edgelist" // .txt, .edgelist, .edges, .tsv: SNAP's whitespace edge lists
)

// FormatOf returns the format of the file called name (a .gz suffix is
// looked through). Returns EINVALID for an extension it does not know.
func FormatOf(name string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".gz" {
		ext = strings.ToLower(filepath.Ext(strings.TrimSuffix(name, filepath.Ext(name))))
	}
	switch ext {
	case ".csv":
		return FormatCSV, nil
	case ".json":
		return FormatJSON, nil
	case ".graphml":
		return FormatGraphML, nil
	case ".gexf":
		return FormatGEXF, nil
	case ".txt", ".edgelist", ".edges", ".tsv":
		return FormatEdgeList, nil
	}
	return "", graph.Errorf(graph.EINVALID, "", "%s: unknown format %q (want .csv, .json, .graphml, .gexf, or .txt/.edgelist for an edge list)", name, ext)
}

// Source is a file to import. Open is called once per pass over it (an
// import reads its files twice, and may read them again to place an error).
type Source struct {
	Name string // for messages; its extension gives the format
	Open func() (io.ReadCloser, error)
}

// FileSource is the Source of the file at path.
func FileSource(path string) Source {
	return Source{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// ImportOptions configure Import.
type ImportOptions struct {
	DryRun bool // check and count, then roll back
	// Directed makes edge-list lines, and CSV links without a directed
	// column, directed links (from the first node to the second).
	Directed bool
	Mapping  Mapping
	// KeyPrefix is put before every key the files give (actors, links,
	// programmes, and references to them), to keep networks whose nodes
	// are numbered 1, 2, 3… apart in one store.
	KeyPrefix string
	MaxErrors int // errors reported before the check stops (default 20)
	// MaxBytes bounds each file's decompressed size (DefaultMaxBytes if 0),
	// MaxRows the rows of all files together (DefaultMaxRows if 0).
	MaxBytes int64
	MaxRows  int64
	Progress func(Progress) // called every few thousand rows, if set
}

// Progress reports how far an import has come: Phase PhaseCheck while
// every row is validated, then PhaseWrite while rows are written (Total is
// known then).
type Progress struct {
	Phase       string
	Rows, Total int64
	Done        bool // the phase has ended
}

const (
	PhaseCheck = "checking"
	PhaseWrite = "writing"
)

// ImportResult says what an import did.
type ImportResult struct {
	graph.ApplyResult
	Rows int64 // items read: actors, programmes, participations and links
	// SelfLoops counts edges of GraphML, GEXF and edge-list files that join
	// a node to itself, which the model has no place for: they are skipped
	// (in a CSV links table they are errors). SelfLoopsAt gives the first
	// few as file:line.
	SelfLoops   int
	SelfLoopsAt []string
	// The rows read of each kind, for a preview of what an import holds.
	Actors, Programmes, Participations, Links int64
}

// count adds a valid item to the counts of its kind.
func (r *ImportResult) count(it graph.Item) {
	switch {
	case it.Actor != nil:
		r.Actors++
	case it.Programme != nil:
		r.Programmes++
	case it.Participation != nil:
		r.Participations++
	case it.Link != nil:
		r.Links++
	}
}

// RowError is one bad row an import's check found.
type RowError struct {
	File    string `json:"file"`
	Line    int    `json:"line"` // 1-based
	Message string `json:"message"`
}

// CheckError is the EINVALID of an import whose check found bad rows: Err's
// message lists them as file:line: message, Rows gives them one by one (the
// first MaxErrors, in file and line order), for a page to show each beside
// its place.
type CheckError struct {
	Err  *graph.Error
	Rows []RowError
}

func (e *CheckError) Error() string { return e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// Import reads network files into st, all or nothing. A first pass reads
// and validates every row, holding only the keys it has seen: every error
// is reported as file:line: message (up to MaxErrors) and nothing is
// written. A second pass streams the rows into st.ApplyStream, one
// transaction for all the files, upserting by key, so importing the same
// files again changes nothing. Files are read in order, except that CSV
// actors tables come first and CSV links tables last; when a row refers to
// an entity a later row defines, the second pass writes every file's
// actors and programmes before any participation or link.
//
// Returns EINVALID listing the errors, or what the store returns.
func Import(ctx context.Context, st graph.Store, srcs []Source, opt ImportOptions) (*ImportResult, error) {
	imp, err := newImporter(ctx, st, srcs, opt)
	if err != nil {
		return nil, err
	}
	if err := imp.check(); err != nil {
		return nil, err
	}
	n := int64(0)
	res, err := st.ApplyStream(ctx, imp.stream(func() {
		if n++; n%progressEvery == 0 {
			imp.progress(Progress{Phase: PhaseWrite, Rows: n, Total: imp.res.Rows})
		}
	}), opt.DryRun)
	if err != nil {
		return nil, imp.place(err)
	}
	imp.progress(Progress{Phase: PhaseWrite, Rows: n, Total: imp.res.Rows, Done: true})
	imp.res.ApplyResult = *res
	return &imp.res, nil
}

const progressEvery = 2000

type importer struct {
	ctx  context.Context
	st   graph.Store
	opt  ImportOptions
	srcs []*source

	actors  map[string]actorDef // by ID: actors the files define
	progs   map[string]bool     // IDs of programmes the files define
	pending map[string]refUse   // references to entities not defined so far
	ordered bool                // no reference to an entity defined later
	errs    []rowError
	res     ImportResult
}

type source struct {
	Source
	format Format
	order  int // 0 CSV actors, 1 others, 2 CSV links
	conv   *converter
}

// actorDef is what the check keeps of an actor the files define.
type actorDef struct {
	kind      graph.Kind
	ifMissing bool
}

// refUse is the first use of a reference not yet resolved.
type refUse struct {
	src    *source
	line   int
	field  string
	parent bool // an organisation's parent, which may come later
}

type rowError struct {
	src  *source
	line int
	msg  string
}

var errTooMany = errors.New("too many errors")

func newImporter(ctx context.Context, st graph.Store, srcs []Source, opt ImportOptions) (*importer, error) {
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = 20
	}
	if opt.MaxRows <= 0 {
		opt.MaxRows = DefaultMaxRows
	}
	imp := &importer{ctx: ctx, st: st, opt: opt, actors: map[string]actorDef{}, progs: map[string]bool{},
		pending: map[string]refUse{}, ordered: true}
	for _, s := range srcs {
		f, err := FormatOf(s.Name)
		if err != nil {
			return nil, err
		}
		src := &source{Source: s, format: f, order: 1,
			conv: &converter{mapping: opt.Mapping, prefix: opt.KeyPrefix, edgeList: f == FormatEdgeList, positional: true}}
		if f == FormatCSV {
			if src.order, err = csvOrder(src, opt); err != nil {
				return nil, err
			}
		}
		imp.srcs = append(imp.srcs, src)
	}
	slices.SortStableFunc(imp.srcs, func(a, b *source) int { return cmp.Compare(a.order, b.order) })
	return imp, nil
}

// csvOrder reads a CSV file's header to place it: actors tables first.
func csvOrder(src *source, opt ImportOptions) (int, error) {
	order := 0
	err := src.read(opt, func(line int, it graph.Item, _ bool, _ error) error {
		if it.Link != nil {
			order = 2
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return 0, err
	}
	return order, nil
}

var errStop = errors.New("stop")

// open opens the file, decompressed if it is gzipped, and bounded (bound.go).
func (s *source) open(maxBytes int64) (io.ReadCloser, error) {
	rc, err := s.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	var r io.Reader = rc
	if strings.EqualFold(filepath.Ext(s.Name), ".gz") {
		if r, err = gzip.NewReader(rc); err != nil {
			rc.Close()
			return nil, graph.Errorf(graph.EINVALID, "", "%s: %v", s.Name, err)
		}
	}
	return struct {
		io.Reader
		io.Closer
	}{newBoundedReader(r, maxBytes, s.format == FormatCSV || s.format == FormatEdgeList), rc}, nil
}

// read streams the file's rows to fn: an item with its line, whether it is
// skipped (a self-loop), and the row's own error if it has one.
func (s *source) read(opt ImportOptions, fn func(line int, it graph.Item, skip bool, err error) error) error {
	rc, err := s.open(opt.MaxBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	switch s.format {
	case FormatCSV:
		return readCSV(s.Name, rc, opt.Mapping, opt.KeyPrefix, opt.Directed, func(row csvRow, err error) error {
			return fn(row.line, row.item, false, err)
		})
	case FormatJSON:
		return readDocumentStream(s.Name, rc, opt.KeyPrefix, func(line int, it graph.Item, err error) error {
			return fn(line, it, false, err)
		})
	}
	read := ReadGraphML
	switch s.format {
	case FormatGEXF:
		read = ReadGEXF
	case FormatEdgeList:
		read = ReadEdgeList
	}
	return read(s.Name, rc, func(e Element) error {
		if e.Kind != NodeElement && e.Kind != EdgeElement {
			return nil
		}
		if s.format == FormatEdgeList {
			e.Directed = opt.Directed
		}
		if e.Kind == EdgeElement && s.conv.checking {
			s.conv.noteEdgeID(e.ID)
		}
		it, skip, err := s.conv.element(e)
		return fn(e.Line, it, skip, err)
	})
}

func (imp *importer) progress(p Progress) {
	if imp.opt.Progress != nil {
		imp.opt.Progress(p)
	}
}

// check is the first pass: every row of every file is read and validated,
// and every reference resolved against the files and then the store.
func (imp *importer) check() error {
	for _, src := range imp.srcs {
		src.conv.checking = true
		err := src.read(imp.opt, func(line int, it graph.Item, skip bool, err error) error {
			return imp.checkRow(src, line, it, skip, err)
		})
		src.conv.checking = false
		if errors.Is(err, errTooMany) {
			break
		}
		if err != nil {
			return err
		}
		src.conv.edgeIDs = src.conv.edges > 0 && !src.conv.positional
	}
	if len(imp.errs) < imp.opt.MaxErrors {
		if err := imp.resolvePending(); err != nil {
			return err
		}
	}
	imp.progress(Progress{Phase: PhaseCheck, Rows: imp.res.Rows, Done: true})
	return imp.report()
}

func (imp *importer) fail(src *source, line int, format string, args ...any) error {
	imp.errs = append(imp.errs, rowError{src, line, fmt.Sprintf(format, args...)})
	if len(imp.errs) >= imp.opt.MaxErrors {
		return errTooMany
	}
	return nil
}

func (imp *importer) checkRow(src *source, line int, it graph.Item, skip bool, err error) error {
	if imp.res.Rows++; imp.res.Rows > imp.opt.MaxRows {
		return graph.Errorf(graph.EINVALID, "", "%s:%d: more than the limit of %d rows: split the import", src.Name, line, imp.opt.MaxRows)
	}
	if imp.res.Rows%progressEvery == 0 {
		if cerr := imp.ctx.Err(); cerr != nil {
			return cerr
		}
		imp.progress(Progress{Phase: PhaseCheck, Rows: imp.res.Rows})
	}
	switch {
	case err != nil:
		return imp.fail(src, line, "%v", err)
	case skip:
		imp.res.Rows--
		imp.res.SelfLoops++
		if len(imp.res.SelfLoopsAt) < 5 {
			imp.res.SelfLoopsAt = append(imp.res.SelfLoopsAt, fmt.Sprintf("%s:%d", src.Name, line))
		}
		return nil
	}
	if err := validate(it); err != nil {
		return imp.fail(src, line, "%s", graph.ErrorMessage(err))
	}
	imp.res.count(it)
	switch {
	case it.Actor != nil:
		return imp.defineActor(src, line, it)
	case it.Programme != nil:
		id := graph.NewID(graph.KindProgramme, it.Programme.Key)
		imp.define(id)
		imp.progs[id] = true
	case it.Participation != nil:
		return imp.refs(src, line, ref{fieldActor, it.Participation.ActorID, false}, ref{fieldProgramme, it.Participation.ProgrammeID, false})
	case it.Link != nil:
		l := it.Link
		return imp.refs(src, line, ref{fieldSource, l.SourceID, false}, ref{fieldTarget, l.TargetID, false},
			ref{fieldBrokeredBy, l.BrokeredByID, false}, ref{fieldProgramme, l.ProgrammeID, false})
	}
	return nil
}

const fieldActor = "actor"

// validate checks a copy of the item as the store will.
func validate(it graph.Item) error {
	switch {
	case it.Actor != nil:
		c := *it.Actor
		return c.Validate()
	case it.Programme != nil:
		c := *it.Programme
		return c.Validate()
	case it.Participation != nil:
		c := *it.Participation
		return c.Validate()
	case it.Link != nil:
		c := *it.Link
		return c.Validate()
	}
	return nil
}

func (imp *importer) defineActor(src *source, line int, it graph.Item) error {
	a := it.Actor
	id := graph.NewID(a.Kind, a.Key)
	d, ok := imp.actors[id]
	switch {
	case !ok || (d.ifMissing && !it.IfMissing):
		imp.actors[id] = actorDef{kind: a.Kind, ifMissing: it.IfMissing}
	case !d.ifMissing && !it.IfMissing && d.kind != a.Kind:
		return imp.fail(src, line, "key '%s' is a %s earlier in the import, not a %s", a.Key, d.kind, a.Kind)
	}
	imp.define(id)
	if a.ParentID != "" {
		return imp.refs(src, line, ref{fieldParent, a.ParentID, true})
	}
	return nil
}

// define notes that a pending reference to id is resolved by a later row.
func (imp *importer) define(id string) {
	if use, ok := imp.pending[id]; ok {
		delete(imp.pending, id)
		if !use.parent {
			imp.ordered = false
		}
	}
}

type ref struct {
	field, id string
	parent    bool
}

// refs checks references against the entities defined so far and keeps the
// others to resolve later.
func (imp *importer) refs(src *source, line int, refs ...ref) error {
	for _, r := range refs {
		if r.id == "" {
			continue
		}
		if r.field == fieldProgramme && imp.progs[r.id] {
			continue
		}
		if d, ok := imp.actors[r.id]; ok && r.field != fieldProgramme {
			if r.parent && d.kind != graph.KindOrganisation && !d.ifMissing {
				if err := imp.fail(src, line, "parent '%s' is not an organisation", key(r.id)); err != nil {
					return err
				}
			}
			continue
		}
		if _, ok := imp.pending[r.id]; !ok {
			imp.pending[r.id] = refUse{src: src, line: line, field: r.field, parent: r.parent}
		}
	}
	return nil
}

// resolvePending looks the references no file defines up in the store.
func (imp *importer) resolvePending() error {
	var actorIDs, progIDs []string
	for id, use := range imp.pending {
		if use.field == fieldProgramme {
			progIDs = append(progIDs, id)
		} else {
			actorIDs = append(actorIDs, id)
		}
	}
	slices.Sort(actorIDs)
	slices.Sort(progIDs)
	for ids := range slices.Chunk(actorIDs, 500) {
		as, err := imp.st.ActorsByID(imp.ctx, ids)
		if err != nil {
			return err
		}
		for i, a := range as {
			use := imp.pending[ids[i]]
			switch {
			case a == nil:
				imp.fail(use.src, use.line, "%s '%s' does not exist", use.field, key(ids[i]))
			case use.parent && a.Kind != graph.KindOrganisation:
				imp.fail(use.src, use.line, "parent '%s' is not an organisation", key(ids[i]))
			}
		}
	}
	for ids := range slices.Chunk(progIDs, 500) {
		ps, err := imp.st.ProgrammesByID(imp.ctx, ids)
		if err != nil {
			return err
		}
		for i, p := range ps {
			if use := imp.pending[ids[i]]; p == nil {
				imp.fail(use.src, use.line, "programme '%s' does not exist", key(ids[i]))
			}
		}
	}
	return nil
}

// report returns the errors found, first in file order, as one EINVALID
// error with a line each.
func (imp *importer) report() error {
	if len(imp.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(imp.errs, func(a, b rowError) int {
		return cmp.Or(cmp.Compare(imp.index(a.src), imp.index(b.src)), cmp.Compare(a.line, b.line))
	})
	lines := make([]string, 0, len(imp.errs)+1)
	rows := make([]RowError, 0, len(imp.errs))
	for _, e := range imp.errs[:min(len(imp.errs), imp.opt.MaxErrors)] {
		lines = append(lines, fmt.Sprintf("%s:%d: %s", e.src.Name, e.line, e.msg))
		rows = append(rows, RowError{File: e.src.Name, Line: e.line, Message: e.msg})
	}
	if len(imp.errs) >= imp.opt.MaxErrors {
		lines = append(lines, fmt.Sprintf("(stopped after %d errors)", imp.opt.MaxErrors))
	}
	return &CheckError{Err: graph.Errorf(graph.EINVALID, "", "%s", strings.Join(lines, "\n")), Rows: rows}
}

func (imp *importer) index(s *source) int { return slices.Index(imp.srcs, s) }

// walk is the second pass: every row in the order the store gets them.
// With references to later rows, actors and programmes of every file go
// first.
func (imp *importer) walk(fn func(src *source, line int, it graph.Item) error) error {
	phases := []func(graph.Item) bool{func(graph.Item) bool { return true }}
	if !imp.ordered {
		defines := func(it graph.Item) bool { return it.Actor != nil || it.Programme != nil }
		phases = []func(graph.Item) bool{defines, func(it graph.Item) bool { return !defines(it) }}
	}
	for _, in := range phases {
		for _, src := range imp.srcs {
			err := src.read(imp.opt, func(line int, it graph.Item, skip bool, err error) error {
				switch {
				case err != nil:
					return atLine(src.Name, line, err)
				case skip || !in(it):
					return nil
				}
				return fn(src, line, it)
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// stream yields the second pass's items, calling tick for each.
func (imp *importer) stream(tick func()) iter.Seq2[graph.Item, error] {
	return func(yield func(graph.Item, error) bool) {
		err := imp.walk(func(_ *source, _ int, it graph.Item) error {
			tick()
			if !yield(it, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(graph.Item{}, err)
		}
	}
}

// place turns a store error about the item at some position of the stream
// into one naming the file and line the item came from, by reading the
// files again up to it.
func (imp *importer) place(err error) error {
	var ie *graph.ItemError
	if !errors.As(err, &ie) {
		return err
	}
	i := 0
	var at string
	imp.walk(func(src *source, line int, _ graph.Item) error {
		if i == ie.Index {
			at = fmt.Sprintf("%s:%d", src.Name, line)
			return errStop
		}
		i++
		return nil
	})
	if at == "" || graph.ErrorCode(ie.Err) == graph.EINTERNAL {
		return err
	}
	return graph.Errorf(graph.ErrorCode(ie.Err), graph.ErrorField(ie.Err), "%s: %s", at, graph.ErrorMessage(ie.Err))
}
