package server

import (
	"crypto/tls"
	"fmt"
	"net"
)

// OpenTLS starts listening on addr and serves HTTPS (HTTP/2 and HTTP/1.1,
// TLS 1.2 or later) with the PEM certificate chain and key in the given
// files. A certificate that cannot be loaded is an error before anything
// listens.
func (s *Server) OpenTLS(addr, certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	s.http.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln, s.done = s.cfg.Conns.listener(ln), make(chan error, 1)
	go func() { s.done <- s.http.ServeTLS(s.ln, "", "") }()
	return s.openOps()
}
