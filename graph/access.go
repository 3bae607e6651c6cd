package graph

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// AccessRole is what a caller may do. Each role includes the ones below it:
// viewers read, editors also write the network, administrators also manage
// API keys, import and erase personal data.
type AccessRole string

const (
	AccessNone   AccessRole = ""       // authenticated, but may do nothing
	AccessViewer AccessRole = "viewer" // reads, without personal contact data
	AccessEditor AccessRole = "editor" // creates, updates and deletes; sees contact data
	AccessAdmin  AccessRole = "admin"  // API keys, import, erasure, the audit log
)

// AccessRoles lists the roles from least to most powerful.
var AccessRoles = []AccessRole{AccessViewer, AccessEditor, AccessAdmin}

// ParseAccessRole reads a role name, in any case. Returns EINVALID naming
// field for anything else.
func ParseAccessRole(field, s string) (AccessRole, error) {
	r := AccessRole(strings.ToLower(strings.TrimSpace(s)))
	if r.rank() == 0 {
		return AccessNone, Errorf(EINVALID, field, "role %q: want viewer, editor or admin", s)
	}
	return r, nil
}

// rank orders roles; 0 for AccessNone and unknown names.
func (r AccessRole) rank() int {
	switch r {
	case AccessViewer:
		return 1
	case AccessEditor:
		return 2
	case AccessAdmin:
		return 3
	}
	return 0
}

// Includes reports whether r may do what need may.
func (r AccessRole) Includes(need AccessRole) bool { return r.rank() >= need.rank() }

// Max returns the more powerful of r and o.
func (r AccessRole) Max(o AccessRole) AccessRole {
	if o.rank() > r.rank() {
		return o
	}
	return r
}

// Caller is who a request acts for. Subject identifies it in logs and the
// audit log and never holds a secret: "key:ID" for an API key, "jwt:SUB"
// for a bearer token, "anonymous", or "cli:USER" for an operator's command.
type Caller struct {
	Subject string
	Name    string // an API key's name, for people reading logs
	Role    AccessRole
}

type callerKey struct{}

// WithCaller returns ctx acting for c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller ctx acts for; without one, a caller that may
// do nothing, so a forgotten WithCaller fails closed.
func CallerFrom(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}

// Authorize returns EFORBIDDEN, naming the role needed, unless ctx's caller
// has a role that includes need.
func Authorize(ctx context.Context, need AccessRole) error {
	c := CallerFrom(ctx)
	if c.Role.Includes(need) {
		return nil
	}
	have := string(c.Role)
	if have == "" {
		have = "no role"
	}
	return Errorf(EFORBIDDEN, "", "this needs the %s role (the caller has %s)", need, have)
}

// APIKey is a stored API key. The secret itself is never stored: only its
// SHA-256 hash, which is enough to recognise it (a key is 32 random bytes, so
// the hash needs no salt or stretching).
type APIKey struct {
	ID      string // public: shown in lists and logs, used to revoke
	Name    string
	Role    AccessRole
	Hash    []byte    // SHA-256 of the secret
	Created time.Time // UTC
	Revoked time.Time // zero while the key is valid
}

// apiKeyPrefix marks partnergraph keys, so a key pasted somewhere it should
// not be is easy to find, and so a bearer credential is told from a JWT.
const apiKeyPrefix = "pgk_"

// NewAPIKey returns a new key with a random secret, which the caller shows
// once and forgets. Returns EINVALID for a bad role or name.
func NewAPIKey(name string, role AccessRole, now time.Time) (k *APIKey, secret string, err error) {
	if role.rank() == 0 {
		return nil, "", Errorf(EINVALID, "role", "role %q: want viewer, editor or admin", role)
	}
	if len(name) > 200 {
		return nil, "", Errorf(EINVALID, "name", "a key's name must be at most 200 bytes")
	}
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	secret = apiKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return &APIKey{ID: randomID(8), Name: name, Role: role, Hash: HashAPIKey(secret), Created: now.UTC()}, secret, nil
}

// IsAPIKey reports whether a bearer credential looks like an API key (as
// opposed to a JWT).
func IsAPIKey(credential string) bool { return strings.HasPrefix(credential, apiKeyPrefix) }

