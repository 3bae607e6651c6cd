package snapshot

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// DefaultCacheBytes bounds a cache when its options give no bound. A
// million-link network takes about 450 MiB and each projection of it about
// 150 MiB more: with less, the projection the path searches use would be
// dropped as soon as it was made, and every search would project again.
const DefaultCacheBytes = 2 << 30

// CacheOptions tune a Cache.
type CacheOptions struct {
	// MaxBytes bounds the estimated memory of the base network and the
	// scopes' snapshots together (0: DefaultCacheBytes). The least recently
	// used snapshots go first; the base network stays, since every
	// snapshot is projected from it.
	MaxBytes int64
	// Budget is the time a projection or a memoised analytic may take (0:
	// DefaultBudget). These run detached from the request that started
	// them, so they need a bound of their own.
	Budget time.Duration
	// ScanBudget is the time reading the whole network from the store may
	// take (0: DefaultScanBudget). It is shared by every request and
	// outlives them, so it is not bounded by one request's time: a
	// million-link network on a busy server takes longer than a request.
	ScanBudget time.Duration
	// LatestFrom is the size (actors + links of the newest snapshot of a
	// scope) from which Latest serves that snapshot while a newer one is
	// projected (0: DefaultLatestFrom).
	LatestFrom int
}

// DefaultScanBudget bounds a scan of the store when nobody set another.
const DefaultScanBudget = 10 * time.Minute

// DefaultLatestFrom is where Latest starts serving snapshots older than
// the store: projecting a scope costs about a second of CPU per million
// links, too long to keep every path query waiting after each write, while
// scopes below this size project in tens of milliseconds.
const DefaultLatestFrom = 200_000

// Cache keeps the base network — the whole store at one version — and the
// snapshots of recently used scopes, projected from it in memory. When the
// store's version moves on, the base network follows the store's change
// log (in time proportional to the change, see follow) and is scanned anew
// only when the log cannot say what changed. A scope's snapshot is
// projected again only when the store's version has moved on since it was
// built. Concurrent callers asking for the same thing share one
// computation, and a caller that gives up does not fail the others.
type Cache struct {
	store graph.Store
	opt   CacheOptions

	mu        sync.Mutex
	base      *baseScan                // the latest base network, finished or under way
	last      *network                 // the newest finished base network
	baseBytes int64                    // of last
	entries   map[string]*list.Element // scope key → element of lru (*entry)
	lru       list.List                // most recently used first
	bytes     int64                    // of the finished snapshots in lru

	Hits, Misses atomic.Int64
	// Scans and Follows count how the base network was brought up to
	// date: by a scan of the store, or by following its change log.
	Scans, Follows atomic.Int64
}

type baseScan struct {
	want int64 // the store version asked for; the scan has at least it
	call *call[*network]
}

type entry struct {
	key   string
	want  int64 // the store version the newest computation was asked for
	call  *call[*Snapshot]
	done  *Snapshot // the newest finished snapshot, nil until the first
	bytes int64     // of done
}

// NewCache returns a cache over store.
func NewCache(store graph.Store, opt CacheOptions) *Cache {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultCacheBytes
	}
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
	}
	if opt.ScanBudget <= 0 {
		opt.ScanBudget = DefaultScanBudget
	}
	if opt.LatestFrom <= 0 {
		opt.LatestFrom = DefaultLatestFrom
	}
	return &Cache{store: store, opt: opt, entries: map[string]*list.Element{}}
}

// Bytes returns the estimated memory the cache holds.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.baseBytes + c.bytes
}

// Get returns the snapshot of scope at the store's current version.
func (c *Cache) Get(ctx context.Context, scope graph.Scope) (*Snapshot, error) {
	s, _, err := c.get(ctx, scope, false)
	return s, err
}

// Latest returns scope's newest snapshot at once when it has at least
// LatestFrom actors and links, even if the store has moved on since —
// then it projects the current version in the background, one projection
// per scope at a time, for the next caller. Below that size, and before
// the scope's first snapshot, it is Get. Path searches and per-request
// analytics on a large network use it so that a write does not stall
// every query behind a projection of the whole network; the snapshot's
// Version says which network answered, and
// stale says whether the store had moved past it when it was served.
func (c *Cache) Latest(ctx context.Context, scope graph.Scope) (s *Snapshot, stale bool, err error) {
	return c.get(ctx, scope, true)
}

func (c *Cache) get(ctx context.Context, scope graph.Scope, latest bool) (*Snapshot, bool, error) {
	if err := scope.Validate(); err != nil {
		return nil, false, err
	}
	version, err := c.store.Version(ctx)
	if err != nil {
		return nil, false, err
	}
	call, s := c.entry(ctx, scope, version, latest)
	if s == nil {
		if s, err = call.wait(ctx); err != nil {
			return nil, false, err
		}
	}
	if latest && s.Version < version && s.G.N()+len(s.Links) < c.opt.LatestFrom {
		return c.get(ctx, scope, false) // small after all: the current one
	}
	return s, s.Version < version, nil
}

