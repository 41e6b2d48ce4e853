package httpx

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
)

// TestThrottlesSayWhenToComeBack: a throttled account's error says the
// wait in the reader's language, and a busy server asks for its retry.
func TestThrottlesSayWhenToComeBack(t *testing.T) {
	he, internal := Classify(fmt.Errorf("change: %w", &auth.ThrottledError{RetryAfter: 3 * time.Minute}))
	if internal || he.Status != 429 || he.Code != "too_many_attempts" ||
		!strings.HasSuffix(he.Message("fr"), "réessayez dans 3 minutes.") || !strings.HasSuffix(he.Message("en"), "try again in 3 minutes.") {
		t.Errorf("throttled: %+v %q %q", he, he.Message("fr"), he.Message("en"))
	}
	if he, _ := Classify(auth.ErrBusy); he.Status != 503 || he.Code != "busy" {
		t.Errorf("busy: %+v", he)
	}
	if RetryAfter(auth.ErrBusy) != auth.BusyRetryAfter || RetryAfter(fiber.ErrNotFound) != 0 {
		t.Error("RetryAfter")
	}
}
