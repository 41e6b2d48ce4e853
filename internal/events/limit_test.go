package events

import (
	"sync"
	"testing"
)

func TestStreamLimitBoundsEachAccount(t *testing.T) {
	l := NewStreamLimit(2)
	r1, ok1 := l.Acquire(7)
	_, ok2 := l.Acquire(7)
	if _, ok := l.Acquire(7); !ok1 || !ok2 || ok {
		t.Fatalf("third stream of account 7: %v %v %v, want refused", ok1, ok2, ok)
	}
	if _, ok := l.Acquire(8); !ok {
		t.Error("another account is refused")
	}
	r1()
	r1() // a second release gives nothing more back
	if l.Open(7) != 1 {
		t.Errorf("account 7 holds %d streams, want 1", l.Open(7))
	}
	if _, ok := l.Acquire(7); !ok {
		t.Error("a released stream is not given back")
	}
	if _, ok := l.Acquire(7); ok {
		t.Error("a double release gave two streams back")
	}
}

func TestStreamLimitUnderContention(t *testing.T) {
	l := NewStreamLimit(5)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 100 {
		wg.Go(func() {
			if _, ok := l.Acquire(1); ok {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if granted != 5 || l.Open(1) != 5 {
		t.Errorf("%d streams granted, %d open; want 5", granted, l.Open(1))
	}
}
