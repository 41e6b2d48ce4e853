package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

// apiPatchSheetRequest is a save that names only what changes: a PUT
// replaces the content (an omitted meta field is cleared), a PATCH merges
// onto the base revision. title and body, when given, replace; meta is a
// JSON merge patch (RFC 7396): a given field replaces, null clears, an
// absent one keeps the base's value.
type apiPatchSheetRequest struct {
	Base         *int            `json:"base"`
	Title        *string         `json:"title"`
	Body         *string         `json:"body"`
	Summary      string          `json:"summary"`
	Meta         json.RawMessage `json:"meta"`
	Minor        bool            `json:"minor"`
	DraftSavedAt *time.Time      `json:"draft_saved_at"`
	// Slug, or a title alone without base, makes the PATCH an admin's
	// rename (see apiRename).
	Slug *string `json:"slug"`
}

// apiPatchSheet is PATCH /sheets/{slug}. The patched content is the base
// revision's with the request applied, saved as a PUT of it would be: the
// same base rule, the same three-way merge onto a moved head, the same
// conflicts.
func (h *Handler) apiPatchSheet(c *fiber.Ctx) error {
	var in apiPatchSheetRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Slug != nil || (in.Base == nil && in.Title != nil) {
		if in.Base != nil || in.Body != nil || len(in.Meta) > 0 || in.Summary != "" || in.Minor || in.DraftSavedAt != nil {
			return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.rename_alone")
		}
		return h.apiRename(c, apiRenameRequest{Title: in.Title, Slug: in.Slug})
	}
	if in.Base == nil {
		return sheet.ErrBaseRequired
	}
	input := sheet.SaveInput{Base: *in.Base, Summary: in.Summary, Minor: in.Minor, Draft: in.DraftSavedAt}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	// A base that names no revision is left for Save to refuse, as for PUT.
	if input.Base >= 1 && input.Base <= sh.HeadNumber {
		base, err := h.read.RevisionAt(c.UserContext(), sh.ID, input.Base)
		if err != nil {
			return err
		}
		meta, err := patchMeta(base.Meta, in.Meta)
		if err != nil {
			return err
		}
		input.Title, input.Body, input.Meta = base.Title, base.Body, &meta
		if in.Title != nil {
			input.Title = *in.Title
		}
		if in.Body != nil {
			input.Body = *in.Body
		}
	}
	res, err := h.sheets.Save(c.UserContext(), request.User(c), c.Params("slug"), input)
	return h.answerSave(c, res, err)
}

// patchMeta applies a JSON merge patch to metadata. The result is read
// back strictly: an unknown field or a wrong type is a 400.
func patchMeta(base model.Meta, patch json.RawMessage) (model.Meta, error) {
	if len(patch) == 0 {
		return base, nil
	}
	var p any
	if err := json.Unmarshal(patch, &p); err != nil {
		return base, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_invalid", err.Error())
	}
	if _, ok := p.(map[string]any); !ok {
		return base, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_meta_object")
	}
	raw, err := json.Marshal(base)
	if err != nil {
		return base, err
	}
	var target any
	if err := json.Unmarshal(raw, &target); err != nil {
		return base, err
	}
	merged, err := json.Marshal(mergePatch(target, p))
	if err != nil {
		return base, err
	}
	var out model.Meta
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return base, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_meta_invalid", err.Error())
	}
	return out, nil
}

// mergePatch is RFC 7396's algorithm: objects merge key by key, null
// removes a key, anything else (arrays included) replaces.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// answerSave answers a PUT or PATCH: the new revision (or the head, when
// nothing changed), or a 409 with the conflicting passages.
func (h *Handler) answerSave(c *fiber.Ctx, res sheet.SaveResult, err error) error {
	h.counts.Save(res, err)
	if conflict, ok := errors.AsType[*sheet.ConflictError](err); ok {
		return site.SendConflict(c, conflict)
	}
	if err != nil {
		return err
	}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	author, err := h.read.UserByID(c.UserContext(), res.Revision.AuthorID)
	if err != nil {
		return err
	}
	state, err := h.read.RevisionState(c.UserContext(), sh, res.Revision.Number)
	if err != nil {
		return err
	}
	summary := []apiRevision{toAPIRevision(res.Revision, author, state)}
	if err := h.withCoauthors(c.UserContext(), summary, []int64{res.Revision.ID}); err != nil {
		return err
	}
	out := fiber.Map{"revision": summary[0], "merged": res.Merged}
	if res.Unchanged {
		out["unchanged"] = true
	}
	return c.JSON(out)
}
