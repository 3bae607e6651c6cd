package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/insight"
	"github.com/partnergraph/partnergraph/graph/snapshot"
	"github.com/partnergraph/partnergraph/resolvers"
	"github.com/partnergraph/partnergraph/server"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"golang.org/x/time/rate"
)

// ServeFlags are serve's limits and TLS settings. Environment variables give
// the defaults (see the README's configuration table); flags override them.
type ServeFlags struct {
	MaxDepth        int
	MaxComplexity   int
	MaxPageSize     int
	MaxTokens       int
	MaxSelections   int
	MaxBodyBytes    int64
	MaxUploadBytes  int64
	Conns           server.ConnLimits
	Work            server.WorkLimits
	Live            server.LiveLimits // subscriptions over WebSocket
	AllowedHosts    []string          // host names besides loopback ones a loopback listener answers
	OpsAddr         string            // where probes and metrics are served apart, if set
	RateLimit       float64           // requests a second per client; 0 turns the limit off
	RateBurst       int
	RateLoopback    bool     // limit loopback clients too
	TrustedProxies  []string // addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed
	RequestTimeout  time.Duration
	StoreTimeout    time.Duration
	PathBudget      time.Duration
	CacheBytes      int64         // bound on the snapshot cache's memory
	AnalyticsBudget time.Duration // time one background computation may take
	ExactLimit      int64         // n·m above which betweenness is estimated
	TLSCert, TLSKey string

	envErrs []error // malformed environment variables, reported by check
}

