package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/resolvers"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"
)

// Limits bound the work one request, or one client, can cause. Zero fields
// take the defaults of DefaultLimits.
type Limits struct {
	MaxDepth    int // deepest nesting of fields a document may have
	MaxPageSize int // largest `first` a field accepts (at most graph.MaxPageSize)
	// MaxGraphActors and MaxGraphLinks bound networkGraph's one-answer
	// network (0: insight.DefaultMaxGraphActors, DefaultMaxGraphLinks).
	MaxGraphActors, MaxGraphLinks int
	// MaxTokens and MaxSelections bound a document's size before it is
	// parsed and validated (docsize.go).
	MaxTokens, MaxSelections int
	// RequestTimeout is the time a GraphQL request may take; its store calls
	// and analytics are cancelled then and it answers TIMEOUT.
	RequestTimeout time.Duration
	// StoreTimeout is the time one store call may take. Neo4j receives it as
	// the transaction's timeout (graph/neo4j passes the deadline to the
	// driver's per-transaction timeout), so the server stops work too.
	StoreTimeout time.Duration
	// RateLimit is each client's sustained rate of GraphQL requests per
	// second, RateBurst how many it may send at once; rate.Inf turns the
	// limit off.
	RateLimit rate.Limit
	RateBurst int
	// RateLimitLoopback limits clients on loopback addresses too. They are
	// exempt by default: local tools and tests, and a reverse proxy on the
	// same host, whose clients would all share its address and one bucket.
	RateLimitLoopback bool
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For names the client: a request from one of them is
	// limited, and its failed authentications counted, by the address it
	// forwards for — so a same-host proxy no longer makes every client a
	// loopback one, exempt from both.
	TrustedProxies []netip.Prefix
}

// DefaultLimits returns the limits a server uses unless told otherwise.
func DefaultLimits() Limits {
	return Limits{MaxDepth: 15, MaxPageSize: graph.MaxPageSize, MaxTokens: 10_000, MaxSelections: 500, RequestTimeout: 30 * time.Second,
		StoreTimeout: 15 * time.Second, RateLimit: 50, RateBurst: 100}
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxPageSize <= 0 || l.MaxPageSize > graph.MaxPageSize {
		l.MaxPageSize = d.MaxPageSize
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = d.MaxTokens
	}
	if l.MaxSelections <= 0 {
		l.MaxSelections = d.MaxSelections
	}
	if l.RequestTimeout <= 0 {
		l.RequestTimeout = d.RequestTimeout
	}
	if l.StoreTimeout <= 0 {
		l.StoreTimeout = d.StoreTimeout
	}
	if l.RateLimit <= 0 {
		l.RateLimit = d.RateLimit
	}
	if l.RateBurst <= 0 {
		l.RateBurst = max(d.RateBurst, int(math.Min(2*float64(l.RateLimit), 1e6)))
	}
	return l
}

// Codes of refusals (extensions.code), besides graph's domain codes.
const (
	codeDepth      = "DEPTH_LIMIT_EXCEEDED"
	codeComplexity = "COMPLEXITY_LIMIT_EXCEEDED" // gqlgen's own name for it
	codeRate       = "RATE_LIMITED"
	codeTooLarge   = "REQUEST_TOO_LARGE"
)

// withOperations completes cfg with what New adds around the store and the
// handlers: default limits, metrics, the metered store and the rate limiter.
func withOperations(cfg Config) Config {
	cfg.Limits = cfg.Limits.withDefaults()
	cfg.metrics = newMetrics()
	cfg.Store = newMeteredStore(cfg.Store, cfg.metrics, cfg.Limits.StoreTimeout)
	cfg.rates = newRateLimiter(cfg.Limits.RateLimit, cfg.Limits.RateBurst)
	return cfg
}

