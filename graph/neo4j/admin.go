package neo4j

import (
	"context"
	"encoding/hex"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/partnergraph/partnergraph/graph"
)

var _ graph.AdminStore = (*Store)(nil)

// API keys and the audit log live beside the network, so every replica of a
// cluster sees the same keys and one audit log:
//
//	(:ApiKey {id, name, role, hash, created, revoked})   hash: hex SHA-256 of the secret
//	(:AuditEntry {id, at, actor, action, target})        times: Unix nanoseconds
//
// Their rules join the store's schema at init, so Open creates them as it
// creates the others (idempotently, only the missing ones).
var adminSchema = []struct{ name, create string }{
	{"api_key_id", `CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE`},
	{"api_key_hash", `CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE`},
	{"audit_entry_id", `CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.id IS UNIQUE`},
	{"audit_entry_at", `CREATE INDEX audit_entry_at IF NOT EXISTS FOR (e:AuditEntry) ON (e.at)`},
}

func init() { schema = append(schema, adminSchema...) }

func decodeKey(m map[string]any) *graph.APIKey {
	h, _ := hex.DecodeString(getStr(m, "hash"))
	return &graph.APIKey{ID: getStr(m, "id"), Name: getStr(m, "name"), Role: graph.AccessRole(getStr(m, "role")),
		Hash: h, Created: graph.FromUnixNanos(getInt(m, "created")), Revoked: graph.FromUnixNanos(getInt(m, "revoked"))}
}

func decodeAudit(m map[string]any) *graph.AuditEntry {
	return &graph.AuditEntry{ID: getStr(m, "id"), At: graph.FromUnixNanos(getInt(m, "at")), Actor: getStr(m, "actor"),
		Action: graph.AuditAction(getStr(m, "action")), Target: getStr(m, "target")}
}

// CreateKey stores k and records e. Key writes leave the version alone: they
// do not change the network.
func (s *Store) CreateKey(ctx context.Context, k *graph.APIKey, e *graph.AuditEntry) error {
	if err := k.Validate(); err != nil {
		return err
	}
	hash := hex.EncodeToString(k.Hash)
	return s.adminWrite(ctx, "create key", func(tx neo4j.ManagedTransaction) error {
		n, err := count(ctx, tx, `MATCH (k:ApiKey) WHERE k.id = $id OR k.hash = $hash RETURN count(k)`,
			map[string]any{"id": k.ID, "hash": hash})
		if err != nil {
			return err
		}
		if n > 0 {
			return graph.Errorf(graph.ECONFLICT, "id", "key %q already exists", k.ID)
		}
		err = run(ctx, tx, `CREATE (:ApiKey {id: $id, name: $name, role: $role, hash: $hash, created: $created, revoked: $revoked})`,
			map[string]any{"id": k.ID, "name": k.Name, "role": string(k.Role), "hash": hash,
				"created": graph.UnixNanos(k.Created), "revoked": graph.UnixNanos(k.Revoked)})
		if err != nil {
			return err
		}
		return createAudit(ctx, tx, e)
	})
}

