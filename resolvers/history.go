package resolvers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers/model"
)

// Bounds of the history fields.
const (
	defaultHistory = 50
	maxHistory     = 500
	defaultChanges = 100
	maxChanges     = 1000
	defaultMoves   = 10
	maxMoves       = 100
)

// changeOf converts a logged change for the caller of ctx: below editor,
// an actor's contact data is removed from its values.
func changeOf(ctx context.Context, c graph.Change) *model.Change {
	before, after := c.Before, c.After
	if c.Kind == graph.KindActor && !graph.CallerFrom(ctx).Role.Includes(graph.AccessEditor) {
		before, after = graph.RedactContact(before), graph.RedactContact(after)
	}
	m := &model.Change{Version: strconv.FormatInt(c.Version, 10), Op: model.ChangeOp(strings.ToUpper(string(c.Op))),
		At: timestamp(c.At), Fields: graph.ChangedFields(before, after),
		Kind: optional(string(c.Kind)), EntityID: optional(c.ID), CallerID: optional(c.CallerID),
		CallerName: optional(c.CallerName), Before: optional(string(before)), After: optional(string(after))}
	if m.Fields == nil {
		m.Fields = []string{}
	}
	return m
}

func changesOf(ctx context.Context, cs []graph.Change) []*model.Change {
	out := make([]*model.Change, len(cs))
	for i, c := range cs {
		out[i] = changeOf(ctx, c)
	}
	return out
}

// parseSince reads a Date (midnight UTC) or an RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if d, err := graph.ParseDate("since", s); err == nil {
		return d.Time(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, graph.Errorf(graph.EINVALID, "since", "since: %q is neither a date (YYYY-MM-DD) nor an RFC 3339 time", s)
	}
	return t, nil
}

// changeCursor names the position of the i-th change of its version, so a
// page after it stays put while newer changes are appended.
func changeCursor(cs []graph.Change, i int) string {
	n := 0
	for j := i - 1; j >= 0 && cs[j].Version == cs[i].Version; j-- {
		n++
	}
	return fmt.Sprintf("%d.%d", cs[i].Version, n)
}

// networkChanges pages cs (oldest first) after the cursor.
func networkChanges(ctx context.Context, cs []graph.Change, complete bool, first int, after *string) (*model.ChangeConnection, error) {
	start := 0
	if after != nil && *after != "" {
		start = -1
		for i := range cs {
			if changeCursor(cs, i) == *after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, graph.Errorf(graph.EINVALID, "after", "cursor %q names no change since that time", *after)
		}
	}
	end := min(len(cs), start+first)
	page := &graph.PageInfo{HasNextPage: end < len(cs)}
	if end > start {
		page.StartCursor, page.EndCursor = changeCursor(cs, start), changeCursor(cs, end-1)
	}
	return &model.ChangeConnection{Nodes: changesOf(ctx, cs[start:end]), PageInfo: page, Complete: complete}, nil
}

// historyOf checks id is an entity's global ID and returns its history.
func (r *Resolver) historyOf(ctx context.Context, id string, first *int32) ([]*model.Change, error) {
	n, err := limit(first, defaultHistory, maxHistory)
	if err != nil {
		return nil, err
	}
	if _, _, err := graph.ParseID(id); err != nil {
		return nil, graph.Errorf(graph.EINVALID, "id", "id %q is not an actor's, programme's or link's ID", id)
	}
	cs, err := graph.History(ctx, r.Store, id, n)
	return changesOf(ctx, cs), err
}

// networkChangesSince answers networkChanges.
func (r *Resolver) networkChangesSince(ctx context.Context, since string, first *int32, after *string) (*model.ChangeConnection, error) {
	n, err := limit(first, defaultChanges, maxChanges)
	if err != nil {
		return nil, err
	}
	t, err := parseSince(since)
	if err != nil {
		return nil, err
	}
	cs, complete, err := graph.ChangesSince(ctx, r.Store, t)
	if err != nil {
		return nil, err
	}
	return networkChanges(ctx, cs, complete, n, after)
}

// brokerMovesSince answers brokerMovesSince: the ranking of the network
// rebuilt at since and the current one.
func (r *Resolver) brokerMovesSince(ctx context.Context, since string, first *int32) (*model.BrokerMoves, error) {
	n, err := limit(first, defaultMoves, maxMoves)
	if err != nil {
		return nil, err
	}
	t, err := parseSince(since)
	if err != nil {
		return nil, err
	}
	then, now, complete, err := r.Snapshots.Since(ctx, t)
	if err != nil || !complete {
		return &model.BrokerMoves{Moves: []*model.BrokerMove{}}, err
	}
	ms, err := insight.Movers(ctx, then, now, n)
	if err != nil {
		return nil, err
	}
	out := &model.BrokerMoves{Complete: true, Moves: make([]*model.BrokerMove, len(ms))}
	for i, m := range ms {
		bm := &model.BrokerMove{Actor: model.ActorOf(m.Actor)}
		if m.Then != nil {
			rank := int32(m.Then.Rank)
			bm.RankBefore, bm.ScoreBefore = &rank, &m.Then.Score
		}
		if m.Now != nil {
			rank := int32(m.Now.Rank)
			bm.RankNow, bm.ScoreNow = &rank, &m.Now.Score
		}
		out.Moves[i] = bm
	}
	return out, nil
}
