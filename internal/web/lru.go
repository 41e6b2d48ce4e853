package web

import (
	"container/list"
	"sync"
)

// lru is a small least-recently-used cache bounded by the bytes its
// entries weigh. The atlas's
// cache keys carry the version of what they hold (a revision hash, a
// sheet's cache version), so entries are never invalidated, only evicted;
// losing them costs a rebuild, which is why each instance keeps its own.
type lru[V any] struct {
	mu      sync.Mutex
	budget  int
	used    int
	cost    func(V) int
	order   *list.List // most recent at front; values are *lruEntry[V]
	entries map[string]*list.Element
}

type lruEntry[V any] struct {
	key   string
	value V
	cost  int
}

// newSizedLRU keeps entries whose costs add up to at most budget; the
// newest entry is always kept, whatever it weighs.
func newSizedLRU[V any](budget int, cost func(V) int) *lru[V] {
	return &lru[V]{budget: budget, cost: cost, order: list.New(), entries: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry[V]).value, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cost := c.cost(value)
	if el, ok := c.entries[key]; ok {
		entry := el.Value.(*lruEntry[V])
		c.used += cost - entry.cost
		entry.value, entry.cost = value, cost
		c.order.MoveToFront(el)
	} else {
		c.entries[key] = c.order.PushFront(&lruEntry[V]{key: key, value: value, cost: cost})
		c.used += cost
	}
	for c.used > c.budget && c.order.Len() > 1 {
		oldest := c.order.Back()
		entry := oldest.Value.(*lruEntry[V])
		c.order.Remove(oldest)
		delete(c.entries, entry.key)
		c.used -= entry.cost
	}
}
