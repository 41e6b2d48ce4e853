package web

import (
	"strings"
	"testing"
)

// TestLRUKeepsToItsBudget: entries go, least recently used first, once
// their bytes pass the budget; the newest stays even when it alone does.
func TestLRUKeepsToItsBudget(t *testing.T) {
	c := newSizedLRU(10, func(s string) int { return len(s) })
	c.put("a", "aaaa")
	c.put("b", "bbbb")
	c.get("a") // a is now the most recent
	c.put("c", "cccc")
	if _, ok := c.get("b"); ok {
		t.Error("b, least recently used, was kept past the budget")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	c.put("a", "a") // replacing an entry counts its new weight
	c.put("d", "dddd")
	if c.used != 9 || len(c.entries) != 3 {
		t.Errorf("used %d bytes in %d entries, want 9 in 3", c.used, len(c.entries))
	}
	c.put("huge", strings.Repeat("x", 50))
	if v, ok := c.get("huge"); !ok || len(v) != 50 || len(c.entries) != 1 {
		t.Errorf("an entry over the budget: kept %v, %d entries", ok, len(c.entries))
	}
}
