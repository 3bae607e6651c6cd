package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/server"
)

const (
	issuer   = "https://id.example.org/"
	audience = "partnergraph"
)

// jwtKeys are an identity provider's keys, and others it does not have.
type jwtKeys struct {
	secret, otherSecret []byte
	rsa, otherRSA       *rsa.PrivateKey
	publicPEM           []byte
}

func newJWTKeys(t *testing.T) *jwtKeys {
	t.Helper()
	k := &jwtKeys{secret: []byte(strings.Repeat("s", 32)), otherSecret: []byte(strings.Repeat("o", 32))}
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if k.otherRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	k.publicPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return k
}

// claims are a valid token's claims for role, changed by edit.
func claims(role any, edit func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{"iss": issuer, "aud": []string{audience, "other-api"}, "sub": "alice@example.org",
		"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "role": role}
	if edit != nil {
		edit(c)
	}
	return c
}

func sign(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWT(t *testing.T) {
	keys := newJWTKeys(t)
	v, err := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, HMACSecret: keys.secret, RSAPublicPEM: keys.publicPEM})
	if err != nil {
		t.Fatal(err)
	}
	f := newRoleFixture(t, openStore(t), &server.Auth{JWT: v})
	for _, alg := range []struct {
		name        string
		method      jwt.SigningMethod
		key, badKey any
	}{
		{"HS256", jwt.SigningMethodHS256, keys.secret, keys.otherSecret},
		{"RS256", jwt.SigningMethodRS256, keys.rsa, keys.otherRSA},
	} {
		t.Run(alg.name, func(t *testing.T) {
			for name, tc := range map[string]struct {
				token string
				want  int
			}{
				"OK":            {sign(t, alg.method, alg.key, claims("editor", nil)), http.StatusOK},
				"WrongIssuer":   {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { c["iss"] = "https://evil.example/" })), http.StatusUnauthorized},
				"WrongAudience": {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { c["aud"] = "another-service" })), http.StatusUnauthorized},
				"Expired":       {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() })), http.StatusUnauthorized},
				"NoExpiry":      {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { delete(c, "exp") })), http.StatusUnauthorized},
				"NotYetValid":   {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { c["nbf"] = time.Now().Add(time.Hour).Unix() })), http.StatusUnauthorized},
				"NoSubject":     {sign(t, alg.method, alg.key, claims("editor", func(c jwt.MapClaims) { delete(c, "sub") })), http.StatusUnauthorized},
				"BadSignature":  {sign(t, alg.method, alg.badKey, claims("editor", nil)), http.StatusUnauthorized},
				"Tampered":      {tamper(sign(t, alg.method, alg.key, claims("viewer", nil))), http.StatusUnauthorized},
			} {
				t.Run(name, func(t *testing.T) {
					var me struct {
						Me struct{ Subject, Role string }
					}
					status, h, r := doAs(t, f.ts.URL, tc.token, `{ me { subject role } }`, nil, &me)
					if status != tc.want {
						t.Fatalf("status %d (%+v), want %d", status, r.Errors, tc.want)
					}
					if tc.want == http.StatusUnauthorized {
						if r.code() != "UNAUTHENTICATED" || !strings.Contains(h.Get("WWW-Authenticate"), `error="invalid_token"`) {
							t.Errorf("refusal: %+v, WWW-Authenticate %q", r.Errors, h.Get("WWW-Authenticate"))
						}
						return
					}
					if me.Me.Subject != "jwt:alice@example.org" || me.Me.Role != "EDITOR" {
						t.Errorf("me = %+v", me.Me)
					}
				})
			}
		})
	}
}

