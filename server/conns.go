package server

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/netutil"
)

// ConnLimits bound the connections the server holds, so that no client —
// authenticated or not — can make it refuse everyone else by opening
// connections and leaving them idle (20,000 idle keep-alive connections
// once exhausted its file descriptors). Zero fields take the defaults of
// DefaultConnLimits.
type ConnLimits struct {
	// MaxConns bounds the connections open at once; beyond it the server
	// stops accepting until one closes.
	MaxConns int
	// MaxConnsPerClient bounds one client address's connections (an IPv4
	// address or an IPv6 /64); beyond it new connections are closed at once,
	// so one client cannot take every slot of MaxConns. -1 turns it off.
	MaxConnsPerClient int
	// ReadHeaderTimeout is the time a client has to send a request's
	// headers, IdleTimeout how long a keep-alive connection may wait for
	// its next request, WriteTimeout the time from a request's headers to
	// the end of its answer (it must exceed the request timeout).
	ReadHeaderTimeout, IdleTimeout, WriteTimeout time.Duration
}

// DefaultConnLimits returns the connection limits a server uses unless told
// otherwise; WriteTimeout 0 means the request timeout plus 15 s.
func DefaultConnLimits() ConnLimits {
	return ConnLimits{MaxConns: 2048, MaxConnsPerClient: 128, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
}

func (c ConnLimits) withDefaults(requestTimeout time.Duration) ConnLimits {
	d := DefaultConnLimits()
	if c.MaxConns <= 0 {
		c.MaxConns = d.MaxConns
	}
	if c.MaxConnsPerClient == 0 {
		c.MaxConnsPerClient = d.MaxConnsPerClient
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = d.IdleTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = requestTimeout + 15*time.Second
	}
	return c
}

// httpServer returns an http.Server for h with c's timeouts.
func (c ConnLimits) httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: c.ReadHeaderTimeout, IdleTimeout: c.IdleTimeout, WriteTimeout: c.WriteTimeout}
}

// listener wraps ln in the per-client and total connection limits.
func (c ConnLimits) listener(ln net.Listener) net.Listener {
	if c.MaxConnsPerClient > 0 {
		ln = &clientLimitListener{Listener: ln, max: c.MaxConnsPerClient, open: map[string]int{}}
	}
	return netutil.LimitListener(ln, c.MaxConns)
}

// clientLimitListener closes a client's connections beyond max at once.
type clientLimitListener struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int
}

func (l *clientLimitListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := connClient(conn.RemoteAddr())
		if l.take(key) {
			return &clientConn{Conn: conn, release: func() { l.release(key) }}, nil
		}
		conn.Close()
	}
}

func (l *clientLimitListener) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key] >= l.max {
		return false
	}
	l.open[key]++
	return true
}

func (l *clientLimitListener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// connClient names a connection's client as clientKey names a request's:
// its IPv4 address or its IPv6 /64.
func connClient(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	switch {
	case !ok:
		return addr.String()
	case tcp.IP.To4() == nil:
		return tcp.IP.Mask(net.CIDRMask(64, 128)).String()
	}
	return tcp.IP.String()
}

// clientConn gives its slot back once, however often it is closed.
type clientConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *clientConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
