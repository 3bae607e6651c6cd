package server

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/rs/zerolog"
)

// etagger gives GET query answers an entity tag, so that a dashboard polling
// the same query is told 304 Not Modified, without the query being run
// again, while nothing changed. An answer is a function of the network
// (Store.Version grows with every committed write), the query, its
// variables and operation name, who asks (roles see different fields;
// `me` names the subject) and the media type, so the tag hashes exactly
// these. Only answers without errors are tagged: an error may be transient
// (a timeout) and must not be cached.
type etagger struct{ store graph.Store }

// unversionedFields are Query fields whose answers change without the
// network's version changing: API keys and the audit log are admin writes,
// which leave Store.Version alone (graph/sqlite/admin.go). Operations that
// read them get no tag.
var unversionedFields = map[string]bool{"auditLog": true, "apiKeys": true}

// tag returns the entity tag of the operation's answer as it would be now,
// or "" if it gets none. The version is read before the operation runs: if a
// write lands meanwhile, the answer may be newer than its tag, and the next
// request's tag differs, so a client never keeps an answer older than its tag.
func (e *etagger) tag(ctx context.Context, op *graphql.OperationContext, media string) string {
	if e == nil || e.store == nil {
		return ""
	}
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		if unversionedFields[f.Name] {
			return ""
		}
	}
	vars, err := json.Marshal(op.Variables) // map keys sorted: the same variables, the same bytes
	if err != nil {
		return ""
	}
	v, err := e.store.Version(ctx)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("store version unavailable: answer sent without an ETag")
		return ""
	}
	c := graph.CallerFrom(ctx)
	h := sha256.New()
	for _, part := range []string{strconv.FormatInt(v, 10), string(c.Role), c.Subject, media, op.OperationName, op.RawQuery, string(vars)} {
		// Length-prefixed, so that no two different inputs hash alike.
		binary.Write(h, binary.BigEndian, uint64(len(part)))
		h.Write([]byte(part))
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// set marks the answer with tag: private (it depends on the caller's
// credentials) and to be revalidated on every use, so that a browser's
// cache sends If-None-Match each time rather than showing an old answer.
func (e *etagger) set(w http.ResponseWriter, tag string) {
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Header().Set("Vary", "Accept, Authorization")
}

// notModified answers 304 and returns true if r's If-None-Match names tag.
func (e *etagger) notModified(w http.ResponseWriter, r *http.Request, tag string) bool {
	if !etagListed(r.Header.Get("If-None-Match"), tag) {
		return false
	}
	e.set(w, tag)
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNotModified)
	return true
}

// etagListed says whether an If-None-Match header names tag, or is "*"
// (RFC 9110 13.1.2: the weak comparison, so W/ prefixes are ignored).
func etagListed(header, tag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
