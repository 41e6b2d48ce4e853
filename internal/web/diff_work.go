package web

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/web/httpx"
)

// A comparison of two large revisions costs seconds of CPU and tens of
// megabytes while it runs (a 1 MiB against 1 MiB diff: about 2.5 s and
// 50 MB). So its result is kept, keyed by what it depends on, and only a
// few are computed at once: twenty clients asking for twenty different
// large diffs wait for a slot instead of taking a gigabyte together.

// diffSlotWait is how long a comparison waits for a slot before the
// request is answered 503, to be retried.
const diffSlotWait = 3 * time.Second

// diffRetryAfter is the Retry-After of that 503, in seconds.
const diffRetryAfter = 5

// errDiffBusy: every slot stayed taken while the request waited.
var errDiffBusy = errors.New("web: every comparison slot is taken")

// workSlots bounds the costly computations running at once.
type workSlots struct {
	slots chan struct{}
	wait  time.Duration
	busy  error // returned when no slot freed within wait
}

// newWorkSlots allows n computations at once, a caller waiting up to wait
// for one and getting busy past it.
func newWorkSlots(n int, wait time.Duration, busy error) *workSlots {
	return &workSlots{slots: make(chan struct{}, n), wait: wait, busy: busy}
}

// diffSlotsFor is one slot per core, at least two: a comparison is CPU
// work, more at once only slows each one down.
func diffSlotsFor() int { return max(2, runtime.GOMAXPROCS(0)) }

// run runs fn in a slot, or returns the slots' busy error if none frees
// in time.
func (w *workSlots) run(ctx context.Context, fn func() error) error {
	select {
	case w.slots <- struct{}{}:
	default:
		t := time.NewTimer(w.wait)
		defer t.Stop()
		select {
		case w.slots <- struct{}{}:
		case <-t.C:
			return w.busy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-w.slots }()
	return fn()
}

// keptWork returns values kept in an LRU, computing a missing one in a
// slot, and once per key at a time: requests for a value being computed
// wait for it instead of computing it again.
type keptWork[V any] struct {
	kept     *cache.LRU[string, V]
	slots    *workSlots
	mu       sync.Mutex
	inflight map[string]chan struct{}
}

func newKeptWork[V any](kept *cache.LRU[string, V], slots *workSlots) *keptWork[V] {
	return &keptWork[V]{kept: kept, slots: slots, inflight: map[string]chan struct{}{}}
}

// get returns the value under key, computing it on a miss.
func (k *keptWork[V]) get(ctx context.Context, key string, compute func() (V, error)) (V, error) {
	for {
		if v, ok := k.kept.Get(key); ok {
			return v, nil
		}
		k.mu.Lock()
		if done, busy := k.inflight[key]; busy {
			k.mu.Unlock()
			select {
			case <-done:
				continue // kept now, or failed: then try ourselves
			case <-ctx.Done():
				var zero V
				return zero, ctx.Err()
			}
		}
		done := make(chan struct{})
		k.inflight[key] = done
		k.mu.Unlock()
		var v V
		err := k.slots.run(ctx, func() error {
			var err error
			v, err = compute()
			return err
		})
		if err == nil {
			k.kept.Put(key, v)
		}
		k.mu.Lock()
		delete(k.inflight, key)
		k.mu.Unlock()
		close(done)
		return v, err
	}
}

// busyAnswer turns errDiffBusy into a 503 with Retry-After.
func busyAnswer(c *fiber.Ctx, err error) error {
	if errors.Is(err, errDiffBusy) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(diffRetryAfter))
		return httpx.NewError(fiber.StatusServiceUnavailable, "busy", "error.busy_comparisons")
	}
	return err
}
