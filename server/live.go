package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/partnergraph/partnergraph/graph"
	"github.com/partnergraph/partnergraph/graph/live"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// LiveLimits bound the GraphQL subscriptions served over WebSocket at
// /graphql (protocol graphql-transport-ws). Zero fields take the defaults
// of DefaultLiveLimits.
type LiveLimits struct {
	// MaxConnsPerClient bounds one client address's WebSocket connections
	// (all of them count against ConnLimits too); -1 turns it off.
	MaxConnsPerClient int
	// MaxSubscriptions bounds the subscriptions one connection holds.
	MaxSubscriptions int
	// InitTimeout is the time a client has to send connection_init.
	InitTimeout time.Duration
	// Ping is how often the server pings; a client that has not answered
	// within two pings is disconnected.
	Ping time.Duration
	// IdleTimeout closes a connection that has held no subscription this long.
	IdleTimeout time.Duration
	// RecheckCredentials is how often a connection's credentials are
	// checked again, so that a revoked API key or an expired token stops
	// its streams.
	RecheckCredentials time.Duration
	// Queue bounds the events waiting for one subscriber (live.Options).
	Queue int
	// Poll is how often the store's version is read, to see other
	// replicas' writes (live.Options).
	Poll time.Duration
}

// DefaultLiveLimits returns the limits a server uses unless told otherwise.
func DefaultLiveLimits() LiveLimits {
	return LiveLimits{MaxConnsPerClient: 16, MaxSubscriptions: 32, InitTimeout: 10 * time.Second, Ping: 30 * time.Second,
		IdleTimeout: 5 * time.Minute, RecheckCredentials: time.Minute, Queue: live.DefaultQueue, Poll: live.DefaultPoll}
}

func (l LiveLimits) withDefaults() LiveLimits {
	d := DefaultLiveLimits()
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	if l.MaxConnsPerClient == 0 {
		l.MaxConnsPerClient = d.MaxConnsPerClient
	}
	if l.MaxSubscriptions <= 0 {
		l.MaxSubscriptions = d.MaxSubscriptions
	}
	if l.Queue <= 0 {
		l.Queue = d.Queue
	}
	set(&l.InitTimeout, d.InitTimeout)
	set(&l.Ping, d.Ping)
	set(&l.IdleTimeout, d.IdleTimeout)
	set(&l.RecheckCredentials, d.RecheckCredentials)
	set(&l.Poll, d.Poll)
	return l
}

// Codes of the live refusals.
const (
	codeTooManyConns = "TOO_MANY_CONNECTIONS"
	codeTooManySubs  = "TOO_MANY_SUBSCRIPTIONS"
	// closeForbidden closes a connection whose credentials were refused
	// (graphql-ws's code for Forbidden).
	closeForbidden = 4403
)

// liveServer is the state of the WebSocket side of one Server.
type liveServer struct {
	lim     LiveLimits
	hub     *live.Hub
	clients *clientLimitListener // only its counting: take and release
	stop    context.Context      // ends at Server.Close, closing every connection
	cancel  context.CancelFunc
	running sync.WaitGroup // connections and their credential checks, which Close waits for
}

// liveConn is one WebSocket connection's state, in its context.
type liveConn struct {
	subs atomic.Int32
	mu   sync.Mutex
	idle *time.Timer // closes the connection while it holds no subscription
}

type liveConnKey struct{}

// isUpgrade says whether r asks for a WebSocket.
func isUpgrade(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

// serveLive serves a WebSocket upgrade of /graphql: per-client connection
// and failed-authentication limits before the upgrade, no request deadline
// after it. Credentials come in connection_init (initLive); an Origin must
// name this host (sameOrigin, as for preventCSRF), so that no other site's
// page reads a server on the user's machine or network through their browser.
func (s *Server) serveLive(gql http.Handler) http.Handler {
	ls, m := s.live, s.cfg.metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls.running.Add(1)
		defer ls.running.Done()
		if wait, ok := s.failuresAllowed(clientKey(r, s.cfg.Limits)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()+1))))
			refuse(w, m, http.StatusTooManyRequests, codeRate, "too many failed authentications from this address; retry later")
			return
		}
		if r.Header.Get("Origin") != "" && !sameOrigin(r) { // what coder/websocket would refuse, refused as over HTTP
			refuse(w, m, http.StatusForbidden, codeCSRF, "a WebSocket may be opened only from a page of this server: the Origin must name it")
			return
		}
		client := r.RemoteAddr
		if ip, ok := clientIP(r, s.cfg.Limits.TrustedProxies); ok {
			client = ip.String()
		}
		if ls.lim.MaxConnsPerClient > 0 {
			if !ls.clients.take(client) {
				refuse(w, m, http.StatusTooManyRequests, codeTooManyConns,
					"too many WebSocket connections from this address (at most "+strconv.Itoa(ls.lim.MaxConnsPerClient)+")")
				return
			}
			defer ls.clients.release(client)
		}
		// The server's read and write timeouts are for requests; a
		// connection lives on pings (Ping) and its idle timeout.
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
		m.liveConns.Inc()
		defer m.liveConns.Dec()
		c := &liveConn{}
		ctx, cancel := context.WithCancel(context.WithValue(context.WithValue(r.Context(), liveConnKey{}, c), requestKey{}, r))
		defer cancel()
		defer context.AfterFunc(ls.stop, cancel)()
		c.idle = time.AfterFunc(ls.lim.InitTimeout+ls.lim.IdleTimeout, cancel)
		defer c.idle.Stop()
		gql.ServeHTTP(w, r.WithContext(ctx))
	})
}

