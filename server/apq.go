package server

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// apqCacheBytes bounds the query text automatic persisted queries keep:
// 1000 dashboard queries of 8 KiB. Bounded by bytes, not entries, because
// any caller may register a query (up to the body limit) before it is
// validated.
const apqCacheBytes = 8 << 20

// queryCache keeps query texts by their SHA-256 (gqlgen's
// extension.AutomaticPersistedQuery), least recently used first out, within
// a budget of bytes.
type queryCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	order    *list.List               // front: most recently used
	byHash   map[string]*list.Element // values are *queryEntry
}

type queryEntry struct{ hash, query string }

var _ graphql.Cache[string] = (*queryCache)(nil)

func newQueryCache(maxBytes int) *queryCache {
	return &queryCache{maxBytes: maxBytes, order: list.New(), byHash: map[string]*list.Element{}}
}

func (c *queryCache) Get(_ context.Context, hash string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byHash[hash]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(el)
	return el.Value.(*queryEntry).query, true
}

// Add keeps query under hash (APQ checked that it is query's hash), evicting
// the least recently used until it fits; a query larger than the whole
// budget is not kept.
func (c *queryCache) Add(_ context.Context, hash, query string) {
	size := len(hash) + len(query)
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byHash[hash]; ok {
		c.order.MoveToFront(el)
		return
	}
	for c.bytes+size > c.maxBytes {
		c.remove(c.order.Back())
	}
	c.byHash[hash] = c.order.PushFront(&queryEntry{hash: hash, query: query})
	c.bytes += size
}

func (c *queryCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*queryEntry)
	delete(c.byHash, e.hash)
	c.bytes -= len(e.hash) + len(e.query)
}
