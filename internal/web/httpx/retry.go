package httpx

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
	"atlas/internal/sheet"
)

// RetryAfter is the wait an error asks for; 0 when none.
func RetryAfter(err error) time.Duration {
	var throttled *auth.ThrottledError
	var limited *sheet.RateLimitedError
	switch {
	case errors.As(err, &throttled):
		return throttled.RetryAfter
	case errors.As(err, &limited):
		return limited.RetryAfter
	case errors.Is(err, auth.ErrBusy):
		return auth.BusyRetryAfter
	}
	return 0
}

// SetRetryAfter sets the header in whole seconds, rounded up.
func SetRetryAfter(c *fiber.Ctx, d time.Duration) {
	if d > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
}

// WaitFor is a wait shown in a message, in the reader's language.
type WaitFor time.Duration

// WaitText says a wait for people: seconds under a minute and a half,
// else whole minutes, rounded up so nobody comes back too early.
func WaitText(lang string, d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	if s < 90 {
		return i18n.N(lang, "wait.seconds", max(s, 1))
	}
	return i18n.N(lang, "wait.minutes", (s+59)/60)
}
