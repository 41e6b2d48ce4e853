package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/httpx"
)

// MIMEMergePatch is RFC 7396's media type, which PATCH clients may send;
// the API reads it as plain JSON.
const MIMEMergePatch = "application/merge-patch+json"

// DecodeJSON reads a request body strictly: JSON only, no unknown field, no
// trailing data. Anything else is a 400 that names the problem.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) && !strings.HasPrefix(ct, MIMEMergePatch) {
		return httpx.StatusError(fiber.StatusUnsupportedMediaType)
	}
	// PostgreSQL stores no NUL character; refusing it here keeps every
	// field of every request storable.
	if bytes.Contains(c.Body(), []byte(`\u0000`)) {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_null_character")
	}
	if err := CheckJSONText(c.Body()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_invalid", err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_trailing_data")
	}
	return nil
}
