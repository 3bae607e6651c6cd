// Package server is partnergraph's HTTP face: GraphQL at /graphql, a
// GraphiQL page at /, health and readiness probes, request IDs and JSON logs.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/resolvers"
	"github.com/rs/zerolog"
	"github.com/vikstrous/dataloadgen"
)

// Config says what the server serves and how.
type Config struct {
	Store           graph.Store
	Logger          zerolog.Logger
	ComplexityLimit int   // maximum GraphQL query complexity
	MaxBodyBytes    int64 // maximum request body size
	// UploadMemoryBytes: multipart requests (uploads) up to this size are
	// read into memory, larger ones into temporary files (0: 1 MiB).
	UploadMemoryBytes int64
	// MaxUploadBytes bounds each uploaded file's size once decompressed
	// (a .gz upload within MaxBodyBytes may hold far more).
	MaxUploadBytes int64
	PathBudget     time.Duration // time a path search may take
	// SnapshotCacheBytes bounds the analytics snapshot cache's estimated
	// memory (0: snapshot.DefaultCacheBytes).
	SnapshotCacheBytes int64
	// Analytics tunes the background engine of whole-network results
	// (insight.BackgroundOptions; zero values take its defaults).
	Analytics insight.BackgroundOptions
	Limits    Limits     // depth, page size, rate and time limits (limits.go)
	Conns     ConnLimits // connections and their timeouts (conns.go)
	Work      WorkLimits // analytics and path fields computing at once (workers.go)
	Live      LiveLimits // subscriptions over WebSocket (live.go)
	// AllowedHosts are host names, besides loopback ones, that requests
	// arriving on a loopback address may name in their Host (browser.go).
	AllowedHosts []string
	// OpsAddr, if set, is where /healthz, /readyz and /metrics are served
	// apart from the API (ops.go); the API port then serves no /metrics.
	OpsAddr string
	// Admin keeps API keys and the audit log; nil takes Store's own if it
	// has them (auth.go).
	Admin graph.AdminStore
	// Auth turns access control on for /graphql (auth.go); nil lets every
	// request do everything, as the demo does.
	Auth *Auth
	// WarmMap computes the whole network's layout and betweenness as the
	// server starts, so the explorer's first opening need not (warm.go).
	WarmMap bool

	metrics *metrics     // set by New (metrics.go)
	warm    *warmer      // set by New, started if WarmMap (warm.go)
	rates   *rateLimiter // set by New (limits.go)
	// loaderOptions change when the per-request loaders send their
	// batches; only tests set them (export_test.go).
	loaderOptions []dataloadgen.Option
}

// DefaultMaxUploadBytes bounds an uploaded file once decompressed.
const DefaultMaxUploadBytes = 256 << 20

// Server serves the API until Close.
type Server struct {
	cfg     Config
	handler http.Handler
	http    *http.Server
	ln      net.Listener
	done    chan error

	ops     *http.Server // the operations address, if any (ops.go)
	opsLn   net.Listener
	opsDone chan error

	engine *insight.Background // background analytics, stopped by Close
	live   *liveServer         // subscriptions (live.go), stopped by Close
}

// New returns a server for cfg, with defaults for zero limits.
func New(cfg Config) *Server {
	if cfg.ComplexityLimit == 0 {
		cfg.ComplexityLimit = resolvers.DefaultComplexityLimit
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.UploadMemoryBytes == 0 {
		cfg.UploadMemoryBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.PathBudget == 0 {
		cfg.PathBudget = 10 * time.Second
	}
	cfg.warm = newWarmer()
	s := &Server{cfg: withOperations(withAccess(cfg))}
	s.cfg.Conns = s.cfg.Conns.withDefaults(s.cfg.Limits.RequestTimeout)
	s.handler = s.routes()
	s.http = s.cfg.Conns.httpServer(s.handler)
	return s
}

// Open starts listening on addr ("127.0.0.1:0" picks a free port).
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln, s.done = s.cfg.Conns.listener(ln), make(chan error, 1)
	go func() { s.done <- s.http.Serve(s.ln) }()
	return s.openOps()
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops accepting requests and waits, up to ctx's deadline, for
// in-flight requests to finish.
func (s *Server) Close(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	if s.done != nil {
		if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	// No computation may go on reading the store its owner closes next.
	s.cfg.warm.stop()
	s.closeLive() // hijacked connections are not Shutdown's
	if s.engine != nil {
		s.engine.Close()
	}
	return errors.Join(err, s.closeOps(ctx))
}

// Handler returns the routes wrapped in request-ID and logging middleware.
// It is built once, by New: the GraphQL server, its snapshot cache and
// their metrics exist once per Server, however often this is called.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	gql, engine := newGraphQL(s.cfg, s.openLive(s.cfg))
	s.engine = engine
	gql.AddTransport(s.websocket()) // subscriptions (live.go)
	gql.AroundOperations(s.aroundLive)
	api := preventCSRF(guard(s.authenticate(limitRate(gql, s.cfg)), s.cfg), s.cfg.metrics) // browser.go, limits.go, auth.go
	ws := s.serveLive(gql)
	mux.Handle("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isUpgrade(r) {
			ws.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	}))
	if s.cfg.OpsAddr == "" {
		mux.Handle("GET /metrics", s.cfg.metrics.handler())
	}
	mux.Handle("GET /graphiql/", http.FileServerFS(graphiqlAssets))
	mux.Handle("GET /{$}", graphiqlPage()) // graphiql.go
	s.routeProbes(mux)                     // ops.go
	routeExplore(mux)                      // the network explorer page at /explore (explore.go)
	return s.logRequests(s.cfg.metrics.countRequests(checkHost(mux, s.cfg.AllowedHosts, s.cfg.metrics)))
}

// ready answers 200 when the store answers, 503 otherwise.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if _, err := s.cfg.Store.Version(ctx); err != nil {
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("store not ready")
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

type requestInfoKey struct{}

// requestInfo collects what the access log reports about a request.
type requestInfo struct {
	operation string
	status    int
	caller    string // who the request acts for (auth.go)
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

var goodRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// logRequests gives every request an ID (the caller's X-Request-ID if sane),
// a logger carrying it, and one access log line.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !goodRequestID.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		log := s.cfg.Logger.With().Str("request_id", id).Logger()
		info := &requestInfo{status: http.StatusOK}
		ctx := context.WithValue(log.WithContext(r.Context()), requestInfoKey{}, info)
		next.ServeHTTP(&statusWriter{ResponseWriter: w, info: info}, r.WithContext(ctx))
		ev := log.Info()
		if info.status >= 500 {
			ev = log.Error()
		}
		ev.Str("method", r.Method).Str("path", r.URL.Path).Int("status", info.status).
			Str("operation", info.operation).Str("caller", info.caller).Dur("duration", time.Since(start)).Msg("request")
	})
}

type statusWriter struct {
	http.ResponseWriter
	info *requestInfo
}

func (w *statusWriter) WriteHeader(code int) {
	w.info.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