// entry returns scope's snapshot at version or later — the computation
// under way or a new one — or, when latest allows, a finished older
// snapshot at once, starting the newer one if none is under way.
func (c *Cache) entry(ctx context.Context, scope graph.Scope, version int64, latest bool) (*call[*Snapshot], *Snapshot) {
	key := scope.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	var e *entry
	if el := c.entries[key]; el != nil {
		c.lru.MoveToFront(el)
		e = el.Value.(*entry)
		switch {
		case e.done != nil && e.done.Version >= version:
			c.Hits.Add(1)
			return nil, e.done
		case latest && e.done != nil && e.done.G.N()+len(e.done.Links) >= c.opt.LatestFrom:
			c.Hits.Add(1)
			select {
			case <-e.call.done: // nothing under way: project the current version
				c.project(ctx, e, scope, version)
			default: // the one under way will do; the next caller starts the next
			}
			return nil, e.done
		case e.want >= version:
			c.Hits.Add(1)
			return e.call, nil
		case latest && e.done == nil:
			select {
			case <-e.call.done:
			default:
				// The first projection is under way: wait for it rather than
				// start one per write (its size decides, in get, whether it will do).
				c.Hits.Add(1)
				return e.call, nil
			}
		}
	}
	c.Misses.Add(1)
	if e == nil {
		e = &entry{key: key}
		c.entries[key] = c.lru.PushFront(e)
	}
	c.project(ctx, e, scope, version)
	return e.call, nil
}

// project starts projecting scope's snapshot at version into e; c.mu is
// held.
func (c *Cache) project(ctx context.Context, e *entry, scope graph.Scope, version int64) {
	call := newCall[*Snapshot]()
	e.want, e.call = version, call
	// The budget covers waiting for the network (a first scan of a large
	// one may be under way) and projecting it.
	call.run(ctx, c.opt.ScanBudget+c.opt.Budget, func(ctx context.Context) (*Snapshot, error) {
		n, err := c.network(ctx, version)
		if err != nil {
			return nil, err
		}
		s, err := n.project(scope)
		if err != nil {
			return nil, err
		}
		s.budget = c.opt.Budget
		return s, nil
	}, func(s *Snapshot, err error) { c.settle(e, call, s, err) })
}

// settle records e's finished snapshot, if it is newer than e's, and
// evicts the least recently used snapshots beyond the bound — e itself if
// it alone does not fit (its waiters still get it).
func (c *Cache) settle(e *entry, call *call[*Snapshot], s *Snapshot, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.entries[e.key]
	if el == nil || el.Value != e {
		return // evicted while it was built
	}
	if err != nil && e.call == call {
		if e.done == nil {
			c.remove(el) // nothing kept, so the next request tries again
		} else {
			e.want = e.done.Version // so the next request projects again
		}
		return
	}
	if err != nil || e.done != nil && s.Version < e.done.Version {
		return
	}
	c.bytes -= e.bytes
	e.done, e.bytes = s, s.bytes()
	c.bytes += e.bytes
	c.evict()
}

// evict drops finished snapshots, least recently used first, until the
// cache fits its bound. Snapshots under way hold no counted bytes yet.
func (c *Cache) evict() {
	for el := c.lru.Back(); el != nil && c.baseBytes+c.bytes > c.opt.MaxBytes; {
		prev := el.Prev()
		if el.Value.(*entry).done != nil {
			c.remove(el)
		}
		el = prev
	}
}

func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	c.bytes -= e.bytes
}

// network returns the base network at version or later, updating it only
// when the latest one is older. An update starts from the update under way,
// if any, once it ends: a write during a long first scan then costs one
// follow of the change log, not a second scan.
func (c *Cache) network(ctx context.Context, version int64) (*network, error) {
	c.mu.Lock()
	b := c.base
	if b == nil || b.want < version {
		b = &baseScan{want: version, call: newCall[*network]()}
		before, prev := c.base, c.last
		c.base = b
		b.call.run(ctx, c.opt.ScanBudget, func(ctx context.Context) (*network, error) {
			if before != nil {
				if n, err := before.call.wait(ctx); err == nil && (prev == nil || n.version > prev.version) {
					prev = n
				}
			}
			return c.update(ctx, prev, version)
		}, func(n *network, err error) { c.settleBase(b, n, err) })
	}
	c.mu.Unlock()
	return b.call.wait(ctx)
}

// update returns the base network at version or later: prev (if any)
// brought up to date by the change log, or a new scan if the log cannot.
func (c *Cache) update(ctx context.Context, prev *network, version int64) (*network, error) {
	if prev != nil {
		n, ok, err := follow(ctx, c.store, prev, version)
		if err != nil {
			return nil, err
		}
		if ok {
			c.Follows.Add(1)
			return n, nil
		}
	}
	c.Scans.Add(1)
	return scan(ctx, c.store)
}

func (c *Cache) settleBase(b *baseScan, n *network, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && (c.last == nil || n.version > c.last.version) {
		c.last, c.baseBytes = n, n.bytes
		c.evict()
	}
	if err != nil && c.base == b {
		c.base = nil // so the next request tries again
	}
}
