package neo4j

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// streamChunk is the number of items ApplyStream reads before it writes
// them with UNWIND statements, all in the one transaction.
const streamChunk = 5000

// ApplyStream upserts items in one write transaction (one ExecuteWrite),
// reading them in chunks: each chunk's actors, programmes, participations
// and links are looked up, compared and written with UNWIND statements
// before the next chunk is read, so memory holds one chunk and the
// server's transaction state. A dry run writes, counts and rolls back, so
// that later chunks see earlier ones as a real run would.
func (s *Store) ApplyStream(ctx context.Context, items iter.Seq2[graph.Item, error], dryRun bool) (*graph.ApplyResult, error) {
	var res graph.ApplyResult
	var srcErr error // exactly what items yielded
	err := s.write(ctx, "apply stream", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		sa := &streamApplier{ctx: ctx, tx: tx, log: log}
		srcErr = nil
		err := sa.run(items)
		if errors.Is(err, errSource) {
			srcErr = sa.srcErr
		}
		res = sa.res
		if err == nil && dryRun {
			err = errDryRun // roll back
		}
		return res.Created+res.Updated > 0, outOfMemory(err)
	})
	switch {
	case srcErr != nil:
		return nil, srcErr
	case err != nil && !errors.Is(err, errDryRun):
		return nil, err
	}
	return &res, nil
}

// outOfMemory turns the server's refusal to hold more transaction state into
// an error the driver does not retry: Neo4j marks it transient, but the same
// stream needs the same memory every time, so each retry would redo the
// whole import only to fail again.
func outOfMemory(err error) error {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) || ne.Code != "Neo.TransientError.General.MemoryPoolOutOfMemoryError" {
		return err
	}
	return fmt.Errorf("the import is one transaction and needs more memory than the server lets "+
		"transactions hold (about 5 KB per link: raise dbms.memory.transaction.total.max and the heap, "+
		"or import the file in parts): %s", ne.Msg) // not %w: that would make the driver retry
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// errSource stops a stream whose items yielded an error.
var errSource = errors.New("stream source failed")

// streamApplier applies one stream; it is made anew for every try of the
// transaction.
type streamApplier struct {
	ctx     context.Context
	tx      neo4j.ManagedTransaction
	res     graph.ApplyResult
	srcErr  error
	parents []parentRef // actors with a parent, checked at the end
	log     *graph.ChangeLog
}

// parentRef is a stream actor whose parent is checked at the end.
type parentRef struct {
	index        int
	id, parentID string
}

// streamItem is a validated item and its position in the stream.
type streamItem struct {
	index int
	graph.Item
}

func (sa *streamApplier) run(items iter.Seq2[graph.Item, error]) error {
	chunk := make([]streamItem, 0, streamChunk)
	i := 0
	for it, err := range items {
		if err != nil {
			sa.srcErr = err
			return errSource
		}
		v, err := validItem(it)
		if err != nil {
			return &graph.ItemError{Index: i, Err: err}
		}
		chunk = append(chunk, streamItem{i, v})
		i++
		if len(chunk) == streamChunk {
			if err := sa.flush(chunk); err != nil {
				return err
			}
			chunk = chunk[:0]
		}
	}
	if err := sa.flush(chunk); err != nil {
		return err
	}
	return sa.checkParents()
}

// validItem returns a validated copy of it, shaped as it will read back.
func validItem(it graph.Item) (graph.Item, error) {
	var err error
	v := graph.Item{IfMissing: it.IfMissing}
	switch {
	case it.Actor != nil:
		v.Actor, err = validActor(it.Actor)
	case it.Programme != nil:
		v.Programme, err = validProgramme(it.Programme)
	case it.Participation != nil:
		v.Participation, err = validParticipation(it.Participation)
	case it.Link != nil:
		v.Link, err = validLink(it.Link)
	default:
		err = graph.Errorf(graph.EINVALID, "", "empty item")
	}
	return v, err
}

