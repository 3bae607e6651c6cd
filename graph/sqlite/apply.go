package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"reflect"

	"github.com/partnergraph/partnergraph/graph"
)

// ApplyStream upserts items in one write transaction as it reads them: only
// the transaction's pages (SQLite spills them to the WAL) and the list of
// actors whose parents are checked at the end are held. A dry run checks
// and counts everything, then rolls back.
func (s *Store) ApplyStream(ctx context.Context, items iter.Seq2[graph.Item, error], dryRun bool) (*graph.ApplyResult, error) {
	var res graph.ApplyResult
	err := s.withoutForeignKeys(ctx, func(w beginner) error {
		return writeTxOn(ctx, w, s.keep, func(tx *sql.Tx, log *graph.ChangeLog) (bool, error) {
			// Statements run without ctx: with a context that can end, the
			// driver watches it from a goroutine per statement, which costs
			// most of a bulk load's time. The stream checks ctx itself every
			// thousand items.
			sa, err := newStreamApplier(context.WithoutCancel(ctx), tx)
			if err != nil {
				return false, err
			}
			sa.log = log
			defer sa.close()
			err = sa.run(ctx, items)
			res = sa.res
			if err == nil && dryRun {
				err = errDryRun // roll back
			}
			return res.Created+res.Updated > 0, err
		})
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return &res, nil
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

func (sa *streamApplier) run(ctx context.Context, items iter.Seq2[graph.Item, error]) error {
	if err := sa.planBulk(); err != nil {
		return err
	}
	i := 0
	for it, err := range items {
		if err != nil {
			if ferr := sa.flushLinks(); ferr != nil {
				return ferr // an earlier item's error comes first
			}
			return err
		}
		if i%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := sa.apply(i, it); err != nil {
			return sa.itemError(i, err)
		}
		i++
		if err := sa.maybeBulk(i); err != nil {
			return err
		}
	}
	if err := sa.flushLinks(); err != nil {
		return err
	}
	if err := sa.leaveBulk(); err != nil {
		return err
	}
	return sa.checkParents()
}

// itemError returns the error of item i, or that of an earlier link still
// pending, which comes first.
func (sa *streamApplier) itemError(i int, err error) error {
	if ie := (*graph.ItemError)(nil); errors.As(err, &ie) {
		return err // an earlier link's, from flushLinks
	}
	if ferr := sa.flushLinks(); ferr != nil {
		return ferr
	}
	return &graph.ItemError{Index: i, Err: err}
}

// streamApplier applies the items of one stream with prepared statements
// (most of a bulk load's time would otherwise go to parsing SQL).
type streamApplier struct {
	ctx     context.Context
	tx      *sql.Tx
	res     graph.ApplyResult
	stmts   []*sql.Stmt
	log     *graph.ChangeLog
	parents []parentRef // actors with a parent, checked once all are in

	actorByKey, putActor, createActor, linkByID, putLink, createLinks, actorCount, programmeCount *sql.Stmt
	bulkState
	linkBatch
}

// parentRef is a stream actor whose parent is checked at the end.
type parentRef struct {
	index int
	actor *graph.Actor // only ID and ParentID are kept
}

func newStreamApplier(ctx context.Context, tx *sql.Tx) (*streamApplier, error) {
	// An organisation's parent may come later in the stream: foreign keys
	// are checked at commit, and checkParents names a missing one first.
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return nil, fmt.Errorf("sqlite: defer foreign keys: %w", err)
	}
	sa := &streamApplier{ctx: ctx, tx: tx}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&sa.actorByKey, `SELECT ` + actorCols + ` FROM actors WHERE key = ?`},
		{&sa.putActor, upsertActorSQL},
		{&sa.createActor, insertActorSQL + ` ON CONFLICT DO NOTHING`},
		{&sa.linkByID, `SELECT ` + linkCols + ` FROM links WHERE ` + byLinkID},
		{&sa.putLink, upsertLinkSQL},
		{&sa.createLinks, createLinksSQL(linkBatchSize)},
		{&sa.actorCount, `SELECT count(*) FROM actors WHERE id = ?`},
		{&sa.programmeCount, `SELECT count(*) FROM programmes WHERE id = ?`},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			sa.close()
			return nil, fmt.Errorf("sqlite: prepare: %w", err)
		}
		*p.dst = st
		sa.stmts = append(sa.stmts, st)
	}
	return sa, nil
}

func (sa *streamApplier) close() {
	for _, st := range sa.stmts {
		st.Close()
	}
	if sa.remake != nil { // the stream failed in bulk mode
		sa.tx.ExecContext(sa.ctx, restoreCache)
	}
}

func (sa *streamApplier) apply(i int, it graph.Item) error {
	if it.Link != nil {
		return sa.addLink(i, it)
	}
	if len(sa.logq) >= maxHeldBack {
		if err := sa.flushLinks(); err != nil {
			return err
		}
	}
	before := sa.res
	err := sa.applyItem(i, &it)
	sa.logApplied(logged{it, before, sa.res})
	return err
}

// applyItem applies a copy of it, which it then points to.
func (sa *streamApplier) applyItem(i int, it *graph.Item) error {
	switch {
	case it.Actor != nil:
		it.Actor = clone(it.Actor)
		return sa.applyActor(i, it.Actor, it.IfMissing)
	case it.Programme != nil:
		it.Programme = clone(it.Programme)
		return sa.applyProgramme(it.Programme, it.IfMissing)
	case it.Participation != nil:
		it.Participation = clone(it.Participation)
		return sa.applyParticipation(it.Participation, it.IfMissing)
	}
	return graph.Errorf(graph.EINVALID, "", "empty item")
}

