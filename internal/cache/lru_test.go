package cache

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

func byLen(s string) int { return len(s) }

// TestKeepsToItsBudget: entries go, least recently used first, once their
// bytes pass the budget; the newest stays even when it alone does.
func TestKeepsToItsBudget(t *testing.T) {
	c := New[string](10, byLen)
	c.Put("a", "aaaa")
	c.Put("b", "bbbb")
	c.Get("a") // a is now the most recent
	c.Put("c", "cccc")
	if _, ok := c.Get("b"); ok {
		t.Error("b, least recently used, was kept past the budget")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	c.Put("a", "a") // replacing an entry counts its new weight
	c.Put("d", "dddd")
	if s := c.Stats(); s.Bytes != 9 || s.Entries != 3 {
		t.Errorf("%d bytes in %d entries, want 9 in 3", s.Bytes, s.Entries)
	}
	c.Put("huge", strings.Repeat("x", 50))
	if v, ok := c.Get("huge"); !ok || len(v) != 50 || c.Stats().Entries != 1 {
		t.Errorf("an entry over the budget: kept %v, %d entries", ok, c.Stats().Entries)
	}
}

// TestEvictsInUseOrder: with room for three, the fourth pushes out the one
// used longest ago, not the one put first.
func TestEvictsInUseOrder(t *testing.T) {
	c := New[int](3, func(string) int { return 1 })
	for i := range 3 {
		c.Put(i, strconv.Itoa(i))
	}
	c.Get(0)
	c.Get(1)
	c.Put(3, "3")
	if _, ok := c.Get(2); ok {
		t.Error("2, used longest ago, was kept")
	}
	c.Put(4, "4")
	if _, ok := c.Get(0); ok {
		t.Error("0 was kept after 1, 3 and 4 were used")
	}
	for _, k := range []int{1, 3, 4} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%d was evicted", k)
		}
	}
}

// TestMaxEntryRefusesHugeValues: a value over the limit is not kept and
// pushes nothing out; one replacing a kept value drops the stale one.
func TestMaxEntryRefusesHugeValues(t *testing.T) {
	c := New[string](100, byLen).MaxEntry(25)
	c.Put("a", strings.Repeat("a", 20))
	c.Put("big", strings.Repeat("b", 26))
	if _, ok := c.Get("big"); ok {
		t.Error("a value over MaxEntry was kept")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a value over MaxEntry pushed out another")
	}
	c.Put("a", strings.Repeat("a", 30))
	if _, ok := c.Get("a"); ok || c.Stats().Bytes != 0 {
		t.Errorf("replaced by a value over MaxEntry: kept %v, %d bytes", ok, c.Stats().Bytes)
	}
}

// TestAddKeepsTheFirstValue: Add returns the value already kept, so
// callers share one copy.
func TestAddKeepsTheFirstValue(t *testing.T) {
	c := New[string](100, byLen)
	if got := c.Add("k", "first"); got != "first" {
		t.Errorf("Add on an empty key returned %q", got)
	}
	if got := c.Add("k", "second"); got != "first" {
		t.Errorf("Add on a kept key returned %q, want the kept value", got)
	}
	c.Remove("k")
	if _, ok := c.Get("k"); ok || c.Stats().Bytes != 0 {
		t.Error("Remove left the value or its bytes")
	}
}

// TestStatsCount: hits, misses and evictions are counted as they happen.
func TestStatsCount(t *testing.T) {
	c := New[string](8, byLen)
	c.Get("a")
	c.Put("a", "aaaa")
	c.Get("a")
	c.Get("a")
	c.Put("b", "bbbb")
	c.Put("c", "cccc") // evicts a
	c.Put("d", "dddd") // evicts b
	want := Stats{Hits: 2, Misses: 1, Evictions: 2, Entries: 2, Bytes: 8}
	if got := c.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// TestConcurrentUse is for `go test -race`: readers and writers on shared
// keys, and the books balance at the end.
func TestConcurrentUse(t *testing.T) {
	c := New[int](64, byLen)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := (i * (g + 1)) % 40
				if _, ok := c.Get(k); !ok {
					c.Put(k, strings.Repeat("x", k%7+1))
				}
				if i%50 == 0 {
					c.Remove(k)
				}
				c.Add(k+100, "yy")
			}
		}()
	}
	wg.Wait()
	s := c.Stats()
	if s.Bytes > 64 || s.Hits+s.Misses != 8*2000 {
		t.Errorf("after concurrent use: %+v", s)
	}
	total := 0
	for e := c.head.next; e != &c.head; e = e.next {
		total += e.size
		if c.entries[e.key] != e {
			t.Fatalf("list and map disagree on %v", e.key)
		}
	}
	if total != s.Bytes || len(c.entries) != s.Entries {
		t.Errorf("the list holds %d bytes, the books say %d", total, s.Bytes)
	}
}

// BenchmarkGetHit is what a cached page costs the cache: one hit.
func BenchmarkGetHit(b *testing.B) {
	c := New[string](1<<20, byLen)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "page|" + strconv.Itoa(i) + "|fr|release"
		c.Put(keys[i], strings.Repeat("x", 100))
	}
	i := 0
	for b.Loop() {
		c.Get(keys[i%len(keys)])
		i++
	}
}

// BenchmarkPutEvict fills a full cache, so that every Put evicts.
func BenchmarkPutEvict(b *testing.B) {
	c := New[int](100<<10, byLen)
	v := strings.Repeat("x", 1000)
	i := 0
	for b.Loop() {
		c.Put(i, v)
		i++
	}
}

// BenchmarkGetParallel measures the lock under contention.
func BenchmarkGetParallel(b *testing.B) {
	c := New[int](1<<20, byLen)
	for i := range 100 {
		c.Put(i, "value")
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Get(i % 100)
			i++
		}
	})
}