// flush writes one chunk: actors, then programmes, participations and
// links, which may refer to the first two.
func (sa *streamApplier) flush(chunk []streamItem) error {
	var actors, progs, parts, links []streamItem
	for _, it := range chunk {
		switch {
		case it.Actor != nil:
			actors = append(actors, it)
		case it.Programme != nil:
			progs = append(progs, it)
		case it.Participation != nil:
			parts = append(parts, it)
		default:
			links = append(links, it)
		}
	}
	for _, step := range []func() error{
		func() error { return upsert(sa, actors, actorEntity) }, func() error { return upsert(sa, progs, programmeEntity) },
		func() error { return sa.participations(parts) }, func() error { return sa.links(links) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// classify counts v against what it replaces (nil: nothing) and reports
// whether it must be written; an item that only creates is never written
// over something.
func (sa *streamApplier) classify(it graph.Item, old, v props) bool {
	before := sa.res
	defer func() { sa.log.Applied(it, before, sa.res) }()
	switch {
	case old == nil:
		sa.res.Created++
	case it.IfMissing || reflect.DeepEqual(old, v):
		sa.res.Unchanged++
		return false
	default:
		sa.res.Updated++
	}
	return true
}

// entity says how ApplyStream upserts actors or programmes.
type entity[T any] struct {
	of      func(graph.Item) *T
	id      func(*T) string
	key     func(*T) string // what lookUp finds stored ones by
	lookUp  func(context.Context, neo4j.ManagedTransaction, []string) ([]*T, error)
	props   func(*T) props
	label   string                                       // of the nodes, constant text
	check   func(it streamItem, v, prev *T) error        // nil: none
	written func(sa *streamApplier, it streamItem, v *T) // nil: none
}

var actorEntity = entity[graph.Actor]{
	of:     func(it graph.Item) *graph.Actor { return it.Actor },
	id:     func(a *graph.Actor) string { return a.ID },
	key:    func(a *graph.Actor) string { return a.Key },
	lookUp: actorsByKey,
	props:  actorProps,
	label:  "Actor",
	check: func(it streamItem, a, prev *graph.Actor) error {
		if prev != nil && prev.Kind != a.Kind && !it.IfMissing {
			return graph.Errorf(graph.ECONFLICT, "key", "key %q is taken by a %s", a.Key, prev.Kind)
		}
		return nil
	},
	written: func(sa *streamApplier, it streamItem, a *graph.Actor) {
		if a.ParentID != "" {
			sa.parents = append(sa.parents, parentRef{it.index, a.ID, a.ParentID})
		}
	},
}

var programmeEntity = entity[graph.Programme]{
	of:     func(it graph.Item) *graph.Programme { return it.Programme },
	id:     func(p *graph.Programme) string { return p.ID },
	key:    func(p *graph.Programme) string { return p.ID },
	lookUp: programmesByID,
	props:  programmeProps,
	label:  "Programme",
}

// upsert counts a chunk's actors or programmes against the stored ones
// (and earlier ones of the chunk) and writes the new and changed ones.
func upsert[T any](sa *streamApplier, items []streamItem, e entity[T]) error {
	if len(items) == 0 {
		return nil
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = e.key(e.of(it.Item))
	}
	found, err := e.lookUp(sa.ctx, sa.tx, unique(keys))
	if err != nil {
		return err
	}
	stored := make(map[string]*T, len(found))
	for _, v := range found {
		stored[e.key(v)] = v
	}
	seen := map[string]*T{}
	var rows upserts
	for _, it := range items {
		v := e.of(it.Item)
		k := e.key(v)
		prev, inChunk := seen[k]
		if !inChunk {
			prev = stored[k]
		}
		if e.check != nil {
			if err := e.check(it, v, prev); err != nil {
				return &graph.ItemError{Index: it.index, Err: err}
			}
		}
		if !sa.classify(it.Item, propsOf(prev, e.props), e.props(v)) {
			continue
		}
		seen[k] = v
		rows.put(e.id(v), stored[k] != nil, e.props(v))
		if e.written != nil {
			e.written(sa, it, v)
		}
	}
	return sa.write(rows, `UNWIND $rows AS row CREATE (n:`+e.label+`) SET n = row`,
		`UNWIND $rows AS row MATCH (n:`+e.label+` {id: row.id}) SET n = row`)
}

func (sa *streamApplier) participations(items []streamItem) error {
	if len(items) == 0 {
		return nil
	}
	type pair struct{ actor, programme string }
	var actorIDs, progIDs []string
	var pairs []any
	for _, it := range items {
		p := it.Participation
		actorIDs, progIDs = append(actorIDs, p.ActorID), append(progIDs, p.ProgrammeID)
		pairs = append(pairs, map[string]any{"actorId": p.ActorID, "programmeId": p.ProgrammeID})
	}
	actors, err := existing(sa.ctx, sa.tx, existingActors, actorIDs)
	if err != nil {
		return err
	}
	progs, err := existing(sa.ctx, sa.tx, existingProgrammes, progIDs)
	if err != nil {
		return err
	}
	stored := map[pair]*graph.Participation{}
	err = each(sa.ctx, sa.tx, `UNWIND $pairs AS pair
		MATCH (a:Actor {id: pair.actorId})-[r:TAKES_PART]->(p:Programme {id: pair.programmeId})
		RETURN `+participationReturn, map[string]any{"pairs": pairs}, func(r *neo4j.Record) error {
		m, _ := r.Values[0].(map[string]any)
		p := decodeParticipation(m)
		stored[pair{p.ActorID, p.ProgrammeID}] = p
		return nil
	})
	if err != nil {
		return err
	}
	var rows []any
	for _, it := range items {
		p := it.Participation
		if err := participationRefs(p, actors, progs); err != nil {
			return &graph.ItemError{Index: it.index, Err: err}
		}
		k := pair{p.ActorID, p.ProgrammeID}
		if sa.classify(it.Item, propsOf(stored[k], participationProps), participationProps(p)) {
			stored[k] = p
			rows = append(rows, participationRow(p)) // MERGE: a repeat updates in order
		}
	}
	return sa.writeRows(`UNWIND $rows AS row `+setParticipations, rows)
}

// links checks and writes a chunk's links. Their ends are left to the
// statement that creates them, which matches both and counts what it made:
// if a link is missing, every end is looked up to name the first bad link.
func (sa *streamApplier) links(items []streamItem) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	var refs, progRefs []string
	for i, it := range items {
		ids[i] = it.Link.ID
		refs = append(refs, nonEmpty(it.Link.BrokeredByID)...)
		progRefs = append(progRefs, nonEmpty(it.Link.ProgrammeID)...)
	}
	stored := map[string]*graph.Link{}
	ls, err := linksByID(sa.ctx, sa.tx, unique(ids))
	if err != nil {
		return err
	}
	for _, l := range ls {
		stored[l.ID] = l
	}
	brokers, err := existing(sa.ctx, sa.tx, existingActors, refs)
	if err != nil {
		return err
	}
	progs, err := existing(sa.ctx, sa.tx, existingProgrammes, progRefs)
	if err != nil {
		return err
	}
	check := func(l *graph.Link) error {
		// Ends are checked by the statement that creates the link.
		actor := func(id string) bool { return id == l.SourceID || id == l.TargetID || brokers[id] }
		return linkRefs(l, actor, func(id string) bool { return progs[id] })
	}
	rows, unchecked, err := sa.checkLinks(items, stored, check)
	if err != nil {
		// An earlier link may lack an end: that is the first bad link.
		if err := sa.missingEnd(items[:unchecked]); err != nil {
			return err
		}
		return err
	}
	n, err := sa.writeCount(createLinks+` RETURN count(*)`, rows.created)
	if err != nil {
		return err
	}
	if n != len(rows.created) {
		if err := sa.missingEnd(items); err != nil {
			return err
		}
		return fmt.Errorf("neo4j: created fewer links than asked, with every end present")
	}
	return sa.writeRows(`UNWIND $rows AS row MATCH ()-[l:LINK {id: row.id}]->() SET l = row.props`, rows.updated)
}

// checkLinks counts a chunk's links against the stored ones and returns
// the rows to write, or the first bad link's error and the number of items
// whose ends, unchecked so far, must be checked before it is reported.
func (sa *streamApplier) checkLinks(items []streamItem, stored map[string]*graph.Link, check func(*graph.Link) error) (upserts, int, error) {
	var rows upserts
	seen := map[string]*graph.Link{}
	for i, it := range items {
		l := it.Link
		prev, inChunk := seen[l.ID]
		if !inChunk {
			prev = stored[l.ID]
		}
		if prev != nil && !it.IfMissing && (prev.SourceID != l.SourceID || prev.TargetID != l.TargetID) {
			return rows, i, &graph.ItemError{Index: it.index, Err: graph.Errorf(graph.ECONFLICT, "key", "link key %q already joins other actors", l.Key)}
		}
		if err := check(l); err != nil {
			return rows, i + 1, &graph.ItemError{Index: it.index, Err: err} // its own ends come first
		}
		if sa.classify(it.Item, propsOf(prev, linkProps), linkProps(l)) {
			seen[l.ID] = l
			rows.put(l.ID, stored[l.ID] != nil, linkRow(l))
		}
	}
	return rows, len(items), nil
}

// missingEnd names the first of items whose source or target does not
// exist, or returns nil if every end exists. (The transaction rolls back.)
func (sa *streamApplier) missingEnd(items []streamItem) error {
	if len(items) == 0 {
		return nil
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.Link.SourceID, it.Link.TargetID)
	}
	found, err := existing(sa.ctx, sa.tx, existingActors, ids)
	if err != nil {
		return err
	}
	for _, it := range items {
		l := it.Link
		if err := linkRefs(&graph.Link{SourceID: l.SourceID, TargetID: l.TargetID}, func(id string) bool { return found[id] }, nil); err != nil {
			return &graph.ItemError{Index: it.index, Err: err}
		}
	}
	return nil
}

// checkParents checks, once every actor of the stream is in, that each
// parent given exists, is an organisation and makes no cycle.
func (sa *streamApplier) checkParents() error {
	get := storeActors(sa.ctx, sa.tx)
	for _, p := range sa.parents {
		a, err := get(p.id)
		if err != nil {
			return err
		}
		if a == nil || a.ParentID != p.parentID {
			continue // a later item replaced it, and was checked
		}
		if err := checkParent(a, get); err != nil {
			return &graph.ItemError{Index: p.index, Err: err}
		}
	}
	return nil
}

func (sa *streamApplier) write(u upserts, create, update string) error {
	if err := sa.writeRows(create, u.created); err != nil {
		return err
	}
	return sa.writeRows(update, u.updated)
}

func (sa *streamApplier) writeRows(q string, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	return run(sa.ctx, sa.tx, q, map[string]any{"rows": rows})
}

func (sa *streamApplier) writeCount(q string, rows []any) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	return count(sa.ctx, sa.tx, q, map[string]any{"rows": rows})
}

// upserts collects the rows to write: new entities and changed ones, the
// last version of each when the batch repeats an ID.
type upserts struct {
	created, updated []any
	at               map[string]int // ID -> index in created or updated
}

func (u *upserts) put(id string, inStore bool, row any) {
	rows := &u.created
	if inStore {
		rows = &u.updated
	}
	if i, ok := u.at[id]; ok {
		(*rows)[i] = row
		return
	}
	if u.at == nil {
		u.at = map[string]int{}
	}
	u.at[id] = len(*rows)
	*rows = append(*rows, row)
}

// propsOf returns the properties of v, or nil for nil.
func propsOf[T any](v *T, fn func(*T) props) props {
	if v == nil {
		return nil
	}
	return fn(v)
}
