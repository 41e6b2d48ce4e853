package web

import (
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Login throttling: after a few failures an account, or an address, must
// wait. Counters live in memory: losing them on a restart only gives an
// attacker a few more tries, and several instances each count on their own.
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresAddress = 20
	maxThrottleKeys    = 100_000
)

type throttle struct {
	mu   sync.Mutex
	hits map[string]*failures
}

type failures struct {
	count int
	until time.Time
}

func newThrottle() *throttle { return &throttle{hits: map[string]*failures{}} }

// blocked reports whether key has used up its tries.
func (t *throttle) blocked(key string, max int, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.hits[key]
	return f != nil && now.Before(f.until) && f.count >= max
}

// fail counts a failure for key.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.hits) >= maxThrottleKeys {
		for k, f := range t.hits {
			if now.After(f.until) {
				delete(t.hits, k)
			}
		}
	}
	f := t.hits[key]
	if f == nil || now.After(f.until) {
		f = &failures{until: now.Add(throttleWindow)}
		t.hits[key] = f
	}
	f.count++
}

// clear forgets an account's failures after a successful login.
func (t *throttle) clear(key string) {
	t.mu.Lock()
	delete(t.hits, key)
	t.mu.Unlock()
}

// clientIP is the address a request comes from: the TCP peer, unless the
// peer is the configured reverse proxy, whose X-Forwarded-For then names
// the client (its last entry: the one the proxy itself saw).
func (h *handler) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if h.cfg.TrustedProxy == "" || peer != h.cfg.TrustedProxy {
		return peer
	}
	forwarded := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	last := strings.TrimSpace(forwarded[len(forwarded)-1])
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return peer
}
