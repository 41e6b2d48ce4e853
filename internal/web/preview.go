package web

import (
	"crypto/subtle"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/document"
	"atlas/internal/render"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// The editor's preview: the text as readers will see it, before anything
// is saved. Without JavaScript it is a submit of the editor form
// (action=preview) that shows the editor again with the rendering below the
// text; with it, public/js/editor.js asks POST /api/v1/preview and shows the
// rendering in place.

// previewRequest is the body of POST /api/v1/preview. Body is a pointer so
// that a request without it is told so rather than shown an empty page.
type previewRequest struct {
	Body *string `json:"body"`
}

// previewResponse is its answer.
type previewResponse struct {
	HTML template.HTML `json:"html"`
}

// apiPreview renders a text through the sheet page's own pipeline
// (goldmark, then bluemonday) and saves nothing.
//
// Only signed-in callers, by session or token, may ask: a megabyte of
// Markdown costs tens of milliseconds of CPU, and nobody without an account
// has an editor to preview from. An account ties any abuse to a person an
// administrator can disable, which a rate limit per address would not (a
// whole public internet access point shares one address). Anonymous callers
// get a 401.
func (h *handler) apiPreview(c *fiber.Ctx) error {
	var in previewRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.json_body_required")
	}
	if len(*in.Body) > sheet.MaxBodyBytes {
		return httpx.NewError(fiber.StatusRequestEntityTooLarge, "too_large", "error.preview_too_large")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(previewResponse{HTML: h.markdown.Preview(*in.Body).HTML})
}

// Preview renders a text that is not a revision: it is not kept, since no
// one asks for the same draft twice.
func (rc *renderCache) Preview(body string) render.Rendered { return rc.renderer.Render(body) }

// csrfHeader carries the session's CSRF token on the API requests that the
// editor's script makes with the person's session.
const csrfHeader = "X-CSRF-Token"

// browserWrite lets a browser session write through one API route (the
// others take only bearer tokens, see apiWritesNeedToken) when the request
// carries the session's CSRF token in the X-CSRF-Token header. A cross-site
// form cannot set a header, and a cross-site script can neither read the
// token nor send a custom header without a CORS preflight the atlas never
// grants; the session cookie alone is therefore never enough. Requests with
// a bearer token and requests without any session go on unchanged (the
// route's request.RequireLogin answers the latter).
func (h *handler) browserWrite(c *fiber.Ctx) error {
	if strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ") {
		return c.Next()
	}
	sess := request.Session(c)
	if sess == nil || request.User(c) == nil {
		return c.Next()
	}
	given := c.Get(csrfHeader)
	if given == "" || subtle.ConstantTimeCompare([]byte(given), []byte(sess.CSRFToken)) != 1 {
		return httpx.NewError(fiber.StatusForbidden, "csrf", "error.csrf_header")
	}
	return c.Next()
}

// previewAsked reports whether the editor form was submitted with its
// "Prévisualiser" button rather than to save.
func previewAsked(c *fiber.Ctx) bool { return c.FormValue("action") == "preview" }

// renderPreview shows the editor again with the person's fields as typed
// and the rendering of their text. Nothing is saved.
func (h *handler) renderPreview(c *fiber.Ctx, p editPage) error {
	if p.Section >= 0 && p.Sheet != nil {
		// A section editor names the sheet and the section it started from.
		if base, err := h.read.RevisionAt(c.UserContext(), p.Sheet.ID, p.BaseNumber); err == nil {
			p.Form.Title = base.Title
			if sections := document.Sections(base.Body); p.Section < len(sections) {
				p.SectionHeading = sections[p.Section].Heading
			}
		}
	}
	if len(p.Form.Body) > sheet.MaxBodyBytes {
		p.Error, p.ErrorField = p.T("error.preview_too_large_hint"), "body"
		return h.views.Render(c, fiber.StatusRequestEntityTooLarge, pageSheetEdit, p)
	}
	p.Previewed = true
	p.Preview = scopeIDs(h.markdown.Preview(p.Form.Body).HTML, previewIDPrefix)
	if p.Sheet != nil && !p.New && p.Amend == nil {
		// The editor keeps its pictures' list and upload form.
		var err error
		if p.Pictures, err = h.sheetPictures(c.UserContext(), p.Base, p.Sheet.Slug, p.Sheet.ID, true); err != nil {
			return err
		}
	}
	return h.views.Render(c, fiber.StatusOK, pageSheetEdit, p)
}

// previewIDPrefix keeps the preview's heading and footnote ids apart from
// the editor's own: a section called "Contact" must not take the id of the
// contact field, which its label points to. editor.js uses the same prefix.
const previewIDPrefix = "apercu-"

// scopeIDs prefixes every id of sanitized HTML, and the in-page links that
// point to them. Sanitized HTML escapes every quote of the text, so `id="`
// and `href="#` occur only inside tags.
func scopeIDs(h template.HTML, prefix string) template.HTML {
	s := strings.ReplaceAll(string(h), ` id="`, ` id="`+prefix)
	s = strings.ReplaceAll(s, ` href="#`, ` href="#`+prefix)
	return template.HTML(s) // #nosec G203 -- sanitized HTML with a constant prefix added to attribute values
}

// sectionAnchor is the id of the heading of the section a section edit
// saved, in the revision that holds it, or "" (the preamble, or a heading
// the edit removed). The edit was spliced in at index k; a merge with
// others' edits may have moved it, so the section is looked for by its
// heading: the one whose text is exactly the edited text first (two
// sections may share a heading), then the one nearest to k.
func sectionAnchor(rendered render.Rendered, body string, k int, edited string) string {
	if k <= 0 {
		return ""
	}
	heading, ok := firstHeading(edited)
	if !ok {
		return ""
	}
	sections := document.Sections(body)
	want := sectionKey(edited)
	best, bestScore := -1, 0
	for _, s := range sections[1:] {
		if s.Heading != heading {
			continue
		}
		score := abs(s.Index - k)
		if sectionKey(body[s.Start:s.End]) != want {
			score += len(sections)
		}
		if best < 0 || score < bestScore {
			best, bestScore = s.Index, score
		}
	}
	for _, hd := range rendered.Headings {
		if best >= 0 && hd.Section == best {
			return hd.ID
		}
	}
	return ""
}

// sectionKey is a section's text for sectionAnchor: line endings and the
// blank lines around it are the splice's business, not the person's.
func sectionKey(text string) string {
	return strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
}

// firstHeading is the heading an edited section starts with, if it does.
func firstHeading(text string) (string, bool) {
	sections := document.Sections(text)
	if len(sections) < 2 || strings.TrimSpace(text[:sections[1].Start]) != "" {
		return "", false
	}
	return sections[1].Heading, true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// PreviewAction is where the editor's "Prévisualiser" button sends the
// form: the form's own address, with the preview's anchor so that the page
// that comes back opens on the rendering.
func (p editPage) PreviewAction() string {
	switch {
	case p.New:
		return "/sheets#preview"
	case p.Amend != nil:
		return "/sheets/" + url.PathEscape(p.Sheet.Slug) + "/reviews/" + strconv.FormatInt(p.Amend.ID, 10) + "/amend#preview"
	default:
		return "/sheets/" + url.PathEscape(p.Sheet.Slug) + "/edit#preview"
	}
}
