package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

// commitChanges moves the version on, writes what log recorded as Change
// nodes with the new version, and prunes all but the newest keep versions,
// raising the version node's changesFloor.
func commitChanges(ctx context.Context, tx neo4j.ManagedTransaction, log *graph.ChangeLog, keep int64) error {
	rec, err := single(ctx, tx, `MATCH (v:StoreVersion {name: 'version'}) SET v.value = v.value + 1 RETURN v.value`, nil)
	if err != nil {
		return err
	}
	version, _ := rec.Values[0].(int64)
	changes := log.Entries(version)
	rows := make([]any, len(changes))
	for i, c := range changes {
		row := map[string]any{"version": c.Version, "seq": int64(i), "op": string(c.Op), "kind": string(c.Kind), "id": c.ID,
			"callerId": c.CallerID, "callerName": c.CallerName, "at": c.At.Format(time.RFC3339Nano)}
		if c.Before != nil {
			row["before"] = string(c.Before)
		}
		if c.After != nil {
			row["after"] = string(c.After)
		}
		rows[i] = row
	}
	if err := run(ctx, tx, `UNWIND $rows AS row CREATE (c:Change) SET c = row`, map[string]any{"rows": rows}); err != nil {
		return err
	}
	floor := version - keep
	if floor <= 0 {
		return nil
	}
	params := map[string]any{"floor": floor}
	if err := run(ctx, tx, `MATCH (c:Change) WHERE c.version <= $floor DELETE c`, params); err != nil {
		return err
	}
	return run(ctx, tx, `MATCH (v:StoreVersion {name: 'version'}) WHERE v.changesFloor < $floor SET v.changesFloor = $floor`, params)
}

// eraseChanges turns every change naming id (an erased person: as the
// entity, or in a value) into a reset that names nothing.
func eraseChanges(ctx context.Context, tx neo4j.ManagedTransaction, id string) error {
	return run(ctx, tx, `MATCH (c:Change) WHERE c.id = $id OR c.before CONTAINS $id OR c.after CONTAINS $id
		SET c.op = 'reset', c.kind = '', c.id = '' REMOVE c.before, c.after`, map[string]any{"id": id})
}

// Changes returns the changes after since, by whole writes (graph.Store).
func (s *Store) Changes(ctx context.Context, since int64, limit int) ([]graph.Change, int64, error) {
	if err := graph.CheckChangesLimit(limit); err != nil {
		return nil, 0, err
	}
	var out []graph.Change
	var version int64
	err := s.read(ctx, "changes", func(tx neo4j.ManagedTransaction) error {
		var floor int64
		var err error
		if version, floor, err = versionNode(ctx, tx); err != nil {
			return err
		}
		if since < floor || since > version {
			out = graph.ResetSince(version)
			return nil
		}
		// Read committed: a write committed since the version was read may
		// show up, so read up to that version only.
		var seq int64
		if out, seq, err = readChanges(ctx, tx, `MATCH (c:Change) WHERE $since < c.version <= $version
			RETURN c{.*} ORDER BY c.version, c.seq LIMIT $limit`, map[string]any{"since": since, "version": version, "limit": limit}); err != nil {
			return err
		}
		if len(out) == limit {
			// Finish the last write, so a reader never applies half of one.
			var rest []graph.Change
			version = out[len(out)-1].Version
			rest, _, err = readChanges(ctx, tx, `MATCH (c:Change {version: $version}) WHERE c.seq > $seq
				RETURN c{.*} ORDER BY c.seq`, map[string]any{"version": version, "seq": seq})
			if err != nil {
				return err
			}
			out = append(out, rest...)
		}
		// A write that committed meanwhile may have pruned what was read.
		if _, floor, err = versionNode(ctx, tx); err == nil && since < floor {
			out = graph.ResetSince(version)
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, version, nil
}

// readChanges runs a query returning Change nodes' maps, and returns the
// changes and the last one's seq.
func readChanges(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) ([]graph.Change, int64, error) {
	var out []graph.Change
	var seq int64
	err := each(ctx, tx, q, params, func(r *neo4j.Record) error {
		m, ok := r.Values[0].(map[string]any)
		if !ok {
			return fmt.Errorf("neo4j: unexpected %T in changes", r.Values[0])
		}
		c := graph.Change{Version: getInt(m, "version"), Op: graph.ChangeOp(getStr(m, "op")), Kind: graph.Kind(getStr(m, "kind")),
			ID: getStr(m, "id"), CallerID: getStr(m, "callerId"), CallerName: getStr(m, "callerName")}
		at, err := time.Parse(time.RFC3339Nano, getStr(m, "at"))
		if err != nil {
			return fmt.Errorf("neo4j: change %d: %w", c.Version, err)
		}
		c.At = at
		if b, ok := m["before"].(string); ok {
			c.Before = []byte(b)
		}
		if a, ok := m["after"].(string); ok {
			c.After = []byte(a)
		}
		seq = getInt(m, "seq")
		out = append(out, c)
		return nil
	})
	return out, seq, err
}
