// Package live follows a store's change log and fans its changes out to
// subscribers as they commit: the GraphQL subscriptions' source.
//
// A Hub reads the store's log (graph.Store.Changes), not this process's
// writes, so every process serving one database delivers every process's
// changes. It polls the store's version, and is woken at once by Notify
// after this process's own writes. Writers never wait for subscribers: each
// has a bounded queue, and one that lets it fill is dropped (ErrSlow).
package live

import (
	"context"
	"sync"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// Source is what a Hub reads; graph.Store is one.
type Source interface {
	Version(ctx context.Context) (int64, error)
	Changes(ctx context.Context, since int64, limit int) ([]graph.Change, int64, error)
}

// Options tune a Hub; zero values take the defaults below.
type Options struct {
	// Poll is how often the store's version is read, to see other
	// processes' writes.
	Poll time.Duration
	// Queue bounds the changes waiting for one subscriber to take them.
	Queue int
}

// Defaults of Options.
const (
	DefaultPoll  = 250 * time.Millisecond
	DefaultQueue = 256
)

// Codes with which a subscription ends (its Err's graph code).
const (
	// CodeSlow: the subscriber did not keep up and its queue filled.
	CodeSlow = "SLOW_CONSUMER"
	// CodeMissed: the store's log no longer holds changes the subscriber
	// had not yet been sent (pruned, or a reader far behind).
	CodeMissed = "CHANGES_MISSED"
)

var (
	ErrSlow   = &graph.Error{Code: CodeSlow, Message: "the subscriber did not keep up with the changes and was dropped; subscribe again"}
	ErrMissed = &graph.Error{Code: CodeMissed, Message: "changes were missed (the change log no longer reaches back); read the network again and subscribe again"}
	ErrClosed = &graph.Error{Code: graph.EINTERNAL, Message: "the server is shutting down"}
)

// Hub fans a store's changes out to subscribers.
type Hub struct {
	src  Source
	opt  Options
	wake chan struct{}
	ctx  context.Context // ends at Close
	stop context.CancelFunc
	done chan struct{} // closed when run returns

	mu      sync.Mutex
	subs    map[*Sub]struct{}
	last    int64         // the version the hub has delivered up to
	moved   chan struct{} // closed, and replaced, when last moves on (Advanced)
	closed  bool
	started bool // run was started, by the first Subscribe
}

// Sub is one subscription: its changes arrive on C, in commit order, until
// C is closed; Err then says why (nil when its context ended).
type Sub struct {
	C      <-chan graph.Change
	c      chan graph.Change
	since  int64 // changes at or before it were committed before the subscription
	filter func(graph.Change) bool
	err    error
	done   chan struct{} // closed with c
	hub    *Hub
}

// Done is closed when the subscription ends, even while changes it was
// sent still wait on C.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Err is why C closed.
func (s *Sub) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// New returns a Hub reading src. It starts following the store at the
// first subscription, and stops at Close.
func New(src Source, opt Options) *Hub {
	if opt.Poll <= 0 {
		opt.Poll = DefaultPoll
	}
	if opt.Queue <= 0 {
		opt.Queue = DefaultQueue
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Hub{src: src, opt: opt, wake: make(chan struct{}, 1), ctx: ctx, stop: stop, done: make(chan struct{}),
		subs: map[*Sub]struct{}{}, moved: make(chan struct{})}
}

// Close ends every subscription (ErrClosed) and stops following the store.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	for s := range h.subs {
		h.end(s, ErrClosed)
	}
	started := h.started
	h.mu.Unlock()
	h.stop()
	if started {
		<-h.done
	}
}

// Notify wakes the hub to read the log now: call it after a write commits.
// It never blocks.
func (h *Hub) Notify() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Subscribe returns a subscription to the changes committed from now on
// that filter accepts (nil: all), ended when ctx ends.
func (h *Hub) Subscribe(ctx context.Context, filter func(graph.Change) bool) (*Sub, error) {
	v, err := h.src.Version(ctx)
	if err != nil {
		return nil, err
	}
	c := make(chan graph.Change, h.opt.Queue)
	s := &Sub{C: c, c: c, since: v, filter: filter, done: make(chan struct{}), hub: h}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	// The hub may have read past v meanwhile: it reads again from v, and
	// subscribers already sent those changes skip them (Sub.since).
	if len(h.subs) == 0 || v < h.last {
		h.last = v
	}
	h.subs[s] = struct{}{}
	if !h.started {
		h.started = true
		go h.run(h.ctx)
	}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() { h.remove(s, nil) })
	h.Notify()
	return s, nil
}

// Advanced returns a channel closed when the hub next reads changes: a
// subscriber to something computed from the network (a ranking) waits on it,
// holding a subscription that accepts no change to keep the hub reading.
func (h *Hub) Advanced() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.moved
}

// Subscribers is how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Hub) remove(s *Sub, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		h.end(s, err)
	}
}

// end closes s with err; h.mu is held.
func (h *Hub) end(s *Sub, err error) {
	delete(h.subs, s)
	s.err = err
	close(s.c)
	close(s.done)
}

func (h *Hub) run(ctx context.Context) {
	defer close(h.done)
	t := time.NewTicker(h.opt.Poll)
	defer t.Stop()
	for {
		h.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.wake:
		}
	}
}

// poll delivers what the log holds after the hub's version. A failing
// store is tried again at the next poll; subscribers keep waiting.
func (h *Hub) poll(ctx context.Context) {
	for ctx.Err() == nil {
		h.mu.Lock()
		last, idle := h.last, len(h.subs) == 0
		h.mu.Unlock()
		if idle {
			return // nobody listens; Subscribe sets where to read from
		}
		cs, v, err := h.src.Changes(ctx, last, graph.MaxChangesLimit)
		if err != nil || v <= last {
			return
		}
		h.deliver(last, cs, v)
	}
}

// deliver sends cs, which bring the log from version from to to, to each
// subscriber they concern.
func (h *Hub) deliver(from int64, cs []graph.Change, to int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last != from {
		return // a new subscriber moved the hub back meanwhile: read again
	}
	h.last = to
	close(h.moved)
	h.moved = make(chan struct{})
	gap := len(cs) == 1 && cs[0].Missed
	for s := range h.subs {
		switch {
		case s.since >= to:
			continue
		case gap:
			h.end(s, ErrMissed)
			continue
		}
		h.send(s, cs)
		s.since = to
	}
}

// send queues the changes of cs s has not had and wants, or drops s if its
// queue is full; h.mu is held.
func (h *Hub) send(s *Sub, cs []graph.Change) {
	for _, c := range cs {
		if c.Version <= s.since || (s.filter != nil && !s.filter(c)) {
			continue
		}
		select {
		case s.c <- c:
		default:
			h.end(s, ErrSlow)
			return
		}
	}
}
