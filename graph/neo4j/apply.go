package neo4j

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// chunkSize is the number of rows one UNWIND statement reads or writes.
const chunkSize = 5000

// Apply upserts a batch by key in one transaction: all or nothing.
// References inside the batch may point to entities of the batch or of the
// store. Returns EINVALID naming the first bad item, ECONFLICT for a key held
// by an actor of the other kind or a link key that joins other actors.
//
// A dry run does everything but write, and rolls back.
//
// Items are validated in Go first; then, inside the write transaction, the
// entities they may replace are read in batches, compared, checked, and only
// new or changed items written with batched UNWIND statements.
func (s *Store) Apply(ctx context.Context, b *graph.Batch) (*graph.ApplyResult, error) {
	v, err := validBatch(b)
	if err != nil {
		return nil, err
	}
	var res graph.ApplyResult
	err = s.write(ctx, "apply", func(tx neo4j.ManagedTransaction) (bool, error) {
		ap := &applier{ctx: ctx, tx: tx, b: v, dry: b.DryRun}
		err := ap.run()
		res = ap.res
		if err == nil && b.DryRun {
			err = errDryRun // roll back
		}
		return res.Created+res.Updated > 0, err
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return &res, nil
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// validBatch returns validated copies of b's items.
func validBatch(b *graph.Batch) (*graph.Batch, error) {
	v := &graph.Batch{
		Actors:         make([]*graph.Actor, len(b.Actors)),
		Programmes:     make([]*graph.Programme, len(b.Programmes)),
		Participations: make([]*graph.Participation, len(b.Participations)),
		Links:          make([]*graph.Link, len(b.Links)),
	}
	var err error
	for i, a := range b.Actors {
		if v.Actors[i], err = validActor(a); err != nil {
			return nil, itemError("actors", i, a.Key, err)
		}
	}
	for i, p := range b.Programmes {
		if v.Programmes[i], err = validProgramme(p); err != nil {
			return nil, itemError("programmes", i, p.Key, err)
		}
	}
	for i, p := range b.Participations {
		if v.Participations[i], err = validParticipation(p); err != nil {
			return nil, itemError("participations", i, participationName(p), err)
		}
	}
	for i, l := range b.Links {
		if v.Links[i], err = validLink(l); err != nil {
			return nil, itemError("links", i, l.Key, err)
		}
	}
	return v, nil
}

// itemError prefixes a domain error with the batch item it is about.
func itemError(list string, i int, what string, err error) error {
	if c := graph.ErrorCode(err); c != graph.EINTERNAL {
		return graph.Errorf(c, graph.ErrorField(err), "%s[%d] %q: %s", list, i, what, graph.ErrorMessage(err))
	}
	return err
}

// applier applies one validated batch inside one write transaction. It is
// made anew for every try of the transaction.
type applier struct {
	ctx context.Context
	tx  neo4j.ManagedTransaction
	b   *graph.Batch
	dry bool // check and count, write nothing
	res graph.ApplyResult

	actors     map[string]*graph.Actor // by ID: the batch's actors as they will be
	stored     map[string]*graph.Actor // by ID: store actors looked up (nil: none)
	programmes map[string]bool         // IDs of the batch's programmes
	storedProg map[string]bool         // IDs of store programmes looked up
}

func (ap *applier) run() error {
	for _, step := range []func() error{ap.applyActors, ap.checkParents, ap.applyProgrammes, ap.lookUpRefs,
		ap.applyParticipations, ap.applyLinks} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// classify counts v against what it replaces (nil: nothing) and reports
// whether it must be written.
func (ap *applier) classify(old, v props) bool {
	switch {
	case old == nil:
		ap.res.Created++
	case reflect.DeepEqual(old, v):
		ap.res.Unchanged++
		return false
	default:
		ap.res.Updated++
	}
	return true
}

func (ap *applier) applyActors() error {
	keys := make([]string, len(ap.b.Actors))
	for i, a := range ap.b.Actors {
		keys[i] = a.Key
	}
	old := map[string]*graph.Actor{}
	err := inChunks(unique(keys), func(ks []string) error {
		as, err := actorsByKey(ap.ctx, ap.tx, ks)
		for _, a := range as {
			old[a.Key] = a
		}
		return err
	})
	if err != nil {
		return err
	}
	ap.actors = map[string]*graph.Actor{}
	ap.stored = map[string]*graph.Actor{}
	var rows upserts
	for i, a := range ap.b.Actors {
		prev := old[a.Key]
		if p, ok := ap.actors[a.ID]; ok {
			prev = p
		}
		if prev != nil && prev.Kind != a.Kind {
			return itemError("actors", i, a.Key, graph.Errorf(graph.ECONFLICT, "key", "key %q is taken by a %s", a.Key, prev.Kind))
		}
		ap.actors[a.ID] = a
		if ap.classify(propsOf(prev, actorProps), actorProps(a)) {
			rows.put(a.ID, old[a.Key] != nil, actorProps(a))
		}
	}
	return ap.write(rows, `UNWIND $rows AS row CREATE (a:Actor) SET a = row`,
		`UNWIND $rows AS row MATCH (a:Actor {id: row.id}) SET a = row`)
}

// checkParents checks every batch actor's parent against the batch and the
// store together.
func (ap *applier) checkParents() error {
	var ids []string
	for _, a := range ap.b.Actors {
		if a.ParentID != "" && ap.actors[a.ParentID] == nil {
			ids = append(ids, a.ParentID)
		}
	}
	if err := ap.lookUpActors(ids); err != nil {
		return err
	}
	get := func(id string) (*graph.Actor, error) {
		if a, ok := ap.actors[id]; ok {
			return a, nil
		}
		if err := ap.lookUpActors([]string{id}); err != nil {
			return nil, err
		}
		return ap.stored[id], nil
	}
	for i, a := range ap.b.Actors {
		if err := checkParent(a, get); err != nil {
			return itemError("actors", i, a.Key, err)
		}
	}
	return nil
}

// lookUpActors reads the store actors with ids not looked up yet.
func (ap *applier) lookUpActors(ids []string) error {
	var todo []string
	for _, id := range unique(ids) {
		if _, ok := ap.stored[id]; !ok {
			todo = append(todo, id)
			ap.stored[id] = nil
		}
	}
	return inChunks(todo, func(ids []string) error {
		as, err := actorsByID(ap.ctx, ap.tx, ids)
		for _, a := range as {
			ap.stored[a.ID] = a
		}
		return err
	})
}

func (ap *applier) applyProgrammes() error {
	ids := make([]string, len(ap.b.Programmes))
	for i, p := range ap.b.Programmes {
		ids[i] = p.ID
	}
	old := map[string]*graph.Programme{}
	err := inChunks(unique(ids), func(ids []string) error {
		ps, err := programmesByID(ap.ctx, ap.tx, ids)
		for _, p := range ps {
			old[p.ID] = p
		}
		return err
	})
	if err != nil {
		return err
	}
	inStore := make(map[string]bool, len(old))
	for id := range old {
		inStore[id] = true
	}
	ap.programmes = map[string]bool{}
	var rows upserts
	for _, p := range ap.b.Programmes {
		prev := old[p.ID]
		old[p.ID] = p
		ap.programmes[p.ID] = true
		if ap.classify(propsOf(prev, programmeProps), programmeProps(p)) {
			rows.put(p.ID, inStore[p.ID], programmeProps(p))
		}
	}
	return ap.write(rows, `UNWIND $rows AS row CREATE (p:Programme) SET p = row`,
		`UNWIND $rows AS row MATCH (p:Programme {id: row.id}) SET p = row`)
}

// lookUpRefs finds which actors and programmes that participations and
// links refer to, outside the batch, exist in the store. The ends of links
// are left to the statement that creates them (see applyLinks), except in a
// dry run, which creates nothing.
func (ap *applier) lookUpRefs() error {
	var actorIDs, progIDs []string
	for _, p := range ap.b.Participations {
		actorIDs, progIDs = append(actorIDs, p.ActorID), append(progIDs, p.ProgrammeID)
	}
	for _, l := range ap.b.Links {
		if ap.dry {
			actorIDs = append(actorIDs, l.SourceID, l.TargetID)
		}
		actorIDs = append(actorIDs, nonEmpty(l.BrokeredByID)...)
		progIDs = append(progIDs, nonEmpty(l.ProgrammeID)...)
	}
	if err := ap.lookUpExisting(actorIDs); err != nil {
		return err
	}
	ap.storedProg = map[string]bool{}
	var todo []string
	for _, id := range unique(progIDs) {
		if !ap.programmes[id] {
			todo = append(todo, id)
		}
	}
	return inChunks(todo, func(ids []string) error {
		found, err := existing(ap.ctx, ap.tx, existingProgrammes, ids)
		for id := range found {
			ap.storedProg[id] = true
		}
		return err
	})
}

// lookUpExisting records which of the actors with ids, outside the batch and
// not looked up yet, exist in the store (as stubs: existence is enough).
func (ap *applier) lookUpExisting(ids []string) error {
	var todo []string
	for _, id := range unique(ids) {
		if _, ok := ap.stored[id]; !ok && ap.actors[id] == nil {
			todo = append(todo, id)
		}
	}
	return inChunks(todo, func(ids []string) error {
		found, err := existing(ap.ctx, ap.tx, existingActors, ids)
		for _, id := range ids {
			if found[id] {
				ap.stored[id] = &graph.Actor{ID: id}
			} else {
				ap.stored[id] = nil
			}
		}
		return err
	})
}

func (ap *applier) actorExists(id string) bool { return ap.actors[id] != nil || ap.stored[id] != nil }

func (ap *applier) programmeExists(id string) bool { return ap.programmes[id] || ap.storedProg[id] }

func (ap *applier) applyParticipations() error {
	type pair struct{ actor, programme string }
	var pairs []any
	for _, p := range ap.b.Participations {
		pairs = append(pairs, map[string]any{"actorId": p.ActorID, "programmeId": p.ProgrammeID})
	}
	old := map[pair]*graph.Participation{}
	err := inChunks(pairs, func(ps []any) error {
		return each(ap.ctx, ap.tx, `UNWIND $pairs AS pair
			MATCH (a:Actor {id: pair.actorId})-[r:TAKES_PART]->(p:Programme {id: pair.programmeId})
			RETURN `+participationReturn, map[string]any{"pairs": ps}, func(r *neo4j.Record) error {
			m, _ := r.Values[0].(map[string]any)
			p := decodeParticipation(m)
			old[pair{p.ActorID, p.ProgrammeID}] = p
			return nil
		})
	})
	if err != nil {
		return err
	}
	var rows []any
	dirty := map[pair]int{}
	for i, p := range ap.b.Participations {
		what := participationName(p)
		if !ap.actorExists(p.ActorID) {
			return itemError("participations", i, what, graph.Errorf(graph.EINVALID, "actorId", "actorId: %s does not exist", graph.Describe(p.ActorID)))
		}
		if !ap.programmeExists(p.ProgrammeID) {
			return itemError("participations", i, what, graph.Errorf(graph.EINVALID, "programmeId", "programmeId: %s does not exist", graph.Describe(p.ProgrammeID)))
		}
		k := pair{p.ActorID, p.ProgrammeID}
		prev := old[k]
		old[k] = p
		if !ap.classify(propsOf(prev, participationProps), participationProps(p)) {
			continue
		}
		if j, ok := dirty[k]; ok {
			rows[j] = participationRow(p)
			continue
		}
		dirty[k] = len(rows)
		rows = append(rows, participationRow(p))
	}
	return ap.writeRows(`UNWIND $rows AS row `+setParticipations, rows)
}

// applyLinks checks and writes the batch's links. Looking up every end of
// every link first would cost a third of a bulk load, so ends not looked up
// yet are taken to exist, and the statement that creates links, which matches
// both ends, counts what it created: if a link is missing, or any check
// fails, every end is looked up and the checks run again to name the first
// bad link exactly. (The transaction rolls back in either case.)
func (ap *applier) applyLinks() error {
	ids := make([]string, len(ap.b.Links))
	for i, l := range ap.b.Links {
		ids[i] = l.ID
	}
	stored := map[string]*graph.Link{}
	err := inChunks(unique(ids), func(ids []string) error {
		ls, err := linksByID(ap.ctx, ap.tx, ids)
		for _, l := range ls {
			stored[l.ID] = l
		}
		return err
	})
	if err != nil {
		return err
	}
	rows, err := ap.checkLinks(stored)
	if err == nil {
		var n int
		if n, err = ap.writeCount(createLinks+` RETURN count(*)`, rows.created); err != nil {
			return err
		}
		if err = ap.writeRows(`UNWIND $rows AS row MATCH ()-[l:LINK {id: row.id}]->() SET l = row.props`, rows.updated); err != nil {
			return err
		}
		if ap.dry || n == len(rows.created) {
			return nil
		}
		err = fmt.Errorf("created %d of %d links", n, len(rows.created))
	}
	var ends []string
	for _, l := range ap.b.Links {
		ends = append(ends, l.SourceID, l.TargetID)
	}
	if lerr := ap.lookUpExisting(ends); lerr != nil {
		return lerr
	}
	if _, exact := ap.checkLinks(stored); exact != nil {
		return exact
	}
	return err
}

// checkLinks checks the batch's links in order, counts them against the
// stored ones, and returns the rows to write or the first bad link's error.
func (ap *applier) checkLinks(stored map[string]*graph.Link) (upserts, error) {
	var rows upserts
	seen := make(map[string]*graph.Link, len(ap.b.Links))
	exists := func(id string) bool {
		a, looked := ap.stored[id]
		return ap.actors[id] != nil || a != nil || !looked
	}
	for i, l := range ap.b.Links {
		prev, inBatch := seen[l.ID]
		if !inBatch {
			prev = stored[l.ID]
		}
		if prev != nil && (prev.SourceID != l.SourceID || prev.TargetID != l.TargetID) {
			return rows, itemError("links", i, l.Key, graph.Errorf(graph.ECONFLICT, "key", "link key %q already joins other actors", l.Key))
		}
		if err := linkRefs(l, exists, ap.programmeExists); err != nil {
			return rows, itemError("links", i, l.Key, err)
		}
		seen[l.ID] = l
		if ap.classify(propsOf(prev, linkProps), linkProps(l)) {
			rows.put(l.ID, stored[l.ID] != nil, linkRow(l))
		}
	}
	return rows, nil
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

// write runs the create statement over the new rows and the update statement
// over the changed ones.
func (ap *applier) write(u upserts, create, update string) error {
	if err := ap.writeRows(create, u.created); err != nil {
		return err
	}
	return ap.writeRows(update, u.updated)
}

// writeCount runs an UNWIND $rows statement that returns a count over rows
// in chunks, and adds the counts up.
func (ap *applier) writeCount(q string, rows []any) (int, error) {
	n := 0
	if ap.dry {
		return 0, nil
	}
	err := inChunks(rows, func(rs []any) error {
		c, err := count(ap.ctx, ap.tx, q, map[string]any{"rows": rs})
		n += c
		return err
	})
	return n, err
}

// writeRows runs an UNWIND $rows statement over rows in chunks.
func (ap *applier) writeRows(q string, rows []any) error {
	if ap.dry {
		return nil
	}
	return inChunks(rows, func(rs []any) error {
		return run(ap.ctx, ap.tx, q, map[string]any{"rows": rs})
	})
}

// propsOf returns the properties of v, or nil for nil.
func propsOf[T any](v *T, fn func(*T) props) props {
	if v == nil {
		return nil
	}
	return fn(v)
}

// inChunks calls fn with consecutive slices of vs of at most chunkSize.
func inChunks[T any](vs []T, fn func([]T) error) error {
	for len(vs) > 0 {
		n := min(len(vs), chunkSize)
		if err := fn(vs[:n]); err != nil {
			return err
		}
		vs = vs[n:]
	}
	return nil
}
