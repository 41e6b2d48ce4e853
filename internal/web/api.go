package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
)

// decodeJSON reads a request body strictly: JSON only, no unknown field, no
// trailing data. Anything else is a 400 that names the problem.
func decodeJSON(c *fiber.Ctx, dst any) error {
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) && !strings.HasPrefix(ct, mimeMergePatch) {
		return httpx.StatusError(fiber.StatusUnsupportedMediaType)
	}
	// PostgreSQL stores no NUL character; refusing it here keeps every
	// field of every request storable.
	if bytes.Contains(c.Body(), []byte(`\u0000`)) {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_null_character")
	}
	if err := checkJSONText(c.Body()); err != nil {
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

// maxNumber is the largest revision number, limit or id a request may
// name: the databases store them as 32-bit integers.
const maxNumber = 1<<31 - 1

// queryInt reads an optional positive integer parameter.
func queryInt(c *fiber.Ctx, name string, def, max int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if max == 0 {
		max = maxNumber
	}
	if err != nil || n < 1 || n > max {
		return 0, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.param_range", name, max)
	}
	return n, nil
}

// paramInt reads a positive integer path parameter; anything else is a 404,
// as for any URL that names nothing.
func paramInt(c *fiber.Ctx, name string) (int, error) {
	n, err := strconv.Atoi(c.Params(name))
	if err != nil || n < 1 || n > maxNumber {
		return 0, fiber.ErrNotFound
	}
	return n, nil
}

// apiRevision is the revision summary of the API contract.
type apiRevision struct {
	Number    int       `json:"number"`
	Author    string    `json:"author"`
	Summary   string    `json:"summary"`
	CreatedAt time.Time `json:"created_at"`
	Parent    *int      `json:"parent"`
	Origin    string    `json:"origin"`
	Size      int       `json:"size"`
	SHA256    string    `json:"sha256"`
	Minor     bool      `json:"minor"`
	State     string    `json:"state"`
	// Reverts names the revision whose text this one brings back words
	// from (a restore's, an undone revision's parent), else null.
	Reverts *int `json:"reverts"`
	// Coauthors: every writer of a version written together (a live
	// session), the author among them; empty for a single author.
	Coauthors []string `json:"coauthors"`
}

// apiRevisionFull adds the content.
type apiRevisionFull struct {
	apiRevision
	Title string     `json:"title"`
	Body  string     `json:"body"`
	Meta  model.Meta `json:"meta"`
}

func toAPIRevision(r *model.Revision, author *model.User, state string) apiRevision {
	name := ""
	if author != nil {
		name = author.Username
	}
	return apiRevision{
		Number: r.Number, Author: name, Summary: r.Summary, CreatedAt: r.CreatedAt.UTC(),
		Parent: r.Parent, Origin: r.Origin, Size: r.Size, SHA256: r.SHA256, Minor: r.Minor, State: state,
		Reverts:   r.Reverts,
		Coauthors: []string{},
	}
}

// withCoauthors fills the co-authors of revision summaries, by the
// revisions' ids, in one query.
func (h *handler) withCoauthors(ctx context.Context, list []apiRevision, ids []int64) error {
	found, err := h.read.Coauthors(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if i >= len(list) {
			break
		}
		r := &list[i]
		for _, u := range found[id] {
			r.Coauthors = append(r.Coauthors, u.Username)
		}
	}
	return nil
}

// apiMeta is metadata as programs send it: every key optional.
type apiMeta = model.Meta

// sendConflict answers a save (or an amendment) that overlaps others'
// edits: 409, the user's text handed back and the conflicting passages.
func sendConflict(c *fiber.Ctx, conflict *sheet.ConflictError) error {
	return c.Status(fiber.StatusConflict).JSON(apiConflict{
		Error: "conflict", Message: i18n.T(langOf(c), "error.edit_conflict"),
		Head: conflict.Head, Mine: conflict.Mine, Conflicts: conflict.Conflicts,
	})
}

// apiConflict is the 409 answer of a save that overlaps others' edits.
type apiConflict struct {
	Error     string        `json:"error"`
	Message   string        `json:"message"`
	Head      int           `json:"head"`
	Mine      sheet.Content `json:"mine"`
	Conflicts any           `json:"conflicts"`
}

// parsePositive reads a positive integer from a form field.
func parsePositive(raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxNumber {
		return 0, errors.New("not a positive integer")
	}
	return n, nil
}
