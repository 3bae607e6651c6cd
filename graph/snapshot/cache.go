package snapshot

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnergraph/partnergraph/graph"
)

// DefaultCacheBytes bounds a cache when its options give no bound.
const DefaultCacheBytes = 512 << 20

// CacheOptions tune a Cache.
type CacheOptions struct {
	// MaxBytes bounds the estimated memory of the base network and the
	// scopes' snapshots together (0: DefaultCacheBytes). The least recently
	// used snapshots go first; the base network stays, since every
	// snapshot is projected from it.
	MaxBytes int64
	// Budget is the time a scan, a projection or a memoised analytic may
	// take (0: DefaultBudget). These run detached from the request that
	// started them, so they need a bound of their own.
	Budget time.Duration
}

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
	want  int64 // the store version asked for; the snapshot has at least it
	call  *call[*Snapshot]
	bytes int64 // 0 until built
}

// NewCache returns a cache over store.
func NewCache(store graph.Store, opt CacheOptions) *Cache {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultCacheBytes
	}
	if opt.Budget <= 0 {
		opt.Budget = DefaultBudget
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
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	version, err := c.store.Version(ctx)
	if err != nil {
		return nil, err
	}
	return c.entry(ctx, scope, version).wait(ctx)
}

// entry returns the computation of scope's snapshot at version or later,
// starting one if there is none.
func (c *Cache) entry(ctx context.Context, scope graph.Scope, version int64) *call[*Snapshot] {
	key := scope.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.entries[key]
	if el != nil {
		c.lru.MoveToFront(el)
		if e := el.Value.(*entry); e.want >= version {
			c.Hits.Add(1)
			return e.call
		}
		c.remove(el) // out of date
	}
	c.Misses.Add(1)
	e := &entry{key: key, want: version, call: newCall[*Snapshot]()}
	c.entries[key] = c.lru.PushFront(e)
	e.call.run(ctx, c.opt.Budget, func(ctx context.Context) (*Snapshot, error) {
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
	}, func(s *Snapshot, err error) { c.settle(e, s, err) })
	return e.call
}

// settle records e's finished snapshot and evicts the least recently used
// snapshots beyond the bound — e itself if it alone does not fit (its
// waiters still get it).
func (c *Cache) settle(e *entry, s *Snapshot, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.entries[e.key]
	if el == nil || el.Value != e {
		return // replaced or evicted while it was built
	}
	if err != nil {
		c.remove(el) // not kept, so the next request tries again
		return
	}
	e.bytes = s.bytes()
	c.bytes += e.bytes
	c.evict()
}

// evict drops finished snapshots, least recently used first, until the
// cache fits its bound. Snapshots under way hold no counted bytes yet.
func (c *Cache) evict() {
	for el := c.lru.Back(); el != nil && c.baseBytes+c.bytes > c.opt.MaxBytes; {
		prev := el.Prev()
		if el.Value.(*entry).bytes > 0 {
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
// when the latest one is older.
func (c *Cache) network(ctx context.Context, version int64) (*network, error) {
	c.mu.Lock()
	b := c.base
	if b == nil || b.want < version {
		b = &baseScan{want: version, call: newCall[*network]()}
		c.base = b
		prev := c.last
		b.call.run(ctx, c.opt.Budget, func(ctx context.Context) (*network, error) {
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
