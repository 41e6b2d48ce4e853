package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// httpError is an error with what the client may see: a status, a stable
// code for programs and a French message for people.
type httpError struct {
	Status  int
	Code    string
	Message string
}

func (e *httpError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, message string) *httpError {
	return &httpError{Status: status, Code: code, Message: message}
}

// classify maps any error to what the client sees. Unknown errors become a
// 500 whose cause is logged once, here, and never shown.
func classify(err error) (*httpError, bool) {
	var he *httpError
	var fe *fiber.Error
	var invalidSheet *sheet.InvalidError
	var invalidAccount *auth.InvalidError
	switch {
	case errors.As(err, &he):
		return he, false
	case errors.As(err, &invalidSheet):
		if invalidSheet.Code == "body_too_large" {
			return newError(fiber.StatusRequestEntityTooLarge, "too_large", invalidSheet.Message), false
		}
		return &httpError{Status: fiber.StatusUnprocessableEntity, Code: invalidSheet.Code, Message: invalidSheet.Message}, false
	case errors.As(err, &invalidAccount):
		return newError(fiber.StatusUnprocessableEntity, "invalid_"+invalidAccount.Field, invalidAccount.Message), false
	case errors.Is(err, store.ErrNotFound):
		return newError(fiber.StatusNotFound, "not_found", "Cette page ou cet objet n'existe pas."), false
	case errors.Is(err, auth.ErrThrottled):
		return newError(fiber.StatusTooManyRequests, "too_many_attempts", "Trop de tentatives avec un mauvais mot de passe : patientez un quart d'heure avant de réessayer."), false
	case errors.Is(err, auth.ErrForbidden):
		return newError(fiber.StatusForbidden, "forbidden", "Vous n'avez pas le droit de faire cela."), false
	case errors.Is(err, sheet.ErrBaseRequired):
		return newError(fiber.StatusPreconditionRequired, "base_required", "Indiquez la version de départ (base) de votre modification."), false
	case errors.Is(err, sheet.ErrUnchanged):
		return newError(fiber.StatusUnprocessableEntity, "unchanged", "Cette version est déjà la version actuelle."), false
	case errors.Is(err, review.ErrNoBoard):
		return newError(fiber.StatusUnprocessableEntity, "no_board", "Cette fiche n'a pas encore de conseil (CA) : demandez à une personne qui administre l'atlas de le composer."), false
	case errors.Is(err, review.ErrAlreadyOpen):
		return newError(fiber.StatusConflict, "review_open", "Une version de cette fiche est déjà soumise au CA : attendez sa décision ou retirez-la."), false
	case errors.Is(err, review.ErrClosed):
		return newError(fiber.StatusConflict, "review_closed", "Cette soumission est close : elle a été décidée ou retirée."), false
	case errors.Is(err, review.ErrStaleRevision):
		return newError(fiber.StatusConflict, "stale_revision", "La soumission a été amendée entre-temps : relisez la nouvelle version avant de voter."), false
	case errors.Is(err, review.ErrInvalidChoice):
		return newError(fiber.StatusBadRequest, "invalid_choice", "Le vote doit être pour (approve), contre (reject) ou abstention (abstain)."), false
	case errors.Is(err, review.ErrUnknownMembers):
		return newError(fiber.StatusUnprocessableEntity, "unknown_members", "Comptes inconnus ou désactivés : "+err.Error()[len("review: unknown accounts: "):]), false
	case errors.Is(err, store.ErrConflict):
		return newError(fiber.StatusConflict, "conflict", "Conflit : quelqu'un a modifié cela en même temps."), false
	case errors.As(err, &fe):
		return newError(fe.Code, codeFor(fe.Code), messageFor(fe.Code)), false
	}
	return newError(fiber.StatusInternalServerError, "internal", "Une erreur interne est survenue ; rien n'a été enregistré. Réessayez dans un instant."), true
}

func codeFor(status int) string {
	switch status {
	case fiber.StatusBadRequest:
		return "bad_request"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusForbidden:
		return "forbidden"
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusTooManyRequests:
		return "too_many_requests"
	case fiber.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	return "error"
}

func messageFor(status int) string {
	switch status {
	case fiber.StatusBadRequest:
		return "La requête est mal formée."
	case fiber.StatusUnauthorized:
		return "Connectez-vous d'abord."
	case fiber.StatusForbidden:
		return "Vous n'avez pas le droit de faire cela."
	case fiber.StatusNotFound:
		return "Cette page n'existe pas."
	case fiber.StatusMethodNotAllowed:
		return "Cette action n'est pas permise ici."
	case fiber.StatusRequestEntityTooLarge:
		return "La requête est trop volumineuse."
	case fiber.StatusTooManyRequests:
		return "Trop de tentatives : patientez un peu avant de réessayer."
	case fiber.StatusUnsupportedMediaType:
		return "Envoyez du JSON (Content-Type: application/json)."
	}
	return "La requête n'a pas pu aboutir."
}

// handleError is Fiber's single error handler: JSON under /api, a French
// page elsewhere.
func (h *handler) handleError(c *fiber.Ctx, err error) error {
	he, internal := classify(err)
	if internal {
		h.log.Error("request failed",
			"method", c.Method(), "path", c.Path(), "error", err.Error())
	}
	h.headers.set(c)
	if isAPI(c) {
		return c.Status(he.Status).JSON(fiber.Map{"error": he.Code, "message": he.Message})
	}
	return h.renderErrorPage(c, he)
}

func isAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/")
}
