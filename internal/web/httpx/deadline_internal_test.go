package httpx

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRequestContextStartsOnlyWhenWaitedOn(t *testing.T) {
	ctx := newRequestContext(time.Now().Add(20 * time.Millisecond))
	if d, ok := ctx.Deadline(); !ok || d.IsZero() || ctx.inner != nil {
		t.Fatal("the deadline is known before any timer starts")
	}
	child, cancel := context.WithCancel(ctx) // waits on it: starts it
	defer cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the deadline never ended the child")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Errorf("errors %v, %v", ctx.Err(), child.Err())
	}

	unused := newRequestContext(time.Now().Add(time.Hour))
	unused.end()
	if unused.Err() == nil {
		t.Error("a context ended before use is still alive")
	}
	used := newRequestContext(time.Now().Add(time.Hour))
	done := used.Done()
	used.end()
	if _, open := <-done; open || !errors.Is(used.Err(), context.Canceled) {
		t.Error("end does not cancel a started context")
	}
}
