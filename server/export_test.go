package server

import "time"

// Hooks for the tests of package server_test.

// SetClock makes s's rate limits, and its limit of failed authentications,
// read the time from now, so tests count tokens exactly.
func SetClock(s *Server, now func() time.Time) {
	s.cfg.rates.clock = now
	if s.cfg.Auth != nil {
		s.cfg.Auth.failures.clock = now
	}
}