// guard wraps the GraphQL handler in the per-request limits — the body size
// and the request's deadline — and its latency metric.
func guard(next http.Handler, cfg Config) http.Handler {
	lim, maxBody, m := cfg.Limits, cfg.MaxBodyBytes, cfg.metrics
	next = m.timeRequests(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Method == http.MethodPost {
			// A body trickling in slowly holds a connection: it gets the
			// request's time too (where the connection allows deadlines).
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(lim.RequestTimeout))
			if !limitBody(w, r, maxBody, m) {
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), lim.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// limitBody holds r's body to maxBody bytes, or refuses r and returns false.
// A GraphQL document is read here, so that a body too large or too slow gets
// a clear answer. Uploads stream on to the multipart transport, which keeps
// small requests in memory and writes larger ones' files to temporary files
// (removed after the request); it decides by the request's length, so one
// of unknown length is taken at the limit and goes to disk, not memory.
func limitBody(w http.ResponseWriter, r *http.Request, maxBody int64, m *metrics) bool {
	tooLarge := func() bool {
		refuse(w, m, http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("the request body is larger than the limit of %d bytes", maxBody))
		return false
	}
	if r.ContentLength > maxBody {
		return tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if isMultipart(r) {
		if r.ContentLength < 0 {
			r.ContentLength = maxBody
		}
		return true
	}
	body, err := io.ReadAll(r.Body)
	var errSize *http.MaxBytesError
	switch {
	case errors.As(err, &errSize):
		return tooLarge()
	case errors.Is(err, os.ErrDeadlineExceeded):
		refuse(w, m, http.StatusRequestTimeout, graph.ETIMEOUT, "the request body took too long to arrive")
		return false
	case err != nil:
		refuse(w, m, http.StatusBadRequest, graph.EINVALID, "could not read the request body")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

func isMultipart(r *http.Request) bool {
	t, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && t == "multipart/form-data"
}

// limitRate refuses a client's requests beyond its rate with 429 and
// Retry-After. It runs after authentication, so that each API key or token
// subject has its own bucket; anonymous callers are told apart by address.
func limitRate(next http.Handler, cfg Config) http.Handler {
	lim := cfg.Limits
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := cfg.rates.allow(rateKey(r, lim), cfg.rates.now()); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			refuse(w, cfg.metrics, http.StatusTooManyRequests, codeRate,
				fmt.Sprintf("too many requests: this client may send %g a second (%d at once); retry after %d s", float64(lim.RateLimit), lim.RateBurst, secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateKey names the bucket of r's caller: its subject (an API key's or a
// token's) when it authenticated, else its address (clientKey).
func rateKey(r *http.Request, lim Limits) string {
	if c := graph.CallerFrom(r.Context()); c.Subject != "" && c.Subject != "anonymous" {
		return "caller:" + c.Subject
	}
	return clientKey(r, lim)
}

// clientKey names an anonymous client by its IPv4 address, or its IPv6 /64
// (what one host or home network is usually given); "" (no limit) for
// loopback addresses unless loopback is limited too. Behind a trusted proxy
// the client is the address it forwards for (clientIP).
func clientKey(r *http.Request, lim Limits) string {
	ip, ok := clientIP(r, lim.TrustedProxies)
	switch {
	case !ok:
		return r.RemoteAddr
	case ip.IsLoopback() && !lim.RateLimitLoopback:
		return ""
	case ip.Is6():
		p, _ := ip.Prefix(64)
		return p.Addr().String()
	}
	return ip.String()
}

// clientIP is the address of r's client: the peer's, or, when the peer is
// a trusted proxy, the nearest address in X-Forwarded-For that is not one
// (walking from the right, as each proxy appends the address it saw; what
// a client writes itself stays to the left of that).
func clientIP(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	ip := ap.Addr().Unmap()
	isTrusted := func(a netip.Addr) bool {
		return slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	if !isTrusted(ip) {
		return ip, true
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing further left
		}
		if a = a.Unmap(); !isTrusted(a) {
			return a, true
		}
	}
	return ip, true
}

// refuse answers a request the limits turn away with a GraphQL-shaped JSON
// error, so clients read every refusal the same way.
func refuse(w http.ResponseWriter, m *metrics, status int, code, msg string) {
	m.countError(code)
	b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// rateLimiter keeps one token bucket per client.
type rateLimiter struct {
	limit     rate.Limit
	burst     int
	mu        sync.Mutex
	clients   map[string]*rateClient
	lastSweep time.Time
	// clock is time.Now unless a test sets it (export_test.go), so tests
	// count tokens exactly instead of racing the refill.
	clock func() time.Time
}

type rateClient struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newRateLimiter(limit rate.Limit, burst int) *rateLimiter {
	return &rateLimiter{limit: limit, burst: burst, clients: map[string]*rateClient{}, clock: time.Now}
}

// now is the limiter's time, to pass to allow and peek.
func (l *rateLimiter) now() time.Time { return l.clock() }

// allow takes a token from key's bucket at now, or says how long until one
// is there. The key "" is not limited.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf || key == "" {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clients[key]
	if c == nil {
		l.sweep(now)
		c = &rateClient{bucket: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	res := c.bucket.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets, at most once a minute, clients whose buckets have filled up
// again: a new bucket is full too, so forgetting them changes nothing.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	refill := time.Duration(float64(l.burst) / float64(l.limit) * float64(time.Second))
	for k, c := range l.clients {
		if now.Sub(c.seen) > refill {
			delete(l.clients, k)
		}
	}
}

// useLimits installs the document limits — depth, page size, cost — on srv.
// A request whose deadline passed before its operation started answers
// TIMEOUT (gqlgen would answer null).
func useLimits(srv *handler.Server, cfg Config) {
	srv.Use(sizeLimit{maxTokens: cfg.Limits.MaxTokens, maxSelections: cfg.Limits.MaxSelections}) // docsize.go
	srv.Use(&documentLimits{depth: cfg.Limits.MaxDepth, page: cfg.Limits.MaxPageSize, cost: cfg.ComplexityLimit})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if ctx.Err() != nil {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: "the request took too long and was stopped",
				Extensions: map[string]any{"code": graph.ETIMEOUT}}}})
		}
		return next(ctx)
	})
}

// documentLimits refuses operations that are too deep, ask for pages larger
// than the limit, or cost more than the complexity limit.
type documentLimits struct {
	depth, page, cost int
	es                graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*documentLimits)(nil)

func (*documentLimits) ExtensionName() string { return "DocumentLimits" }

func (d *documentLimits) Validate(es graphql.ExecutableSchema) error {
	d.es = es
	return nil
}

// MutateOperationContext measures the operation once, with each fragment
// measured once however often it is spread, before gqlgen's cost walk (which
// expands every spread) is allowed to run.
func (d *documentLimits) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	m := &measurer{vars: op.Variables, maxPage: d.page, frags: map[string]shape{}}
	s := m.selections(op.Operation.SelectionSet)
	switch {
	case m.badPage != nil:
		return m.badPage
	case s.depth > d.depth:
		return refusal(codeDepth, "the query nests fields %d deep, deeper than the limit of %d: split it into several queries", s.depth, d.depth)
	case s.fields > d.cost:
		return refusal(codeComplexity, "the query selects %d fields, more than its cost limit of %d allows", s.fields, d.cost)
	}
	if c := complexity.Calculate(ctx, d.es, op.Operation, op.Variables); c > d.cost {
		return refusal(codeComplexity, "the query costs %d, more than the limit of %d: ask for fewer items (first, k) or fewer analytics, or split it", c, d.cost)
	}
	return nil
}

func refusal(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

// shape is what measurer learns about a selection set: its depth and the
// fields it selects once expanded.
type shape struct{ depth, fields int }

// measurer walks an operation, remembering each fragment's shape, so that a
// document whose spreads would expand exponentially is measured in linear time.
type measurer struct {
	vars    map[string]any
	maxPage int
	frags   map[string]shape
	badPage *gqlerror.Error
}

func (m *measurer) selections(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		var c shape
		switch sel := sel.(type) {
		case *ast.Field:
			c = m.field(sel)
		case *ast.InlineFragment:
			c = m.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			c = m.fragment(sel)
		}
		s.depth = max(s.depth, c.depth)
		s.fields = resolvers.AddCost(s.fields, c.fields)
	}
	return s
}

func (m *measurer) fragment(sp *ast.FragmentSpread) shape {
	if s, ok := m.frags[sp.Name]; ok {
		return s
	}
	if sp.Definition == nil {
		return shape{}
	}
	m.frags[sp.Name] = shape{} // validation has rejected cycles; this only guards
	s := m.selections(sp.Definition.SelectionSet)
	m.frags[sp.Name] = s
	return s
}

func (m *measurer) field(f *ast.Field) shape {
	m.checkPage(f)
	s := m.selections(f.SelectionSet)
	s.depth++
	s.fields = resolvers.AddCost(s.fields, 1)
	return s
}

// checkPage records the first `first` argument above the page size limit.
func (m *measurer) checkPage(f *ast.Field) {
	arg := f.Arguments.ForName("first")
	if arg == nil || m.badPage != nil {
		return
	}
	v, err := arg.Value.Value(m.vars)
	if err != nil {
		return
	}
	if n, ok := toInt(v); ok && n > int64(m.maxPage) {
		m.badPage = gqlerror.Errorf("first is %d on %s, more than the largest page of %d: page with after", n, f.Alias, m.maxPage)
		m.badPage.Extensions = map[string]any{"code": graph.EINVALID, "field": "first"}
	}
}

func toInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return int64(min(v, math.MaxInt64)), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}