// count records whether v creates, changes or repeats old (an item that only
// creates repeats whatever exists), and writes it unless repeated.
func count[T any](res *graph.ApplyResult, old, v *T, onlyCreate bool, put func() error) error {
	switch {
	case old == nil:
		res.Created++
	case onlyCreate || reflect.DeepEqual(old, v):
		res.Unchanged++
		return nil
	default:
		res.Updated++
	}
	return put()
}

func (sa *streamApplier) applyProgramme(p *graph.Programme, onlyCreate bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := getProgramme(sa.ctx, sa.tx, p.ID)
	if err != nil {
		return err
	}
	return count(&sa.res, old, p, onlyCreate, func() error { return upsertProgramme(sa.ctx, sa.tx, p) })
}

func (sa *streamApplier) applyParticipation(p *graph.Participation, onlyCreate bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := scanParticipation(sa.tx.QueryRowContext(sa.ctx, `SELECT `+participationCols+` FROM participations
		WHERE actor_id = ? AND programme_id = ?`, p.ActorID, p.ProgrammeID))
	if errors.Is(err, sql.ErrNoRows) {
		old, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: get participation: %w", err)
	}
	return count(&sa.res, old, p, onlyCreate, func() error { return setParticipation(sa.ctx, sa.tx, p) })
}

func (sa *streamApplier) applyActor(i int, a *graph.Actor, onlyCreate bool) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if onlyCreate {
		res, err := sa.createActor.ExecContext(sa.ctx, actorArgs(a)...)
		if err != nil {
			return fmt.Errorf("sqlite: write actor: %w", err)
		}
		sa.remember(a.ID)
		if n, _ := res.RowsAffected(); n == 0 {
			sa.res.Unchanged++
			return nil
		}
		sa.res.Created++
	} else {
		old, err := scanActor(sa.actorByKey.QueryRowContext(sa.ctx, a.Key))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			old = nil
		case err != nil:
			return fmt.Errorf("sqlite: get actor: %w", err)
		case old.Kind != a.Kind:
			return graph.Errorf(graph.ECONFLICT, "key", "key %q is taken by a %s", a.Key, old.Kind)
		}
		err = count(&sa.res, old, a, false, func() error {
			_, err := sa.putActor.ExecContext(sa.ctx, actorArgs(a)...)
			if err != nil {
				return fmt.Errorf("sqlite: write actor: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sa.remember(a.ID)
	}
	if a.ParentID != "" {
		sa.parents = append(sa.parents, parentRef{i, &graph.Actor{ID: a.ID, ParentID: a.ParentID}})
	}
	return nil
}

// checkParents checks, once every actor of the stream is in, that each
// parent given exists, is an organisation and makes no cycle.
func (sa *streamApplier) checkParents() error {
	for _, p := range sa.parents {
		a, err := getActor(sa.ctx, sa.tx, p.actor.ID)
		if err != nil {
			return err
		}
		if a == nil || a.ParentID != p.actor.ParentID {
			continue // a later item of the stream replaced it, and was checked
		}
		if err := checkParent(sa.ctx, sa.tx, a); err != nil {
			return &graph.ItemError{Index: p.index, Err: err}
		}
	}
	return nil
}

// settleLink counts a pending link written (created) or not, in which
// case its key is taken: it then reads and compares the stored link.
// References, checked as the link came (refErr), matter after a write (an
// error rolls the write back with the transaction) and not at all for an
// unchanged link, whose stored references exist.
func (sa *streamApplier) settleLink(p *pendingLink, created bool) error {
	l := p.it.Link
	if created {
		sa.res.Created++
		return p.refErr
	}
	old, err := scanLink(sa.linkByID.QueryRowContext(sa.ctx, linkIDArgs(l.ID)...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		old = nil
	case err != nil:
		return fmt.Errorf("sqlite: get link: %w", err)
	case p.it.IfMissing:
		sa.res.Unchanged++
		return nil
	case old.SourceID != l.SourceID || old.TargetID != l.TargetID:
		return graph.Errorf(graph.ECONFLICT, "key", "link key %q already joins other actors", l.Key)
	case reflect.DeepEqual(old, l):
		sa.res.Unchanged++
		return nil
	}
	sa.res.Updated++
	if _, err := sa.putLink.ExecContext(sa.ctx, linkArgs(l)...); err != nil {
		return fmt.Errorf("sqlite: write link: %w", err)
	}
	return p.refErr
}

// checkLinkRefs checks a link's references among those the stream knows
// exist first.
func (sa *streamApplier) checkLinkRefs(l *graph.Link) error {
	for _, ref := range []struct {
		field, id string
		exists    func(string) (bool, error)
	}{
		{"sourceId", l.SourceID, sa.actorExists}, {"targetId", l.TargetID, sa.actorExists},
		{"brokeredById", l.BrokeredByID, sa.actorExists}, {"programmeId", l.ProgrammeID, sa.programmeExists},
	} {
		if ref.id == "" {
			continue
		}
		ok, err := ref.exists(ref.id)
		if err != nil {
			return fmt.Errorf("sqlite: check %s: %w", ref.field, err)
		}
		if !ok {
			return graph.Errorf(graph.ENOTFOUND, ref.field, "%s: %s does not exist", ref.field, graph.Describe(ref.id))
		}
	}
	return nil
}
