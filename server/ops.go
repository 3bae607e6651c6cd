package server

import (
	"context"
	"errors"
	"net"
	"net/http"
)

// The operations address, if Config.OpsAddr sets one, serves /healthz,
// /readyz and /metrics on a listener of its own: outside the API port's
// connection limits, so that probes still answer when the API port is
// flooded, and private, so that metrics are neither public nor fed by
// whoever can reach the API. The API port then serves no /metrics.

// routeProbes adds /healthz (the process is up) and /readyz (the store
// answers) to mux.
func (s *Server) routeProbes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.ready)
}

// openOps starts the operations listener if one is configured.
func (s *Server) openOps() error {
	if s.cfg.OpsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.OpsAddr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	s.routeProbes(mux)
	mux.Handle("GET /metrics", s.cfg.metrics.handler())
	s.ops = &http.Server{Handler: mux, ReadHeaderTimeout: s.cfg.Conns.ReadHeaderTimeout, IdleTimeout: s.cfg.Conns.IdleTimeout,
		WriteTimeout: s.cfg.Conns.WriteTimeout}
	s.opsLn, s.opsDone = ln, make(chan error, 1)
	go func() { s.opsDone <- s.ops.Serve(ln) }()
	return nil
}

// OpsAddr returns the operations address, "" if there is none.
func (s *Server) OpsAddr() string {
	if s.opsLn == nil {
		return ""
	}
	return s.opsLn.Addr().String()
}

func (s *Server) closeOps(ctx context.Context) error {
	if s.ops == nil {
		return nil
	}
	err := s.ops.Shutdown(ctx)
	if serr := <-s.opsDone; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
