package httpx

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/review"
)

// Every error the handler can classify has its message in every language:
// the keys built from codes and statuses escape the scan of literal keys.
func TestClassifiedErrorsAreTranslated(t *testing.T) {
	errs := []error{errors.New("boom"), &review.UnknownMembersError{Names: []string{"zoe"}}}
	for _, known := range knownErrors {
		errs = append(errs, fmt.Errorf("wrapped: %w", known.err))
	}
	for status := 400; status < 600; status++ {
		errs = append(errs, fiber.NewError(status))
	}
	for _, err := range errs {
		he, _ := Classify(err)
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, he.key) {
				t.Errorf("%v: %s lacks %q", err, lang, he.key)
			}
		}
	}
}

func TestUnknownMembersAreNamed(t *testing.T) {
	he, internal := Classify(fmt.Errorf("board: %w", &review.UnknownMembersError{Names: []string{"zoe", "yann"}}))
	if internal || he.Code != "unknown_members" || he.Message("en") != "Unknown or disabled accounts: zoe, yann" {
		t.Errorf("Classify = %+v, %q", he, he.Message("en"))
	}
}
