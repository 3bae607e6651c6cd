package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, served at /metrics. Each
// server has its own registry, so tests can run many servers in one process.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec // GraphQL request latency by operation
	errors    *prometheus.CounterVec   // GraphQL errors by extensions.code
	http      *prometheus.CounterVec   // HTTP responses by route and status
	analytics *prometheus.HistogramVec // analytics and path fields by field and outcome
	store     *prometheus.HistogramVec // store calls by method and outcome
	recompute *prometheus.HistogramVec // background computations of whole-network results, by outcome
	inFlight  prometheus.Gauge         // store calls under way
	liveConns prometheus.Gauge         // WebSocket connections open (live.go)

	operations, codes *labelSet

	cache atomic.Pointer[snapshot.Cache] // set by observe
}

// Latency buckets from 1 ms to 30 s (the default request timeout).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_graphql_request_duration_seconds", Buckets: latencyBuckets,
			Help: "Time to answer a GraphQL request, by operation name (anonymous; invalid when none was run).",
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code, including requests refused by the limits.",
		}, []string{"code"}),
		http: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "partnergraph_http_requests_total",
			Help: "HTTP requests answered, by route and status code.",
		}, []string{"route", "status"}),
		analytics: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_analytics_duration_seconds", Buckets: latencyBuckets,
			Help: "Time to resolve an analytics or path field (snapshot and algorithm), by field and outcome.",
		}, []string{"field", "outcome"}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_store_call_duration_seconds", Buckets: latencyBuckets,
			Help: "Time of a store call, by method and outcome (ok or an error code).",
		}, []string{"method", "outcome"}),
		recompute: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "partnergraph_analytics_recompute_duration_seconds", Buckets: recomputeBuckets,
			Help: "Time of a background computation of a whole-network result (snapshot and algorithm), by outcome; its count is the recomputations.",
		}, []string{"outcome"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_store_calls_in_flight",
			Help: "Store calls under way (on Neo4j, the sessions and connections in use).",
		}),
		liveConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "partnergraph_live_connections",
			Help: "WebSocket connections open for subscriptions.",
		}),
		operations: newLabelSet(200),
		codes:      newLabelSet(50),
	}
	m.reg.MustRegister(m.requests, m.errors, m.http, m.analytics, m.store, m.recompute, m.inFlight, m.liveConns,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "partnergraph_snapshot_cache_hits_total",
			Help: "Analytics snapshots served from the cache.",
		}, func() float64 { return m.cacheCount(func(c *snapshot.Cache) int64 { return c.Hits.Load() }) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "partnergraph_snapshot_cache_misses_total",
			Help: "Analytics snapshots built because the cache had none for the scope and store version.",
		}, func() float64 { return m.cacheCount(func(c *snapshot.Cache) int64 { return c.Misses.Load() }) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "partnergraph_snapshot_base_scans_total",
			Help: "Times the cache read the whole store: at first, and when the change log could not say what changed.",
		}, func() float64 { return m.cacheCount(func(c *snapshot.Cache) int64 { return c.Scans.Load() }) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "partnergraph_snapshot_base_follows_total",
			Help: "Times the cache brought its network up to date from the store's change log.",
		}, func() float64 { return m.cacheCount(func(c *snapshot.Cache) int64 { return c.Follows.Load() }) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "partnergraph_snapshot_cache_bytes",
			Help: "Estimated memory held by the snapshot cache: the base network and the scopes' snapshots.",
		}, func() float64 { return m.cacheCount((*snapshot.Cache).Bytes) }))
	return m
}

// Background computations may run for minutes on a large network.
var recomputeBuckets = []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// observeLive counts the subscriptions hub serves.
func (m *metrics) observeLive(hub *live.Hub) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "partnergraph_live_subscriptions",
		Help: "GraphQL subscriptions open (following the change log).",
	}, func() float64 { return float64(hub.Subscribers()) }))
}

// observeRecompute records one background computation.
func (m *metrics) observeRecompute(d time.Duration, err error) {
	m.recompute.WithLabelValues(outcome(err)).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) cacheCount(f func(*snapshot.Cache) int64) float64 {
	if c := m.cache.Load(); c != nil {
		return float64(f(c))
	}
	return 0
}

func (m *metrics) countError(code string) {
	if code == "" {
		code = "NONE"
	}
	m.errors.WithLabelValues(m.codes.label(code)).Inc()
}

// countRequests counts every HTTP response by the route that served it.
func (m *metrics) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern // set by the ServeMux on r itself
		if route == "" {
			route = "unmatched"
		}
		m.http.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type operationKey struct{}

// timeRequests observes each GraphQL request's latency under the name of the
// operation it ran, which observe's operation hook writes into the context.
func (m *metrics) timeRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		op := new(string)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), operationKey{}, op)))
		name := *op
		if name == "" {
			name = "invalid"
		}
		m.requests.WithLabelValues(name).Observe(time.Since(start).Seconds())
	})
}

// analyticsFields are the fields whose resolution time is observed, keyed
// without building a string for every field resolved.
var analyticsFields = map[fieldKey]bool{}

type fieldKey struct{ object, field string }

func init() {
	for object, fields := range map[string][]string{
		"Query": {"brokers", "brokerageRoles", "structuralHoles", "cutpoints", "bridges", "removalImpact", "networkSummary",
			"brokerProfile", "brokerHistory", "brokerTrends", "knowledgePaths", "allShortestPaths", "introducers", "connectionResilience",
			"reach", "reachableBy", "neighbourhood", "brokerMovesSince", "communityHistory"},
		"NetworkSummary": {"topBrokers"},
		// A profile computes each part when it is selected.
		"BrokerProfile": {"betweenness", "degree", "closeness", "constraint", "effectiveSize", "brokerage", "isCutpoint",
			"bridgedPairs", "bridgedPairCount", "irreplaceablePairs", "substitutes"},
	} {
		for _, f := range fields {
			analyticsFields[fieldKey{object, f}] = true
		}
	}
}

// observe hooks the metrics into a GraphQL handler and its snapshot cache.
func (m *metrics) observe(srv *handler.Server, cache *snapshot.Cache) {
	m.cache.Store(cache)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op, _ := ctx.Value(operationKey{}).(*string); op != nil {
			*op = "anonymous"
			if o := graphql.GetOperationContext(ctx).Operation; o != nil && o.Name != "" {
				*op = m.operations.label(o.Name)
			}
		}
		return next(ctx)
	})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				m.countError(code)
			}
		}
		return resp
	})
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Field.Field == nil || !analyticsFields[fieldKey{fc.Object, fc.Field.Name}] {
			return next(ctx)
		}
		start := time.Now()
		res, err := next(ctx)
		name := fc.Field.Name
		if fc.Object != "Query" {
			name = fc.Object + "." + name
		}
		m.analytics.WithLabelValues(name, outcome(err)).Observe(time.Since(start).Seconds())
		return res, err
	})
}

// outcome labels a call's result: ok, or the code its error would carry.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.DeadlineExceeded):
		return graph.ETIMEOUT
	case errors.Is(err, context.Canceled):
		return "CANCELED"
	}
	return graph.ErrorCode(err)
}

// labelSet keeps a label's values to a bounded set, since operation names
// come from clients: values beyond the first max are reported as "other".
type labelSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

func newLabelSet(max int) *labelSet { return &labelSet{max: max, seen: map[string]bool{}} }

func (s *labelSet) label(v string) string {
	if len(v) > 64 {
		return "other"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.seen[v] {
		if len(s.seen) >= s.max {
			return "other"
		}
		s.seen[v] = true
	}
	return v
}
