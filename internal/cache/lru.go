// Package cache holds the atlas's one in-memory cache: a least-recently-used
// map bounded by the bytes its entries weigh, safe for concurrent use, with
// counters the metrics read. It knows nothing of HTTP or the database; what
// a key means and when it goes stale is its users' business.
package cache

import "sync"

// LRU keeps values by key, least recently used out first once their sizes
// add up to more than its budget. Get, Put and Remove are O(1).
type LRU[K comparable, V any] struct {
	mu       sync.Mutex
	budget   int
	maxEntry int // entries weighing more are not kept; 0: no limit
	size     func(V) int
	used     int
	entries  map[K]*entry[K, V]
	// head is the sentinel of a circular list: head.next is the most
	// recently used entry, head.prev the least.
	head  entry[K, V]
	stats Stats
}

type entry[K comparable, V any] struct {
	key        K
	value      V
	size       int
	prev, next *entry[K, V]
}

// Stats are an LRU's counters since it was made, and what it holds now.
type Stats struct {
	Hits, Misses, Evictions uint64
	Entries, Bytes          int
}

// New makes an LRU keeping entries whose sizes (as size reports them) add
// up to at most budget bytes. The newest entry is always kept, whatever it
// weighs, unless MaxEntry says otherwise.
func New[K comparable, V any](budget int, size func(V) int) *LRU[K, V] {
	c := &LRU[K, V]{budget: budget, size: size, entries: map[K]*entry[K, V]{}}
	c.head.prev, c.head.next = &c.head, &c.head
	return c
}

// MaxEntry makes the cache refuse entries weighing more than n bytes: one
// huge value would otherwise push out everything else for a single use.
// It returns c, to be chained with New.
func (c *LRU[K, V]) MaxEntry(n int) *LRU[K, V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maxEntry = n
	return c
}

// Get returns the value kept under key and marks it most recently used.
func (c *LRU[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		c.stats.Misses++
		var zero V
		return zero, false
	}
	c.stats.Hits++
	c.moveToFront(e)
	return e.value, true
}

// Put keeps value under key, replacing what was there, and evicts the least
// recently used entries until the cache is back within its budget.
func (c *LRU[K, V]) Put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(key, value)
}

// Add keeps value under key unless a value is already kept there, and
// returns the kept one: callers that share what they cache (a rebuilt
// body) then hold one copy, not two.
func (c *LRU[K, V]) Add(key K, value V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.moveToFront(e)
		return e.value
	}
	c.putLocked(key, value)
	return value
}

// Remove drops the value kept under key, if any.
func (c *LRU[K, V]) Remove(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.drop(e)
	}
}

// Stats returns the cache's counters.
func (c *LRU[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes = len(c.entries), c.used
	return s
}

func (c *LRU[K, V]) putLocked(key K, value V) {
	size := c.size(value)
	if e, ok := c.entries[key]; ok {
		c.drop(e) // replaced: its old size no longer counts
	}
	if c.maxEntry > 0 && size > c.maxEntry {
		return
	}
	e := &entry[K, V]{key: key, value: value, size: size}
	c.entries[key] = e
	c.used += size
	c.link(e)
	for c.used > c.budget && len(c.entries) > 1 {
		c.drop(c.head.prev)
		c.stats.Evictions++
	}
}

func (c *LRU[K, V]) moveToFront(e *entry[K, V]) {
	if c.head.next == e {
		return
	}
	c.unlink(e)
	c.link(e)
}

// link puts e at the front of the list.
func (c *LRU[K, V]) link(e *entry[K, V]) {
	e.prev, e.next = &c.head, c.head.next
	c.head.next.prev = e
	c.head.next = e
}

func (c *LRU[K, V]) unlink(e *entry[K, V]) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (c *LRU[K, V]) drop(e *entry[K, V]) {
	c.unlink(e)
	delete(c.entries, e.key)
	c.used -= e.size
}