// websocket is the transport of subscriptions.
func (s *Server) websocket() transport.Websocket {
	return transport.Websocket{InitFunc: s.initLive, InitTimeout: s.live.lim.InitTimeout, PingPongInterval: s.live.lim.Ping}
}

// initLive authenticates a connection from its connection_init payload:
// `Authorization: Bearer …` as over HTTP, or `apiKey`. Refused credentials
// close it with 4403. The credentials are checked again every
// RecheckCredentials; once refused, the connection closes.
func (s *Server) initLive(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	h := p.Authorization()
	if k := p.GetString("apiKey"); h == "" && k != "" {
		h = "Bearer " + k
	}
	c, err := s.callerFor(ctx, h, false)
	if err != nil {
		if ae, ok := err.(*authError); ok && ae.status == http.StatusUnauthorized {
			s.cfg.Auth.failures.allow(clientKey(requestOf(ctx), s.cfg.Limits), s.cfg.Auth.failures.now())
		}
		zerolog.Ctx(ctx).Info().Str("reason", err.Error()).Msg("WebSocket authentication failed")
		return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, err.Error()), closeForbidden), nil, err
	}
	if info := requestInfoFrom(ctx); info != nil {
		info.caller = c.Subject
	}
	if lc, _ := ctx.Value(liveConnKey{}).(*liveConn); lc != nil {
		lc.idle.Reset(s.live.lim.IdleTimeout) // until its first subscription
	}
	// The connection's operations run at once: none may write the
	// connection's one access-log record.
	ctx = graph.WithCaller(context.WithValue(ctx, requestInfoKey{}, (*requestInfo)(nil)), c)
	if s.cfg.Auth == nil {
		return ctx, nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	s.live.running.Add(1)
	go s.recheck(ctx, cancel, h)
	return ctx, nil, nil
}

type requestKey struct{}

// requestOf is the upgrade request of a connection's context (nil outside one).
func requestOf(ctx context.Context) *http.Request {
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	if r == nil {
		r = &http.Request{}
	}
	return r
}

// recheck ends a connection when its credentials stop being valid.
func (s *Server) recheck(ctx context.Context, cancel context.CancelFunc, h string) {
	defer s.live.running.Done()
	t := time.NewTicker(s.live.lim.RecheckCredentials)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.callerFor(ctx, h, false); err != nil {
			if ae, ok := err.(*authError); ok && ae.status == http.StatusUnauthorized {
				zerolog.Ctx(ctx).Info().Str("reason", ae.msg).Msg("WebSocket credentials no longer valid")
				cancel()
				return
			}
		}
	}
}

// aroundLive counts a connection's subscriptions against its limit and
// keeps its idle timer, and wakes the hub after each mutation so that this
// server's subscribers need not wait for the next poll.
func (s *Server) aroundLive(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	switch {
	case op == nil:
		return next(ctx)
	case op.Operation == ast.Mutation:
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			s.live.hub.Notify()
			return resp
		}
	case op.Operation != ast.Subscription:
		return next(ctx)
	}
	c, _ := ctx.Value(liveConnKey{}).(*liveConn)
	if c == nil {
		return next(ctx)
	}
	if int(c.subs.Add(1)) > s.live.lim.MaxSubscriptions {
		c.subs.Add(-1)
		s.cfg.metrics.countError(codeTooManySubs)
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{refusal(codeTooManySubs,
			"this connection holds %d subscriptions, the most allowed: complete one first", s.live.lim.MaxSubscriptions)}})
	}
	c.idle.Stop()
	context.AfterFunc(ctx, func() {
		if c.subs.Add(-1) == 0 {
			c.idle.Reset(s.live.lim.IdleTimeout)
		}
	})
	return next(ctx)
}

// openLive starts the live side of the server: the hub following the store.
func (s *Server) openLive(cfg Config) *live.Hub {
	lim := cfg.Live.withDefaults()
	stop, cancel := context.WithCancel(context.Background())
	s.live = &liveServer{lim: lim, hub: live.New(cfg.Store, live.Options{Poll: lim.Poll, Queue: lim.Queue}),
		clients: &clientLimitListener{max: lim.MaxConnsPerClient, open: map[string]int{}}, stop: stop, cancel: cancel}
	cfg.metrics.observeLive(s.live.hub)
	return s.live.hub
}

// closeLive closes every WebSocket connection, waits for them to end
// (none may read the store its owner closes next) and stops the hub.
func (s *Server) closeLive() {
	s.live.cancel()
	s.live.running.Wait()
	s.live.hub.Close()
}
