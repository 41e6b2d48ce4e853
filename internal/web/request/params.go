package request

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/httpx"
)

// MaxNumber is the largest revision number, limit or id a request may
// name: the databases store them as 32-bit integers.
const MaxNumber = 1<<31 - 1

// QueryInt reads an optional positive integer parameter.
func QueryInt(c *fiber.Ctx, name string, def, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if max == 0 {
		max = MaxNumber
	}
	if err != nil || n < 1 || n > max {
		return 0, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.param_range", name, max)
	}
	return n, nil
}

// ParamInt reads a positive integer path parameter; anything else is a 404,
// as for any URL that names nothing.
func ParamInt(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(c.Params(name))
	if err != nil || n < 1 || n > MaxNumber {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}

// ParsePositive reads a positive integer from a form field.
func ParsePositive(raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxNumber {
		return 0, errors.New("not a positive integer")
	}
	return n, nil
}

// ReadableRevision reads ?revision=N, or the viewer's default revision
// without it (read.Viewer).
func ReadableRevision(c *fiber.Ctx, sh *model.Sheet) (int, error) {
	n, err := QueryInt(c, "revision", 0, 0)
	if err != nil {
		return 0, err
	}
	return Viewer(c).Revision(sh, n)
}

// DraftSlug is the sheet a draft route names: "" for /drafts/new.
func DraftSlug(c *fiber.Ctx) string { return c.Params("slug") }
