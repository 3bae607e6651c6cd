package server

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/partnergraph/partnergraph/graph"
)

// JWTConfig says which bearer tokens an identity provider issues that the
// server accepts: signed with HS256 (a shared secret) or RS256 (the
// provider's public key), from Issuer, for Audience, and not expired.
type JWTConfig struct {
	Issuer   string // required: the iss claim must equal it
	Audience string // required: the aud claim must contain it
	// RoleClaim names the claim holding the caller's role: a string or a
	// list of strings (viewer, editor, admin; the most powerful wins).
	// Default "role". A name that is not a top-level claim is tried as a
	// dotted path into nested objects, as in "realm_access.roles".
	RoleClaim    string
	HMACSecret   []byte        // HS256 key, at least 32 bytes; nil accepts no HS256 tokens
	RSAPublicPEM []byte        // RS256 public key (PKIX, PKCS #1 or a certificate, PEM); nil accepts no RS256 tokens
	Leeway       time.Duration // clock skew allowed for exp and nbf; 0 means 30 s
}

// JWTVerifier checks bearer tokens against a JWTConfig.
type JWTVerifier struct {
	parser    *jwt.Parser
	hmac      []byte
	rsa       *rsa.PublicKey
	roleClaim string
}

// NewJWTVerifier checks cfg and returns its verifier.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	v := &JWTVerifier{roleClaim: cfg.RoleClaim}
	if v.roleClaim == "" {
		v.roleClaim = "role"
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("jwt: an issuer and an audience are required")
	}
	var methods []string
	if cfg.HMACSecret != nil {
		if len(cfg.HMACSecret) < 32 {
			return nil, errors.New("jwt: the HS256 secret must be at least 32 bytes")
		}
		v.hmac = cfg.HMACSecret
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.RSAPublicPEM != nil {
		k, err := jwt.ParseRSAPublicKeyFromPEM(cfg.RSAPublicPEM)
		if err != nil {
			return nil, fmt.Errorf("jwt: RS256 public key: %w", err)
		}
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("jwt: RS256 public key has %d bits, want at least 2048", k.N.BitLen())
		}
		v.rsa = k
		methods = append(methods, jwt.SigningMethodRS256.Alg())
	}
	if len(methods) == 0 {
		return nil, errors.New("jwt: an HS256 secret or an RS256 public key is required")
	}
	leeway := cfg.Leeway
	if leeway == 0 {
		leeway = 30 * time.Second
	}
	v.parser = jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithIssuer(cfg.Issuer), jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(), jwt.WithLeeway(leeway))
	return v, nil
}

// Verify checks a token's signature, issuer, audience and times, and returns
// the caller it names: "jwt:" and its subject, with the role of its role
// claim (AccessNone if it names none). The error says what was wrong, in
// words safe to send back.
func (v *JWTVerifier) Verify(token string) (graph.Caller, error) {
	claims := jwt.MapClaims{}
	_, err := v.parser.ParseWithClaims(token, claims, v.key)
	if err != nil {
		return graph.Caller{}, errors.New(tokenProblem(err))
	}
	sub, _ := claims.GetSubject()
	if sub == "" {
		return graph.Caller{}, errors.New("the token has no subject (sub)")
	}
	return graph.Caller{Subject: "jwt:" + sub, Role: roleOf(claim(claims, v.roleClaim))}, nil
}

// key gives the parser the key for the token's algorithm: the secret only to
// HS256, the public key only to RS256, so one can never pass for the other.
func (v *JWTVerifier) key(t *jwt.Token) (any, error) {
	switch t.Method.Alg() {
	case jwt.SigningMethodHS256.Alg():
		if v.hmac != nil {
			return v.hmac, nil
		}
	case jwt.SigningMethodRS256.Alg():
		if v.rsa != nil {
			return v.rsa, nil
		}
	}
	return nil, jwt.ErrTokenUnverifiable
}

// tokenProblem words a parse error for the client.
func tokenProblem(err error) string {
	if errors.Is(err, jwt.ErrTokenRequiredClaimMissing) {
		return "the token lacks a required claim: " + strings.Join(missingClaims(err), ", ")
	}
	for _, p := range []struct {
		err error
		msg string
	}{
		{jwt.ErrTokenMalformed, "the token is malformed"},
		{jwt.ErrTokenSignatureInvalid, "the token's signature is invalid"},
		{jwt.ErrTokenUnverifiable, "the token's signing algorithm is not accepted"},
		{jwt.ErrTokenExpired, "the token has expired"},
		{jwt.ErrTokenNotValidYet, "the token is not valid yet"},
		{jwt.ErrTokenInvalidIssuer, "the token's issuer is not accepted"},
		{jwt.ErrTokenInvalidAudience, "the token's audience is not accepted"},
	} {
		if errors.Is(err, p.err) {
			return p.msg
		}
	}
	return "the token is not valid"
}

// missingClaims names the registered claims err says are missing: the
// library says so only in its message ("iss claim is required"), joining
// one per claim.
func missingClaims(err error) []string {
	var names []string
	for _, c := range []string{"iss", "aud", "exp", "nbf", "sub"} {
		if strings.Contains(err.Error(), c+" claim is required") {
			names = append(names, c)
		}
	}
	if len(names) == 0 {
		names = append(names, "exp, iss or aud")
	}
	return names
}

// claim returns the claim name, or the value at name taken as a dotted path.
func claim(claims jwt.MapClaims, name string) any {
	if v, ok := claims[name]; ok {
		return v
	}
	var v any = map[string]any(claims)
	for part := range strings.SplitSeq(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

// roleOf reads a role claim, a string or a list of strings, and returns the
// most powerful role it names; other values are ignored.
func roleOf(v any) graph.AccessRole {
	var names []any
	switch v := v.(type) {
	case string:
		names = []any{v}
	case []any:
		names = v
	}
	role := graph.AccessNone
	for _, n := range names {
		if s, ok := n.(string); ok {
			if r, err := graph.ParseAccessRole("role", s); err == nil {
				role = role.Max(r)
			}
		}
	}
	return role
}
