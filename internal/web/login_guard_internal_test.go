package web

import (
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
)

// TestRefusalsSayWhenToComeBack: a busy server and a throttled account
// answer with Retry-After and a message saying the wait in the reader's
// language on the login page (loginRefusal); httpx tests the JSON side.
func TestRefusalsSayWhenToComeBack(t *testing.T) {
	for _, tc := range []struct {
		err        error
		status     int
		retryAfter string
		fr         string
	}{
		{auth.ErrBusy, 503, "5", "Trop de connexions à la fois : réessayez dans quelques secondes. Cet essai n'a pas été compté."},
		{&auth.ThrottledError{RetryAfter: 1500 * time.Millisecond}, 429, "2", "Trop de tentatives de connexion : réessayez dans 2 secondes."},
		{&auth.ThrottledError{RetryAfter: 14*time.Minute + time.Second}, 429, "841", "Trop de tentatives de connexion : réessayez dans 15 minutes."},
		{&auth.ThrottledError{RetryAfter: time.Second, Checked: true}, 401, "1", "Identifiant ou mot de passe incorrect. Par précaution, le prochain essai sera possible dans 1 seconde."},
		{auth.ErrBadCredentials, 401, "", "Identifiant ou mot de passe incorrect."},
	} {
		app := fiber.New()
		app.Get("/", func(c *fiber.Ctx) error {
			status, message, ok := loginRefusal(c, Base{Lang: "fr"}, fmt.Errorf("sign-in: %w", tc.err))
			if !ok {
				t.Errorf("%v: not a refusal", tc.err)
			}
			return c.Status(status).SendString(message)
		})
		resp, err := app.Test(httptest.NewRequest("GET", "/", nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Retry-After") != tc.retryAfter || string(body) != tc.fr {
			t.Errorf("%v: %d, Retry-After %q, %q", tc.err, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}

}