// tamper raises the role in a signed token's payload without re-signing.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	c, _ := jwt.NewParser().DecodeSegment(parts[1])
	c = []byte(strings.Replace(string(c), `"viewer"`, `"admin"`, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(c)
	return strings.Join(parts, ".")
}

// TestJWTAlgorithms: only the algorithms of configured keys pass, and the
// RSA public key never serves as an HMAC secret (algorithm confusion).
func TestJWTAlgorithms(t *testing.T) {
	keys := newJWTKeys(t)
	rsaOnly, err := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, RSAPublicPEM: keys.publicPEM})
	if err != nil {
		t.Fatal(err)
	}
	hsOnly, err := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, HMACSecret: keys.secret})
	if err != nil {
		t.Fatal(err)
	}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims("admin", nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		v     *server.JWTVerifier
		token string
		ok    bool
	}{
		"RS256":                {rsaOnly, sign(t, jwt.SigningMethodRS256, keys.rsa, claims("viewer", nil)), true},
		"HS256WithoutSecret":   {rsaOnly, sign(t, jwt.SigningMethodHS256, keys.secret, claims("viewer", nil)), false},
		"PublicKeyAsHMACKey":   {rsaOnly, sign(t, jwt.SigningMethodHS256, keys.publicPEM, claims("admin", nil)), false},
		"RS256WithoutKey":      {hsOnly, sign(t, jwt.SigningMethodRS256, keys.rsa, claims("viewer", nil)), false},
		"HS512":                {hsOnly, sign(t, jwt.SigningMethodHS512, keys.secret, claims("viewer", nil)), false},
		"None":                 {hsOnly, none, false},
		"NoneAgainstRSA":       {rsaOnly, none, false},
		"HS256":                {hsOnly, sign(t, jwt.SigningMethodHS256, keys.secret, claims("viewer", nil)), true},
		"Garbage":              {hsOnly, "a.b.c", false},
		"RS256SignedByAnother": {rsaOnly, sign(t, jwt.SigningMethodRS256, keys.otherRSA, claims("viewer", nil)), false},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.v.Verify(tc.token)
			if (err == nil) != tc.ok {
				t.Errorf("Verify = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// TestJWTRoles: the role claim may be a string or a list (the most powerful
// role wins), under another name or a dotted path; tokens with no known role
// authenticate but may do nothing.
func TestJWTRoles(t *testing.T) {
	keys := newJWTKeys(t)
	for name, tc := range map[string]struct {
		claim string
		value any
		want  graph.AccessRole
	}{
		"String":        {"", "editor", graph.AccessEditor},
		"AnyCase":       {"", "Admin", graph.AccessAdmin},
		"List":          {"", []any{"viewer", "admin", "editor"}, graph.AccessAdmin},
		"ListOfUnknown": {"", []any{"owner", 7}, graph.AccessNone},
		"Missing":       {"", nil, graph.AccessNone},
		"Unknown":       {"", "superuser", graph.AccessNone},
		"OtherClaim":    {"groups", []any{"staff", "viewer"}, graph.AccessViewer},
		"NamespacedURL": {"https://partnergraph.example/roles", []any{"editor"}, graph.AccessEditor},
		"DottedPath":    {"realm_access.roles", map[string]any{"roles": []any{"editor"}}, graph.AccessEditor},
	} {
		t.Run(name, func(t *testing.T) {
			v, err := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, HMACSecret: keys.secret, RoleClaim: tc.claim})
			if err != nil {
				t.Fatal(err)
			}
			c := claims(nil, func(c jwt.MapClaims) {
				delete(c, "role")
				name := tc.claim
				if name == "" {
					name = "role"
				}
				if name == "realm_access.roles" {
					name = "realm_access"
				}
				if tc.value != nil {
					c[name] = tc.value
				}
			})
			got, err := v.Verify(sign(t, jwt.SigningMethodHS256, keys.secret, c))
			if err != nil {
				t.Fatal(err)
			}
			if got.Role != tc.want || got.Subject != "jwt:alice@example.org" {
				t.Errorf("caller = %+v, want role %q", got, tc.want)
			}
		})
	}
	// Over HTTP, a token without a role is authenticated but forbidden.
	v, _ := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, HMACSecret: keys.secret})
	f := newRoleFixture(t, openStore(t), &server.Auth{JWT: v})
	status, _, r := doAs(t, f.ts.URL, sign(t, jwt.SigningMethodHS256, keys.secret, claims("nobody", nil)), `{ people { totalCount } }`, nil, nil)
	if status != http.StatusOK || r.code() != graph.EFORBIDDEN {
		t.Errorf("token without a role: status %d, errors %+v; want FORBIDDEN", status, r.Errors)
	}
	// A viewer's token cannot write.
	_, _, r = doAs(t, f.ts.URL, sign(t, jwt.SigningMethodHS256, keys.secret, claims("viewer", nil)),
		`mutation { createPerson(input: {key: "eve", name: "Eve"}) { id } }`, nil, nil)
	if r.code() != graph.EFORBIDDEN {
		t.Errorf("viewer token mutating: %+v, want FORBIDDEN", r.Errors)
	}
}

func TestJWTConfig(t *testing.T) {
	keys := newJWTKeys(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	der, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	smallPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for name, cfg := range map[string]server.JWTConfig{
		"NoIssuer":    {Audience: audience, HMACSecret: keys.secret},
		"NoAudience":  {Issuer: issuer, HMACSecret: keys.secret},
		"NoKey":       {Issuer: issuer, Audience: audience},
		"ShortSecret": {Issuer: issuer, Audience: audience, HMACSecret: []byte("short")},
		"NotPEM":      {Issuer: issuer, Audience: audience, RSAPublicPEM: []byte("not a key")},
		"SmallRSAKey": {Issuer: issuer, Audience: audience, RSAPublicPEM: smallPEM},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := server.NewJWTVerifier(cfg); err == nil {
				t.Error("NewJWTVerifier accepted a bad configuration")
			}
		})
	}
}

// TestJWTMissingClaims: a token without iss or aud was refused with a
// message naming exp; the refusal names the claims that are missing.
func TestJWTMissingClaims(t *testing.T) {
	keys := newJWTKeys(t)
	v, err := server.NewJWTVerifier(server.JWTConfig{Issuer: issuer, Audience: audience, HMACSecret: keys.secret})
	if err != nil {
		t.Fatal(err)
	}
	for _, missing := range [][]string{{"iss"}, {"aud"}, {"exp"}, {"iss", "aud"}} {
		t.Run(strings.Join(missing, "+"), func(t *testing.T) {
			token := sign(t, jwt.SigningMethodHS256, keys.secret, claims("viewer", func(c jwt.MapClaims) {
				for _, m := range missing {
					delete(c, m)
				}
			}))
			_, err := v.Verify(token)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, m := range missing {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("refusal %q does not name %s", err, m)
				}
			}
		})
	}
}