// newServeFlags returns the server's defaults, from the environment where set.
func newServeFlags() ServeFlags {
	d := server.DefaultLimits()
	f := ServeFlags{TLSCert: os.Getenv("PARTNERGRAPH_TLS_CERT"), TLSKey: os.Getenv("PARTNERGRAPH_TLS_KEY")}
	f.MaxDepth = envValue(&f, "PARTNERGRAPH_MAX_DEPTH", d.MaxDepth, strconv.Atoi)
	f.MaxComplexity = envValue(&f, "PARTNERGRAPH_MAX_COMPLEXITY", resolvers.DefaultComplexityLimit, strconv.Atoi)
	f.MaxPageSize = envValue(&f, "PARTNERGRAPH_MAX_PAGE_SIZE", d.MaxPageSize, strconv.Atoi)
	f.MaxTokens = envValue(&f, "PARTNERGRAPH_MAX_TOKENS", d.MaxTokens, strconv.Atoi)
	f.MaxSelections = envValue(&f, "PARTNERGRAPH_MAX_SELECTIONS", d.MaxSelections, strconv.Atoi)
	f.MaxBodyBytes = envValue(&f, "PARTNERGRAPH_MAX_BODY_BYTES", 1<<20, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	if h := os.Getenv("PARTNERGRAPH_ALLOWED_HOSTS"); h != "" {
		f.AllowedHosts = strings.Split(h, ",")
	}
	if p := os.Getenv("PARTNERGRAPH_TRUSTED_PROXIES"); p != "" {
		f.TrustedProxies = strings.Split(p, ",")
	}
	f.MaxUploadBytes = envValue(&f, "PARTNERGRAPH_MAX_UPLOAD_UNCOMPRESSED_BYTES", int64(server.DefaultMaxUploadBytes), func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	f.Work.Workers = envValue(&f, "PARTNERGRAPH_ANALYTICS_WORKERS", 0, strconv.Atoi)
	f.Work.Queue = envValue(&f, "PARTNERGRAPH_ANALYTICS_QUEUE", 64, strconv.Atoi)
	f.OpsAddr = os.Getenv("PARTNERGRAPH_OPS_ADDR")
	c := server.DefaultConnLimits()
	f.Conns.MaxConns = envValue(&f, "PARTNERGRAPH_MAX_CONNS", c.MaxConns, strconv.Atoi)
	f.Conns.MaxConnsPerClient = envValue(&f, "PARTNERGRAPH_MAX_CONNS_PER_CLIENT", c.MaxConnsPerClient, strconv.Atoi)
	f.Conns.ReadHeaderTimeout = envValue(&f, "PARTNERGRAPH_READ_HEADER_TIMEOUT", c.ReadHeaderTimeout, time.ParseDuration)
	f.Conns.IdleTimeout = envValue(&f, "PARTNERGRAPH_IDLE_TIMEOUT", c.IdleTimeout, time.ParseDuration)
	f.Conns.WriteTimeout = envValue(&f, "PARTNERGRAPH_WRITE_TIMEOUT", c.WriteTimeout, time.ParseDuration)
	l := server.DefaultLiveLimits()
	f.Live = l
	f.Live.MaxConnsPerClient = envValue(&f, "PARTNERGRAPH_LIVE_CONNS_PER_CLIENT", l.MaxConnsPerClient, strconv.Atoi)
	f.Live.MaxSubscriptions = envValue(&f, "PARTNERGRAPH_LIVE_SUBSCRIPTIONS_PER_CONN", l.MaxSubscriptions, strconv.Atoi)
	f.Live.IdleTimeout = envValue(&f, "PARTNERGRAPH_LIVE_IDLE_TIMEOUT", l.IdleTimeout, time.ParseDuration)
	f.Live.Queue = envValue(&f, "PARTNERGRAPH_LIVE_QUEUE", l.Queue, strconv.Atoi)
	f.RateLimit = envValue(&f, "PARTNERGRAPH_RATE_LIMIT", float64(d.RateLimit), func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	f.RateBurst = envValue(&f, "PARTNERGRAPH_RATE_BURST", d.RateBurst, strconv.Atoi)
	f.RateLoopback = envValue(&f, "PARTNERGRAPH_RATE_LIMIT_LOOPBACK", false, strconv.ParseBool)
	f.RequestTimeout = envValue(&f, "PARTNERGRAPH_REQUEST_TIMEOUT", d.RequestTimeout, time.ParseDuration)
	f.StoreTimeout = envValue(&f, "PARTNERGRAPH_STORE_TIMEOUT", d.StoreTimeout, time.ParseDuration)
	f.PathBudget = envValue(&f, "PARTNERGRAPH_PATH_BUDGET", 10*time.Second, time.ParseDuration)
	f.CacheBytes = envValue(&f, "PARTNERGRAPH_SNAPSHOT_CACHE_BYTES", int64(snapshot.DefaultCacheBytes), func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	f.AnalyticsBudget = envValue(&f, "PARTNERGRAPH_ANALYTICS_BUDGET", insight.DefaultBackgroundBudget, time.ParseDuration)
	f.ExactLimit = envValue(&f, "PARTNERGRAPH_EXACT_BETWEENNESS_LIMIT", insight.DefaultExactLimit, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
	return f
}

// envValue parses the variable name if it is set, or returns def; a value
// that does not parse is kept for check to report.
func envValue[T any](f *ServeFlags, name string, def T, parse func(string) (T, error)) T {
	s, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	v, err := parse(s)
	if err != nil {
		f.envErrs = append(f.envErrs, fmt.Errorf("%s=%q: not a valid value", name, s))
		return def
	}
	return v
}

func (f *ServeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.MaxDepth, "max-depth", f.MaxDepth, "deepest nesting of fields a query may have (env PARTNERGRAPH_MAX_DEPTH)")
	fl.IntVar(&f.MaxComplexity, "max-complexity", f.MaxComplexity, "largest cost a query may have; a field costs 1, lists times their first, analytics and paths more (env PARTNERGRAPH_MAX_COMPLEXITY)")
	fl.IntVar(&f.MaxPageSize, "max-page-size", f.MaxPageSize, fmt.Sprintf("largest first a query may ask for, at most %d (env PARTNERGRAPH_MAX_PAGE_SIZE)", graph.MaxPageSize))
	fl.IntVar(&f.MaxTokens, "max-tokens", f.MaxTokens, "most lexical tokens a query document may have (env PARTNERGRAPH_MAX_TOKENS)")
	fl.IntVar(&f.MaxSelections, "max-selections", f.MaxSelections, "most field selections a query document may have, counted before validation (env PARTNERGRAPH_MAX_SELECTIONS)")
	fl.Int64Var(&f.MaxBodyBytes, "max-body-bytes", f.MaxBodyBytes, "largest request body, in bytes (env PARTNERGRAPH_MAX_BODY_BYTES)")
	fl.Int64Var(&f.MaxUploadBytes, "max-upload-uncompressed-bytes", f.MaxUploadBytes, "largest size of an uploaded file once decompressed (env PARTNERGRAPH_MAX_UPLOAD_UNCOMPRESSED_BYTES)")
	fl.IntVar(&f.Work.Workers, "analytics-workers", f.Work.Workers, "analytics and path fields computing at once, 0 for one per CPU (env PARTNERGRAPH_ANALYTICS_WORKERS)")
	fl.IntVar(&f.Work.Queue, "analytics-queue", f.Work.Queue, "analytics and path fields that may wait for a worker; more are refused with OVERLOADED (env PARTNERGRAPH_ANALYTICS_QUEUE)")
	fl.IntVar(&f.Conns.MaxConns, "max-conns", f.Conns.MaxConns, "most connections open at once (env PARTNERGRAPH_MAX_CONNS)")
	fl.IntVar(&f.Conns.MaxConnsPerClient, "max-conns-per-client", f.Conns.MaxConnsPerClient, "most connections one client address (IPv4, IPv6 /64) may hold, -1 for no limit (env PARTNERGRAPH_MAX_CONNS_PER_CLIENT)")
	fl.DurationVar(&f.Conns.ReadHeaderTimeout, "read-header-timeout", f.Conns.ReadHeaderTimeout, "time a client has to send a request's headers (env PARTNERGRAPH_READ_HEADER_TIMEOUT)")
	fl.DurationVar(&f.Conns.IdleTimeout, "idle-timeout", f.Conns.IdleTimeout, "time an idle keep-alive connection is kept (env PARTNERGRAPH_IDLE_TIMEOUT)")
	fl.IntVar(&f.Live.MaxConnsPerClient, "live-conns-per-client", f.Live.MaxConnsPerClient, "most WebSocket (subscription) connections one client address may hold, -1 for no limit (env PARTNERGRAPH_LIVE_CONNS_PER_CLIENT)")
	fl.IntVar(&f.Live.MaxSubscriptions, "live-subscriptions-per-conn", f.Live.MaxSubscriptions, "most subscriptions one WebSocket connection may hold (env PARTNERGRAPH_LIVE_SUBSCRIPTIONS_PER_CONN)")
	fl.DurationVar(&f.Live.IdleTimeout, "live-idle-timeout", f.Live.IdleTimeout, "time a WebSocket connection without subscriptions is kept (env PARTNERGRAPH_LIVE_IDLE_TIMEOUT)")
	fl.IntVar(&f.Live.Queue, "live-queue", f.Live.Queue, "events that may wait for one subscriber before it is dropped as too slow (env PARTNERGRAPH_LIVE_QUEUE)")
	fl.DurationVar(&f.Conns.WriteTimeout, "write-timeout", f.Conns.WriteTimeout, "time from a request's headers to the end of its answer; 0 is the request timeout plus 15s (env PARTNERGRAPH_WRITE_TIMEOUT)")
	fl.StringVar(&f.OpsAddr, "ops-addr", f.OpsAddr, "serve /healthz, /readyz and /metrics on this address too, outside the API's connection limits, and /metrics only there (env PARTNERGRAPH_OPS_ADDR)")
	fl.StringSliceVar(&f.AllowedHosts, "allowed-hosts", f.AllowedHosts, "host names a server on a loopback address answers besides localhost and loopback addresses, against DNS rebinding (env PARTNERGRAPH_ALLOWED_HOSTS, comma-separated)")
	fl.Float64Var(&f.RateLimit, "rate-limit", f.RateLimit, "GraphQL requests a second each client may send, 0 for no limit (env PARTNERGRAPH_RATE_LIMIT)")
	fl.IntVar(&f.RateBurst, "rate-burst", f.RateBurst, "requests a client may send at once above the rate (env PARTNERGRAPH_RATE_BURST)")
	fl.StringSliceVar(&f.TrustedProxies, "trusted-proxies", f.TrustedProxies, "addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client, for rate limits and failed-authentication limits (env PARTNERGRAPH_TRUSTED_PROXIES, comma-separated)")
	fl.BoolVar(&f.RateLoopback, "rate-limit-loopback", f.RateLoopback, "rate-limit clients on loopback addresses too (env PARTNERGRAPH_RATE_LIMIT_LOOPBACK)")
	fl.DurationVar(&f.RequestTimeout, "request-timeout", f.RequestTimeout, "time a GraphQL request may take (env PARTNERGRAPH_REQUEST_TIMEOUT)")
	fl.DurationVar(&f.StoreTimeout, "store-timeout", f.StoreTimeout, "time one store call may take; Neo4j's transaction timeout (env PARTNERGRAPH_STORE_TIMEOUT)")
	fl.DurationVar(&f.PathBudget, "path-budget", f.PathBudget, "time a path search may take (env PARTNERGRAPH_PATH_BUDGET)")
	fl.Int64Var(&f.CacheBytes, "snapshot-cache-bytes", f.CacheBytes, "memory the analytics snapshot cache may hold, in bytes (env PARTNERGRAPH_SNAPSHOT_CACHE_BYTES)")
	fl.DurationVar(&f.AnalyticsBudget, "analytics-budget", f.AnalyticsBudget, "time one background computation of a whole-network result may take (env PARTNERGRAPH_ANALYTICS_BUDGET)")
	fl.Int64Var(&f.ExactLimit, "exact-betweenness-limit", f.ExactLimit, "actors × ties above which betweenness is estimated with a guarantee instead of computed exactly (env PARTNERGRAPH_EXACT_BETWEENNESS_LIMIT)")
	fl.StringVar(&f.TLSCert, "tls-cert", f.TLSCert, "serve HTTPS with this PEM certificate chain (env PARTNERGRAPH_TLS_CERT; needs --tls-key)")
	fl.StringVar(&f.TLSKey, "tls-key", f.TLSKey, "PEM private key of --tls-cert (env PARTNERGRAPH_TLS_KEY)")
}

// check reports malformed environment variables and values out of range.
func (f *ServeFlags) check() error {
	errs := append([]error(nil), f.envErrs...)
	positive := func(name string, ok bool) {
		if !ok {
			errs = append(errs, fmt.Errorf("--%s must be positive", name))
		}
	}
	positive("max-depth", f.MaxDepth > 0)
	positive("max-complexity", f.MaxComplexity > 0)
	positive("max-tokens", f.MaxTokens > 0)
	positive("max-selections", f.MaxSelections > 0)
	positive("max-body-bytes", f.MaxBodyBytes > 0)
	positive("max-upload-uncompressed-bytes", f.MaxUploadBytes > 0)
	positive("analytics-queue", f.Work.Queue > 0)
	if f.Work.Workers < 0 {
		errs = append(errs, errors.New("--analytics-workers must not be negative (0 is one per CPU)"))
	}
	positive("max-conns", f.Conns.MaxConns > 0)
	positive("read-header-timeout", f.Conns.ReadHeaderTimeout > 0)
	positive("idle-timeout", f.Conns.IdleTimeout > 0)
	if f.Conns.WriteTimeout != 0 && f.Conns.WriteTimeout <= f.RequestTimeout {
		errs = append(errs, errors.New("--write-timeout must be longer than --request-timeout (or 0)"))
	}
	if f.Conns.MaxConnsPerClient == 0 || f.Conns.MaxConnsPerClient < -1 {
		errs = append(errs, errors.New("--max-conns-per-client must be positive, or -1 for no limit"))
	}
	if f.Live.MaxConnsPerClient == 0 || f.Live.MaxConnsPerClient < -1 {
		errs = append(errs, errors.New("--live-conns-per-client must be positive, or -1 for no limit"))
	}
	positive("live-subscriptions-per-conn", f.Live.MaxSubscriptions > 0)
	positive("live-idle-timeout", f.Live.IdleTimeout > 0)
	positive("live-queue", f.Live.Queue > 0)
	positive("rate-burst", f.RateBurst > 0)
	positive("request-timeout", f.RequestTimeout > 0)
	positive("store-timeout", f.StoreTimeout > 0)
	positive("path-budget", f.PathBudget > 0)
	positive("snapshot-cache-bytes", f.CacheBytes > 0)
	positive("analytics-budget", f.AnalyticsBudget > 0)
	positive("exact-betweenness-limit", f.ExactLimit > 0)
	if f.MaxPageSize < 1 || f.MaxPageSize > graph.MaxPageSize {
		errs = append(errs, fmt.Errorf("--max-page-size must be between 1 and %d", graph.MaxPageSize))
	}
	if f.RateLimit < 0 {
		errs = append(errs, errors.New("--rate-limit must not be negative (0 turns it off)"))
	}
	if _, err := f.proxies(); err != nil {
		errs = append(errs, err)
	}
	if (f.TLSCert == "") != (f.TLSKey == "") {
		errs = append(errs, errors.New("--tls-cert and --tls-key go together"))
	}
	return errors.Join(errs...)
}

// config returns the server's configuration over store.
func (f *ServeFlags) config(store graph.Store, log zerolog.Logger) server.Config {
	lim := server.Limits{MaxDepth: f.MaxDepth, MaxPageSize: f.MaxPageSize, MaxTokens: f.MaxTokens, MaxSelections: f.MaxSelections, RequestTimeout: f.RequestTimeout,
		StoreTimeout: f.StoreTimeout, RateLimit: rate.Limit(f.RateLimit), RateBurst: f.RateBurst, RateLimitLoopback: f.RateLoopback}
	if f.RateLimit == 0 {
		lim.RateLimit = rate.Inf
	}
	lim.TrustedProxies, _ = f.proxies() // check reported any error
	return server.Config{Store: store, Logger: log, ComplexityLimit: f.MaxComplexity, MaxBodyBytes: f.MaxBodyBytes,
		MaxUploadBytes: f.MaxUploadBytes, PathBudget: f.PathBudget, SnapshotCacheBytes: f.CacheBytes,
		Analytics: insight.BackgroundOptions{Budget: f.AnalyticsBudget, ExactLimit: f.ExactLimit}, WarmMap: true, Limits: lim, Conns: f.Conns, Work: f.Work, Live: f.Live, AllowedHosts: f.AllowedHosts, OpsAddr: f.OpsAddr}
}

// proxies parses --trusted-proxies: addresses (one host) or CIDR ranges.
func (f *ServeFlags) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range f.TrustedProxies {
		s = strings.TrimSpace(s)
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR range", s)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// open starts s on addr, over TLS if a certificate is set.
func (f *ServeFlags) open(s *server.Server, addr string) error {
	if f.TLSCert != "" {
		return s.OpenTLS(addr, f.TLSCert, f.TLSKey)
	}
	return s.Open(addr)
}

// scheme is the URL scheme the server answers.
func (f *ServeFlags) scheme() string {
	if f.TLSCert != "" {
		return "https"
	}
	return "http"
}
