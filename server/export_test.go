package server

import (
	"time"

	"github.com/vikstrous/dataloadgen"
)

// Hooks for the tests of package server_test: a clock for the rate limits
// and batching that does not depend on a time window.

// SetClock makes s's rate limits, and its limit of failed authentications,
// read the time from now, so tests count tokens exactly.
func SetClock(s *Server, now func() time.Time) {
	s.cfg.rates.clock = now
	if s.cfg.Auth != nil {
		s.cfg.Auth.failures.clock = now
	}
}

// WithLoaderOptions returns cfg whose per-request loaders are built with
// opts.
func WithLoaderOptions(cfg Config, opts ...dataloadgen.Option) Config {
	cfg.loaderOptions = opts
	return cfg
}
