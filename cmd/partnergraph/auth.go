package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// AuthFlags are serve's access control settings. Off by default, so the
// demo runs without keys; production runs with --auth.
type AuthFlags struct {
	On                                   bool
	PublicRead                           bool
	JWTIssuer, JWTAudience, JWTRoleClaim string
	// The HS256 secret comes from a file or PARTNERGRAPH_JWT_SECRET, never
	// from a flag (flags show in process lists).
	JWTSecretFile, JWTPublicKeyFile string
	jwtSecret                       string

	envErrs []error
}

// newAuthFlags returns the defaults, from the environment where set.
func newAuthFlags() AuthFlags {
	f := AuthFlags{JWTIssuer: os.Getenv("PARTNERGRAPH_JWT_ISSUER"), JWTAudience: os.Getenv("PARTNERGRAPH_JWT_AUDIENCE"),
		JWTRoleClaim: env("PARTNERGRAPH_JWT_ROLE_CLAIM", "role"), JWTSecretFile: os.Getenv("PARTNERGRAPH_JWT_SECRET_FILE"),
		JWTPublicKeyFile: os.Getenv("PARTNERGRAPH_JWT_PUBLIC_KEY_FILE"), jwtSecret: os.Getenv("PARTNERGRAPH_JWT_SECRET")}
	f.On = f.envBool("PARTNERGRAPH_AUTH")
	f.PublicRead = f.envBool("PARTNERGRAPH_PUBLIC_READ")
	return f
}

func (f *AuthFlags) envBool(name string) bool {
	s, ok := os.LookupEnv(name)
	if !ok {
		return false
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		f.envErrs = append(f.envErrs, fmt.Errorf("%s=%q: want true or false", name, s))
	}
	return v
}

func (f *AuthFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.On, "auth", f.On, "require credentials on /graphql: API keys (partnergraph keys) or JWTs (env PARTNERGRAPH_AUTH)")
	fl.BoolVar(&f.PublicRead, "public-read", f.PublicRead, "with --auth, let requests without credentials read as viewers, without personal data (env PARTNERGRAPH_PUBLIC_READ)")
	fl.StringVar(&f.JWTIssuer, "jwt-issuer", f.JWTIssuer, "accept JWTs from this issuer (iss) (env PARTNERGRAPH_JWT_ISSUER)")
	fl.StringVar(&f.JWTAudience, "jwt-audience", f.JWTAudience, "accept JWTs for this audience (aud) (env PARTNERGRAPH_JWT_AUDIENCE)")
	fl.StringVar(&f.JWTRoleClaim, "jwt-role-claim", f.JWTRoleClaim, "claim holding the role(s); a dotted path reaches into objects (env PARTNERGRAPH_JWT_ROLE_CLAIM)")
	fl.StringVar(&f.JWTSecretFile, "jwt-hs256-secret-file", f.JWTSecretFile, "file holding the HS256 shared secret, ≥ 32 bytes (env PARTNERGRAPH_JWT_SECRET_FILE, or the secret itself in PARTNERGRAPH_JWT_SECRET)")
	fl.StringVar(&f.JWTPublicKeyFile, "jwt-rs256-public-key", f.JWTPublicKeyFile, "PEM file with the identity provider's RS256 public key (env PARTNERGRAPH_JWT_PUBLIC_KEY_FILE)")
}

// config returns the server's access control, nil when it is off, and logs
// which it is.
func (f *AuthFlags) config(log zerolog.Logger) (*server.Auth, error) {
	if err := errors.Join(f.envErrs...); err != nil {
		return nil, err
	}
	jwtAsked := f.JWTIssuer != "" || f.JWTAudience != "" || f.JWTSecretFile != "" || f.JWTPublicKeyFile != "" || f.jwtSecret != ""
	if !f.On {
		if f.PublicRead || jwtAsked {
			return nil, errors.New("--public-read and --jwt-* need --auth")
		}
		log.Warn().Msg("access control is off: every request may read and change everything (run with --auth in production)")
		return nil, nil
	}
	auth := &server.Auth{PublicRead: f.PublicRead}
	if jwtAsked {
		cfg := server.JWTConfig{Issuer: f.JWTIssuer, Audience: f.JWTAudience, RoleClaim: f.JWTRoleClaim}
		var err error
		if cfg.HMACSecret, err = f.secret(); err != nil {
			return nil, err
		}
		if f.JWTPublicKeyFile != "" {
			if cfg.RSAPublicPEM, err = os.ReadFile(f.JWTPublicKeyFile); err != nil {
				return nil, fmt.Errorf("--jwt-rs256-public-key: %w", err)
			}
		}
		if auth.JWT, err = server.NewJWTVerifier(cfg); err != nil {
			return nil, err
		}
	}
	log.Info().Bool("public_read", f.PublicRead).Bool("jwt", auth.JWT != nil).
		Msg("access control is on: /graphql needs an API key (partnergraph keys create) or a token")
	return auth, nil
}

// secret returns the HS256 secret, nil if none is configured.
func (f *AuthFlags) secret() ([]byte, error) {
	switch {
	case f.JWTSecretFile != "" && f.jwtSecret != "":
		return nil, errors.New("give the HS256 secret in a file or in PARTNERGRAPH_JWT_SECRET, not both")
	case f.JWTSecretFile != "":
		b, err := os.ReadFile(f.JWTSecretFile)
		if err != nil {
			return nil, fmt.Errorf("--jwt-hs256-secret-file: %w", err)
		}
		return []byte(strings.TrimRight(string(b), "\r\n")), nil
	case f.jwtSecret != "":
		return []byte(f.jwtSecret), nil
	}
	return nil, nil
}
