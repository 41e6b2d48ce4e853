package web

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/web/httpx"
)

// TestKeptWorkBoundsComputationsAtOnce: twenty requests for twenty
// different costly comparisons never run more than the slots allow, and
// those that find no slot in time are refused rather than piled up. In a
// synctest bubble: the slots' waits run on its clock, so the test knows
// when everyone has found a slot or given up instead of sleeping for it.
func TestKeptWorkBoundsComputationsAtOnce(t *testing.T) { synctest.Test(t, keptWorkBounds) }

func keptWorkBounds(t *testing.T) {
	slots := newWorkSlots(2, 20*time.Millisecond, errDiffBusy)
	work := newKeptWork(cache.New[string](1<<20, func([]byte) int { return 1 }), slots)
	var running, most atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	var busy atomic.Int32
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := work.get(context.Background(), "diff|"+strconv.Itoa(i), func() ([]byte, error) {
				n := running.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				<-release
				running.Add(-1)
				return []byte("x"), nil
			})
			if errors.Is(err, errDiffBusy) {
				busy.Add(1)
			}
		}()
	}
	time.Sleep(time.Second) // past every slot's wait, on the bubble's clock
	synctest.Wait()         // everyone has found a slot or given up
	close(release)
	wg.Wait()
	if most.Load() > 2 {
		t.Errorf("%d comparisons ran at once, want at most 2", most.Load())
	}
	if busy.Load() != 18 {
		t.Errorf("%d requests were refused, want the 18 that found no slot", busy.Load())
	}
}

// TestKeptWorkComputesAKeyOnce: the same comparison asked again, or asked
// while it is being computed, is computed once.
func TestKeptWorkComputesAKeyOnce(t *testing.T) { synctest.Test(t, keptWorkOnce) }

func keptWorkOnce(t *testing.T) {
	work := newKeptWork(cache.New[string](1<<20, func([]byte) int { return 1 }), newWorkSlots(2, time.Second, errDiffBusy))
	var computed atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	compute := func() ([]byte, error) {
		if computed.Add(1) == 1 {
			close(started)
			<-release
		}
		return []byte("diff"), nil
	}
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := work.get(context.Background(), "k", compute); err != nil || string(v) != "diff" {
				t.Errorf("get = %q, %v", v, err)
			}
		}()
	}
	<-started
	synctest.Wait() // the four others wait for the first's result
	close(release)
	wg.Wait()
	_, _ = work.get(context.Background(), "k", compute)
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
}

// TestBusyComparisonIsA503WithRetryAfter: a request that found no slot
// is told when to come back.
func TestBusyComparisonIsA503WithRetryAfter(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		he, _ := httpx.Classify(err)
		return c.Status(he.Status).SendString(he.Code)
	}})
	app.Get("/", func(c *fiber.Ctx) error { return busyAnswer(c, errDiffBusy) })
	resp, err := app.Test(httptest.NewRequest(fiber.MethodGet, "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != fiber.StatusServiceUnavailable || resp.Header.Get(fiber.HeaderRetryAfter) == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with a Retry-After", resp.StatusCode, resp.Header.Get(fiber.HeaderRetryAfter))
	}
}
