package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
)

// Auth turns access control on for /graphql. Requests then authenticate with
// `Authorization: Bearer CREDENTIAL`, an API key (kept by Config.Admin) or a
// JWT from an identity provider (JWT). Missing or bad credentials are
// refused with 401 before any GraphQL runs; what an authenticated caller may
// do is decided per field by its role (resolvers/access.go). Health,
// readiness, metrics and the GraphiQL and explorer pages stay open.
type Auth struct {
	// PublicRead lets requests without credentials read as viewers (without
	// personal contact data). Bad credentials are still refused.
	PublicRead bool
	// JWT accepts bearer tokens; nil accepts API keys only.
	JWT *JWTVerifier

	failures *rateLimiter // failed authentications per client address (set by New)
}

// Failed authentications are limited per client address, apart from the
// request rate limit (which runs after authentication, per caller): once a
// client has failed failureBurst times, it may fail about once a second, and
// is refused with 429 before its credentials are looked up. So bad keys
// cannot make the store work at the rate of requests.
const (
	failureRate  = rate.Limit(1)
	failureBurst = 20
)

// codeUnauthenticated is the extensions.code of a 401 answer.
const codeUnauthenticated = "UNAUTHENTICATED"

// withAccess completes cfg's access control: Config.Admin from the store
// when it has an administrative side and none was given (before New wraps
// the store in metrics), and a limiter of failed authentications.
func withAccess(cfg Config) Config {
	if cfg.Admin == nil {
		cfg.Admin, _ = cfg.Store.(graph.AdminStore)
	}
	if cfg.Auth != nil {
		a := *cfg.Auth
		a.failures = newRateLimiter(failureRate, failureBurst)
		cfg.Auth = &a
	}
	return cfg
}

// authError is why a request's credentials were refused, in words safe to
// send back.
type authError struct {
	msg       string
	presented bool // credentials were sent (and are invalid), not missing
	status    int  // 401, or 503 when they could not be checked
}

func (e *authError) Error() string { return e.msg }

// authenticate puts the request's graph.Caller into its context and its
// identity into every log line, or refuses the request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := zerolog.Ctx(r.Context())
		client := clientKey(r, s.cfg.Limits)
		if wait, ok := s.failuresAllowed(client); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			refuse(w, s.cfg.metrics, http.StatusTooManyRequests, codeRate, "too many failed authentications from this address; retry later")
			return
		}
		c, err := s.caller(r)
		if err != nil {
			var ae *authError
			errors.As(err, &ae)
			if ae.status == http.StatusUnauthorized {
				s.cfg.Auth.failures.allow(client, s.cfg.Auth.failures.now()) // counts the failure
			}
			log.Info().Str("reason", ae.msg).Msg("authentication failed")
			if ae.status == http.StatusUnauthorized {
				challenge := `Bearer realm="partnergraph"`
				if ae.presented {
					challenge += `, error="invalid_token"`
				}
				w.Header().Set("WWW-Authenticate", challenge)
			}
			refuse(w, s.cfg.metrics, ae.status, codeUnauthenticated, ae.msg)
			return
		}
		if info := requestInfoFrom(r.Context()); info != nil {
			info.caller = c.Subject
		}
		// A new logger rather than UpdateContext: the context's logger may be
		// a shared default, which other requests use at the same time.
		lc := log.With().Str("caller", c.Subject).Str("role", string(c.Role))
		if c.Name != "" {
			lc = lc.Str("caller_name", c.Name)
		}
		l := lc.Logger()
		next.ServeHTTP(w, r.WithContext(graph.WithCaller(l.WithContext(r.Context()), c)))
	})
}

// caller returns who r acts for.
func (s *Server) caller(r *http.Request) (graph.Caller, error) {
	return s.callerFor(r.Context(), r.Header.Get("Authorization"), r.Method == http.MethodOptions)
}

// callerFor returns who a request with the Authorization header h acts
// for (a preflight carries none); WebSocket connections send theirs in
// connection_init (live.go). Without access control, everyone is an
// administrator (the demo runs so); with it, the bearer credential decides.
func (s *Server) callerFor(ctx context.Context, h string, preflight bool) (graph.Caller, error) {
	auth := s.cfg.Auth
	if auth == nil {
		return graph.Caller{Subject: "anonymous", Role: graph.AccessAdmin}, nil
	}
	switch {
	case h == "" && (auth.PublicRead || preflight):
		// A CORS preflight carries no credentials and runs nothing.
		role := graph.AccessNone
		if auth.PublicRead {
			role = graph.AccessViewer
		}
		return graph.Caller{Subject: "anonymous", Role: role}, nil
	case h == "":
		return graph.Caller{}, &authError{msg: "authentication required: send Authorization: Bearer with an API key or token", status: http.StatusUnauthorized}
	}
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return graph.Caller{}, &authError{msg: "the Authorization header must be Bearer followed by an API key or token", presented: true, status: http.StatusUnauthorized}
	}
	if graph.IsAPIKey(cred) {
		return s.keyCaller(ctx, cred)
	}
	if auth.JWT == nil {
		return graph.Caller{}, &authError{msg: "the credential is not a valid API key", presented: true, status: http.StatusUnauthorized}
	}
	c, err := auth.JWT.Verify(cred)
	if err != nil {
		return graph.Caller{}, &authError{msg: err.Error(), presented: true, status: http.StatusUnauthorized}
	}
	return c, nil
}

// keyCaller looks an API key up by the hash of its secret.
func (s *Server) keyCaller(ctx context.Context, secret string) (graph.Caller, error) {
	invalid := &authError{msg: "the API key is not valid (unknown or revoked)", presented: true, status: http.StatusUnauthorized}
	if s.cfg.Admin == nil {
		return graph.Caller{}, invalid
	}
	k, err := s.cfg.Admin.KeyByHash(ctx, graph.HashAPIKey(secret))
	switch {
	case graph.ErrorCode(err) == graph.ENOTFOUND:
		return graph.Caller{}, invalid
	case err != nil:
		zerolog.Ctx(ctx).Error().Err(err).Msg("look up API key")
		return graph.Caller{}, &authError{msg: "credentials could not be checked; try again", status: http.StatusServiceUnavailable}
	case !k.Revoked.IsZero():
		return graph.Caller{}, invalid
	}
	return k.Caller(), nil
}

// failuresAllowed reports whether client may still fail to authenticate,
// or how long until it may.
func (s *Server) failuresAllowed(client string) (time.Duration, bool) {
	if s.cfg.Auth == nil {
		return 0, true
	}
	f := s.cfg.Auth.failures
	return f.peek(client, f.now())
}

// peek reports, without taking a token, whether key's bucket holds one at
// now, or how long until it does.
func (l *rateLimiter) peek(key string, now time.Time) (time.Duration, bool) {
	if l.limit == rate.Inf || key == "" {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clients[key]
	if c == nil {
		return 0, true
	}
	if t := c.bucket.TokensAt(now); t < 1 {
		return time.Duration((1 - t) / float64(l.limit) * float64(time.Second)), false
	}
	return 0, true
}
