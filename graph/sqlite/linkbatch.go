package sqlite

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/partnergraph/partnergraph/graph"
)

// A stream writes links linkBatchSize at a time, in one INSERT OR IGNORE …
// RETURNING id, rather than a statement each, to save the cost of a
// statement (cursors, database/sql, the driver) per row. OR IGNORE, not ON
// CONFLICT DO NOTHING: no row can then abort the statement (Validate
// rules out the NULLs OR IGNORE would also skip, and foreign keys are off),
// so SQLite keeps no statement journal of the pages it changes. The links of a batch are then settled in stream order: created
// if the INSERT returned their ID, otherwise compared with the link stored
// under their key, as one at a time would. A stream only reads links when
// it writes links, so other items need not wait for a batch; but their
// change-log entries do, to keep the log in stream order, and references
// are checked as a link comes, before later items can create what it
// names. A link whose ID is already pending, an error, and the end of
// the stream write the batch first.
const linkBatchSize = 500

// maxHeldBack bounds the items held back for the log behind pending links.
const maxHeldBack = 10 * linkBatchSize

// linkBatch is the links a stream holds back, and what it applied since.
type linkBatch struct {
	pending    []pendingLink
	pendingIDs map[string]struct{}
	logq       []logged // every item since the first pending link, in order
}

type pendingLink struct {
	index  int
	it     graph.Item // it.Link is the stream's own copy
	refErr error      // the references' check, as the link came
	logAt  int        // its place in logq
}

// logged is an item applied with the results before and after it.
type logged struct {
	it            graph.Item
	before, after graph.ApplyResult
}

func createLinksSQL(n int) string {
	return `INSERT OR IGNORE INTO links (id, key, type, source_id, target_id, directed, weight, from_date, to_date,
		programme_id, brokered_by_id, evidence, attrs) VALUES ` +
		strings.TrimSuffix(strings.Repeat("("+placeholders(13)+"), ", n), ", ") + ` RETURNING id`
}

// logApplied logs an item now, or after the pending links before it.
func (sa *streamApplier) logApplied(e logged) {
	if len(sa.pending) == 0 {
		sa.log.Applied(e.it, e.before, e.after)
		return
	}
	sa.logq = append(sa.logq, e)
}

// addLink validates a copy of it.Link, checks its references and holds it
// back for the next batch.
func (sa *streamApplier) addLink(i int, it graph.Item) error {
	it.Link = clone(it.Link)
	l := it.Link
	if err := l.Validate(); err != nil {
		return err
	}
	if _, ok := sa.pendingIDs[l.ID]; ok {
		if err := sa.flushLinks(); err != nil {
			return err
		}
	}
	if sa.pendingIDs == nil {
		sa.pendingIDs = map[string]struct{}{}
	}
	sa.pending = append(sa.pending, pendingLink{index: i, it: it, refErr: sa.checkLinkRefs(l), logAt: len(sa.logq)})
	sa.pendingIDs[l.ID] = struct{}{}
	sa.logq = append(sa.logq, logged{it: it})
	if len(sa.pending) == linkBatchSize {
		return sa.flushLinks()
	}
	return nil
}

// flushLinks writes the pending links, settles each in order, and logs
// every item held back. An error is the *graph.ItemError of the first
// item at fault.
func (sa *streamApplier) flushLinks() error {
	batch, logq := sa.pending, sa.logq
	if len(batch) == 0 {
		return nil
	}
	sa.pending, sa.logq = sa.pending[:0], sa.logq[:0]
	clear(sa.pendingIDs)
	created, err := sa.insertLinks(batch)
	if err != nil {
		return &graph.ItemError{Index: batch[0].index, Err: err}
	}
	for k := range batch {
		p := &batch[k]
		before := sa.res
		_, ok := created[p.it.Link.ID]
		if err := sa.settleLink(p, ok); err != nil {
			return &graph.ItemError{Index: p.index, Err: err}
		}
		logq[p.logAt].before, logq[p.logAt].after = before, sa.res
	}
	for _, e := range logq {
		sa.log.Applied(e.it, e.before, e.after)
	}
	return nil
}

// insertLinks inserts the links of batch that are new, returning their IDs.
func (sa *streamApplier) insertLinks(batch []pendingLink) (map[string]struct{}, error) {
	args := make([]any, 0, 13*len(batch))
	for _, p := range batch {
		args = append(args, linkArgs(p.it.Link)...)
	}
	var rows *sql.Rows
	var err error
	if len(batch) == linkBatchSize {
		rows, err = sa.createLinks.QueryContext(sa.ctx, args...)
	} else {
		rows, err = sa.tx.QueryContext(sa.ctx, createLinksSQL(len(batch)), args...)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: write links: %w", err)
	}
	defer rows.Close()
	created := make(map[string]struct{}, len(batch))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: write links: %w", err)
		}
		created[id] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: write links: %w", err)
	}
	return created, nil
}
