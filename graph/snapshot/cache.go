package snapshot

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/partnergraph/partnergraph/graph"
)

// Cache keeps the snapshots of recently used scopes and rebuilds one only
// when the store's version has moved on since it was built.
type Cache struct {
	store   graph.Store
	max     int
	mu      sync.Mutex
	entries map[string]*cacheEntry
	tick    int64

	Hits, Misses atomic.Int64
}

type cacheEntry struct {
	mu       sync.Mutex // held while building, so concurrent callers build once
	snap     *Snapshot
	lastUsed int64
}

// NewCache returns a cache over store holding at most max scopes.
func NewCache(store graph.Store, max int) *Cache {
	return &Cache{store: store, max: max, entries: map[string]*cacheEntry{}}
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
	e := c.entry(scope.Key())
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.snap != nil && e.snap.Version >= version {
		c.Hits.Add(1)
		return e.snap, nil
	}
	c.Misses.Add(1)
	s, err := Build(ctx, c.store, scope)
	if err != nil {
		return nil, err
	}
	e.snap = s
	return s, nil
}

// entry returns the entry for key, evicting the least recently used entry
// when the cache is full.
func (c *Cache) entry(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	e := c.entries[key]
	if e == nil {
		if len(c.entries) >= c.max {
			var oldest string
			for k, x := range c.entries {
				if oldest == "" || x.lastUsed < c.entries[oldest].lastUsed {
					oldest = k
				}
			}
			delete(c.entries, oldest)
		}
		e = &cacheEntry{}
		c.entries[key] = e
	}
	e.lastUsed = c.tick
	return e
}