// KeyByHash returns the key whose secret hashes to hash.
func (s *Store) KeyByHash(ctx context.Context, hash []byte) (*graph.APIKey, error) {
	var ks []*graph.APIKey
	err := s.read(ctx, "key by hash", func(tx neo4j.ManagedTransaction) error {
		var err error
		ks, err = collectMaps(ctx, tx, `MATCH (k:ApiKey {hash: $hash}) RETURN k {.*}`,
			map[string]any{"hash": hex.EncodeToString(hash)}, decodeKey)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(ks) == 0 {
		return nil, graph.Errorf(graph.ENOTFOUND, "key", "no such key")
	}
	return ks[0], nil
}

// Keys returns every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]*graph.APIKey, error) {
	var ks []*graph.APIKey
	err := s.read(ctx, "keys", func(tx neo4j.ManagedTransaction) error {
		var err error
		ks, err = collectMaps(ctx, tx, `MATCH (k:ApiKey) RETURN k {.*} ORDER BY k.created, k.id`, nil, decodeKey)
		return err
	})
	return ks, err
}

// RevokeKey marks key id revoked and records e, unless it already is.
func (s *Store) RevokeKey(ctx context.Context, id string, e *graph.AuditEntry) (*graph.APIKey, error) {
	var k *graph.APIKey
	err := s.adminWrite(ctx, "revoke key", func(tx neo4j.ManagedTransaction) error {
		// Setting revoked to itself locks the key, so two revocations
		// cannot both see it valid.
		ks, err := collectMaps(ctx, tx, `MATCH (k:ApiKey {id: $id}) SET k.revoked = k.revoked RETURN k {.*}`,
			map[string]any{"id": id}, decodeKey)
		switch {
		case err != nil:
			return err
		case len(ks) == 0:
			return graph.Errorf(graph.ENOTFOUND, "id", "no key with ID %q", id)
		}
		if k = ks[0]; !k.Revoked.IsZero() {
			return nil
		}
		k.Revoked = e.At
		err = run(ctx, tx, `MATCH (k:ApiKey {id: $id}) SET k.revoked = $at`, map[string]any{"id": id, "at": graph.UnixNanos(e.At)})
		if err != nil {
			return err
		}
		return createAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ErasePerson deletes a person as DeleteActor does, with the same
// statements, leaves no trace of them in the change log, and records e
// in the same transaction.
func (s *Store) ErasePerson(ctx context.Context, id string, e *graph.AuditEntry) error {
	return s.write(ctx, "erase person", func(tx neo4j.ManagedTransaction, log *graph.ChangeLog) (bool, error) {
		a, err := getActor(ctx, tx, id)
		if err != nil {
			return false, err
		}
		if a == nil || a.Kind != graph.KindPerson {
			return false, graph.Errorf(graph.ENOTFOUND, "id", "no person with %s", graph.Describe(id))
		}
		if err := deleteActor(ctx, tx, log, a); err != nil {
			return false, err
		}
		// The change log must not keep the person either: a reset, and
		// earlier entries naming them scrubbed.
		log.Reset()
		if err := eraseChanges(ctx, tx, id); err != nil {
			return false, err
		}
		return true, createAudit(ctx, tx, e)
	})
}

// AuditLog returns a page of the audit log, newest first.
func (s *Store) AuditLog(ctx context.Context, p graph.PageArgs) (*graph.Page[*graph.AuditEntry], error) {
	size, err := p.Size()
	if err != nil {
		return nil, err
	}
	params := map[string]any{"at": nil, "id": "", "n": size + 1}
	at, id, ok, err := p.AfterAudit()
	if err != nil {
		return nil, err
	}
	if ok {
		params["at"], params["id"] = at, id
	}
	var total int
	var es []*graph.AuditEntry
	err = s.read(ctx, "audit log", func(tx neo4j.ManagedTransaction) error {
		var err error
		if total, err = count(ctx, tx, `MATCH (e:AuditEntry) RETURN count(e)`, nil); err != nil {
			return err
		}
		es, err = collectMaps(ctx, tx, `MATCH (e:AuditEntry)
			WHERE $at IS NULL OR e.at < $at OR (e.at = $at AND e.id < $id)
			RETURN e {.*} ORDER BY e.at DESC, e.id DESC LIMIT $n`, params, decodeAudit)
		return err
	})
	if err != nil {
		return nil, err
	}
	return graph.NewPage(es, size, total, p.After, graph.AuditKey), nil
}

func createAudit(ctx context.Context, tx neo4j.ManagedTransaction, e *graph.AuditEntry) error {
	if e == nil || e.ID == "" || e.Action == "" {
		return graph.Errorf(graph.EINVALID, "audit", "an audited write needs an audit entry")
	}
	n, err := count(ctx, tx, `MATCH (e:AuditEntry {id: $id}) RETURN count(e)`, map[string]any{"id": e.ID})
	if err != nil {
		return err
	}
	if n > 0 {
		return graph.Errorf(graph.ECONFLICT, "audit", "audit entry %q already exists", e.ID)
	}
	return run(ctx, tx, `CREATE (:AuditEntry {id: $id, at: $at, actor: $actor, action: $action, target: $target})`,
		map[string]any{"id": e.ID, "at": graph.UnixNanos(e.At), "actor": e.Actor, "action": string(e.Action), "target": e.Target})
}

// adminWrite runs fn in a managed write transaction that, unlike write,
// neither locks nor moves the network's version. fn may be run more than
// once.
func (s *Store) adminWrite(ctx context.Context, what string, fn func(tx neo4j.ManagedTransaction) error) (err error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { err = closeSession(ctx, sess, err) }()
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, fn(tx)
	}, txConfig(ctx)...)
	return wrap(ctx, what, err)
}

func getInt(m map[string]any, k string) int64 {
	n, _ := m[k].(int64)
	return n
}