// HashAPIKey returns the SHA-256 hash under which a key's secret is stored.
func HashAPIKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Caller returns the caller k authenticates.
func (k *APIKey) Caller() Caller {
	return Caller{Subject: "key:" + k.ID, Name: k.Name, Role: k.Role}
}

// AuditAction is a closed set of audited operations.
type AuditAction string

const (
	AuditErasePerson AuditAction = "ERASE_PERSON"
	AuditCreateKey   AuditAction = "CREATE_KEY"
	AuditRevokeKey   AuditAction = "REVOKE_KEY"
)

// AuditEntry records who did what, and when. Target never names a person:
// for an erasure it is an ErasureRef.
type AuditEntry struct {
	ID     string
	At     time.Time // UTC
	Actor  string    // the caller's Subject
	Action AuditAction
	Target string // an API key's ID, or an ErasureRef
}

// NewAuditEntry returns an entry for an action by ctx's caller on target.
func NewAuditEntry(ctx context.Context, action AuditAction, target string, now time.Time) *AuditEntry {
	return &AuditEntry{ID: randomID(8), At: now.UTC(), Actor: CallerFrom(ctx).Subject, Action: action, Target: target}
}

// ErasureRef returns a salted SHA-256 reference to an erased ID:
// "sha256:SALT:HASH" in hex, with a fresh random salt. It reveals nothing of
// the ID (keys are often names, so an unsalted hash could be looked up), yet
// whoever knows an ID can confirm it was erased (MatchesErasureRef).
func ErasureRef(id string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	return erasureRef(salt, id)
}

func erasureRef(salt []byte, id string) string {
	h := sha256.Sum256(append(append([]byte{}, salt...), id...))
	return "sha256:" + hex.EncodeToString(salt) + ":" + hex.EncodeToString(h[:])
}

// MatchesErasureRef reports whether ref was made from id.
func MatchesErasureRef(ref, id string) bool {
	parts := strings.Split(ref, ":")
	if len(parts) != 3 || parts[0] != "sha256" {
		return false
	}
	salt, err := hex.DecodeString(parts[1])
	return err == nil && subtle.ConstantTimeCompare([]byte(erasureRef(salt, id)), []byte(ref)) == 1
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// AdminStore keeps what access control and data protection need: API keys
// and the audit log, with erasure of a person recorded in it. Both backends
// implement it beside Store and pass its contract (storetest.RunAdmin); on a
// shared Neo4j every replica sees the same keys. Key writes do not move the
// network's Version.
type AdminStore interface {
	// CreateKey stores k and records e, in one transaction. Returns EINVALID
	// for a key without ID, role or hash, ECONFLICT if its ID is taken.
	CreateKey(ctx context.Context, k *APIKey, e *AuditEntry) error
	// KeyByHash returns the key whose secret hashes to hash, revoked or not.
	// Returns ENOTFOUND.
	KeyByHash(ctx context.Context, hash []byte) (*APIKey, error)
	// Keys returns every key, revoked ones too, oldest first.
	Keys(ctx context.Context) ([]*APIKey, error)
	// RevokeKey marks key id revoked at e.At and records e, in one
	// transaction. Revoking a revoked key keeps the first time and records
	// nothing. Returns ENOTFOUND.
	RevokeKey(ctx context.Context, id string, e *AuditEntry) (*APIKey, error)

	// ErasePerson deletes the person with id as DeleteActor does (their
	// links and participations, and them as broker of other links) and
	// records e, in one transaction. Returns ENOTFOUND if no person has id.
	ErasePerson(ctx context.Context, id string, e *AuditEntry) error
	// AuditLog returns a page of the audit log, newest first.
	AuditLog(ctx context.Context, p PageArgs) (*Page[*AuditEntry], error)
}

// Validate checks k before it is stored.
func (k *APIKey) Validate() error {
	switch {
	case k.ID == "":
		return Errorf(EINVALID, "id", "a key needs an ID")
	case k.Role.rank() == 0:
		return Errorf(EINVALID, "role", "role %q: want viewer, editor or admin", k.Role)
	case len(k.Hash) != sha256.Size:
		return Errorf(EINVALID, "hash", "a key needs a SHA-256 hash")
	}
	return nil
}
