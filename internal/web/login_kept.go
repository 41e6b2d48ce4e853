package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// A save refused because its session ended (logout in another tab, a
// password change, an expired session) or because its form's CSRF token is
// stale must not lose the text. The editor's post is answered with the
// login page, whose form carries the refused submission in one hidden
// field; once the person is identified again, the submission becomes that
// account's draft of the sheet and the editor opens on it. Nothing is
// saved as a revision on the way: that still takes a fresh, CSRF-checked
// post of the editor, by a person who sees the text first.

// keptEdit is a refused editor submission carried through the login form.
type keptEdit struct {
	Action  string   `json:"action"` // "new", "edit" or "amend"
	Slug    string   `json:"slug,omitempty"`
	Review  int64    `json:"review,omitempty"`
	Base    int      `json:"base,omitempty"`
	Section int      `json:"section"`
	Form    editForm `json:"form"`
	// DraftSavedAt names the account's draft the editor last wrote or
	// resumed (RFC 3339; empty: none), from its draft_saved_at field: the
	// kept text may replace that draft, never another. nil for a page
	// without that field (served before it existed), whose text is kept
	// as its autosave would keep it.
	DraftSavedAt *string `json:"draft_saved_at,omitempty"`
}

// seenDraft is the draft the kept submission's editor knew (zero: none;
// nil: its page did not say).
func (k keptEdit) seenDraft() (*time.Time, error) {
	if k.DraftSavedAt == nil {
		return nil, nil
	}
	var at time.Time
	if *k.DraftSavedAt == "" {
		return &at, nil
	}
	at, err := time.Parse(time.RFC3339Nano, *k.DraftSavedAt)
	return &at, err
}

// maxKeptBytes bounds the carried submission: a body at the sheet limit
// and its metadata, with room for JSON escaping of a body full of quotes
// or line breaks.
const maxKeptBytes = 2*sheet.MaxBodyBytes + 256<<10

// editorPost recognizes the editor's posts by their path: a new sheet, an
// edit, an amendment.
func editorPost(path string) (keptEdit, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "sheets":
		return keptEdit{Action: "new", Section: -1}, true
	case len(parts) == 3 && parts[0] == "sheets" && parts[2] == "edit" && parts[1] != "":
		return keptEdit{Action: "edit", Slug: parts[1], Section: -1}, true
	case len(parts) == 5 && parts[0] == "sheets" && parts[2] == "reviews" && parts[4] == "amend" && parts[1] != "":
		id, err := strconv.ParseInt(parts[3], 10, 64)
		if err != nil || id < 1 {
			return keptEdit{}, false
		}
		return keptEdit{Action: "amend", Slug: parts[1], Review: id, Section: -1}, true
	}
	return keptEdit{}, false
}

// editorURL is where the person lands once logged in: the same editor,
// filled from the draft.
func (k keptEdit) editorURL() string {
	switch k.Action {
	case "new":
		return "/sheets/new?draft=1"
	case "amend":
		return fmt.Sprintf("/sheets/%s/reviews/%d/amend?draft=1", url.PathEscape(k.Slug), k.Review)
	}
	return "/sheets/" + url.PathEscape(k.Slug) + "/edit?draft=1"
}

// draftSlug is the sheet the draft belongs to ("" for a new sheet).
func (k keptEdit) draftSlug() string {
	if k.Action == "new" {
		return ""
	}
	return k.Slug
}

// csrfRefused answers a post whose session or CSRF token is not valid.
// An editor's post from one of this site's own pages gets the login page
// carrying its text, and so does a stale login form that carries one; any
// other post gets the plain refusal, as before, and no cookie: a post
// sent by another site must neither replace the visitor's session (which
// would log them out) nor put its text before them.
func (h *handler) csrfRefused(c *fiber.Ctx) error {
	refused := httpx.NewError(fiber.StatusForbidden, "csrf", "error.csrf_form")
	if c.Method() != fiber.MethodPost || !h.sameOrigin(c) {
		return refused
	}
	if c.Path() == "/login" {
		// A login form gone stale (the person logged in from another tab
		// meanwhile) still carries the text: the page is shown again.
		kept, err := readKept(c)
		if err != nil || kept == nil {
			return refused
		}
		return h.showKeptLogin(c, kept, c.FormValue("kept"))
	}
	kept, ok := editorPost(c.Path())
	if !ok || !keptFormFits(c) {
		return refused
	}
	kept.Form = readEditForm(c)
	if raw := c.FormValue("base"); raw != "" {
		n, err := request.ParsePositive(raw)
		if err != nil {
			return refused
		}
		kept.Base = n
	}
	if raw := c.FormValue("section"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			return refused
		}
		kept.Section = n
	}
	// A value that does not read as a time names no draft: the text then
	// replaces none.
	if raw := strings.TrimSpace(c.FormValue("draft_saved_at")); raw != "" || c.Request().PostArgs().Has("draft_saved_at") {
		seen := ""
		if at, err := time.Parse(time.RFC3339Nano, raw); err == nil {
			seen = at.Format(time.RFC3339Nano)
		}
		kept.DraftSavedAt = &seen
	}
	// Not escaped for HTML (the template escapes the field), so a body
	// rich in "<" or "&" takes no more room than one of quotes.
	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(kept); err != nil || data.Len() > maxKeptBytes {
		return refused
	}
	return h.showKeptLogin(c, &kept, strings.TrimSuffix(data.String(), "\n"))
}

// showKeptLogin answers with the login page carrying a kept submission.
func (h *handler) showKeptLogin(c *fiber.Ctx, kept *keptEdit, raw string) error {
	b := h.loginBase(c)
	p := loginPage{Base: b, Next: kept.editorURL(), Kept: raw, KeptBody: kept.Form.Body, KeptSummary: kept.Form.Summary}
	p.KeptNotice = b.T("login.kept")
	if u := request.User(c); u != nil {
		// Still logged in, with a stale form (a login in another tab gave
		// the session a new token): asking for the password again proves
		// the post is the person's own.
		p.Username, p.KeptNotice = u.Username, b.T("login.kept_stale")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, fiber.StatusForbidden, pageLogin, p)
}

// sameOrigin tells whether a post comes from one of this site's own pages:
// the browser says so in Sec-Fetch-Site, or, for a browser that does not
// send it, the Origin (else the Referer) names this host or the site's
// public address. A post that says nothing is not trusted.
func (h *handler) sameOrigin(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	from := c.Get(fiber.HeaderOrigin)
	if from == "" {
		from = c.Get(fiber.HeaderReferer)
	}
	u, err := url.Parse(from)
	if from == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if strings.EqualFold(u.Host, string(c.Request().Host())) {
		return true
	}
	if h.cfg.BaseURL != "" {
		site, err := url.Parse(h.cfg.BaseURL)
		return err == nil && site.Host != "" && strings.EqualFold(u.Host, site.Host)
	}
	return false
}

// maxKeptField bounds each of the editor's one-line fields (title,
// summary, metadata): well above what a revision accepts, so a text that
// is refused later is still kept, and far below what would cost memory.
const maxKeptField = 16 << 10

// keptFormFits checks each field's length as posted, before anything is
// copied or encoded: an anonymous post costs no more than its own size.
func keptFormFits(c *fiber.Ctx) bool {
	if len(c.FormValue("body")) > sheet.MaxBodyBytes || len(c.Request().PostArgs().PeekMulti("categories")) > len(sheet.Categories) {
		return false
	}
	for _, name := range [...]string{"title", "summary", "subtitle", "tags", "place_name", "place_address", "lat", "lon",
		"website", "contact", "legal_status", "licence", "licence_other", "base", "section"} {
		if len(c.FormValue(name)) > maxKeptField {
			return false
		}
	}
	for _, cat := range c.Request().PostArgs().PeekMulti("categories") {
		if len(cat) > 200 {
			return false
		}
	}
	return true
}

// readKept reads the submission a login form carries, if any. A value
// that is not one is a 400: it was not written by this site.
func readKept(c *fiber.Ctx) (*keptEdit, error) {
	raw := c.FormValue("kept")
	if raw == "" {
		return nil, nil
	}
	bad := httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.kept_unreadable")
	if len(raw) > maxKeptBytes {
		return nil, bad
	}
	var k keptEdit
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil {
		return nil, bad
	}
	slugOK := k.Slug != "" && !strings.ContainsAny(k.Slug, "/?#\\") && len(k.Slug) <= 200
	switch {
	case k.Action == "new" && k.Slug == "" && k.Review == 0 && k.Base == 0 && k.Section == -1:
	case k.Action == "edit" && slugOK && k.Review == 0 && k.Base >= 1 && k.Section >= -1:
	case k.Action == "amend" && slugOK && k.Review >= 1 && k.Base >= 1 && k.Section == -1:
	default:
		return nil, bad
	}
	if _, err := k.seenDraft(); err != nil {
		return nil, bad
	}
	return &k, nil
}

// landWithKept ends a login that carried a refused submission: the person
// lands in the editor with their text and summary, and nothing of theirs
// is destroyed. The text becomes the account's draft of the sheet only in
// place of the draft its editor knew (its own autosave, or the draft it
// resumed), or where the account holds none: any other draft of that
// sheet is other work (another tab's, or older), so it is not replaced,
// and when the account has too many drafts none is evicted to make room.
// (A page served before editors named their draft is kept as its
// autosave would be.) In those cases, and whenever the text cannot be
// kept as a draft (a field a draft refuses), the editor is shown filled
// with the text without storing it: it is stored when the person saves,
// which is what they were doing. Only when not even the editor can be
// shown (the sheet renamed, the proposal closed) is the text shown on the
// login page, to be copied.
func (h *handler) landWithKept(c *fiber.Ctx, user *model.User, sess *model.Session, k *keptEdit) error {
	// The pages rendered from here on carry the new session's token.
	c.Locals(localSession, sess)
	c.Locals(localUser, user)
	c.Set(fiber.HeaderCacheControl, "no-store")
	p, err := h.keptEditor(c, k, user)
	if err == nil {
		if err := h.keepAsDraft(c, user, k); err == nil {
			h.flash(c, "success", "draft_kept")
			return redirect(c, request.SafeNext(k.editorURL()))
		}
	} else {
		// Kept as a draft of the sheet if it can be, which the sheet's
		// editor will offer; shown to be copied in any case.
		_ = h.keepAsDraft(c, user, k)
		b := h.base(c, "")
		b.Title = b.T("login.title")
		raw := c.FormValue("kept")
		return h.views.Render(c, fiber.StatusOK, pageLogin, loginPage{Base: b, Next: k.editorURL(), Username: user.Username,
			Kept: raw, KeptNotice: b.T("login.kept_lost"), KeptBody: k.Form.Body, KeptSummary: k.Form.Summary, KeptOpen: true})
	}
	p.FlashKind, p.Flash = "info", p.T("flash.kept_unstored")
	return h.views.Render(c, fiber.StatusOK, pageSheetEdit, p)
}

// keptEditor is the editor a kept submission came from, filled with it.
func (h *handler) keptEditor(c *fiber.Ctx, k *keptEdit, user *model.User) (editPage, error) {
	ctx := c.UserContext()
	b := h.base(c, k.Form.Title)
	p := editPage{Base: b, Section: -1, Form: k.Form, Categories: h.categoryOptions(b.Lang, k.Form.Categories)}
	if k.Action == "new" {
		p.New, p.Title = true, b.T("sheet.new")
		return p, nil
	}
	sh, err := h.read.SheetBySlug(ctx, k.Slug)
	if err != nil {
		return p, err
	}
	p.Sheet, p.BaseNumber = sh, k.Base
	p.Tabs = newSheetTabs(b.Lang, sh.Slug, tabEdit, true)
	if k.Action == "amend" {
		rb, err := h.load.Review(ctx, k.Review)
		if err != nil {
			return p, err
		}
		if rb.Sheet.ID != sh.ID || !review.Open(rb.Review.State) || (!rb.IsMember(user) && user.ID != rb.Review.SubmittedBy) {
			return p, fiber.ErrNotFound
		}
		p.Amend, p.Tabs = rb.Review, newSheetTabs(b.Lang, sh.Slug, tabReviews, true)
		return p, nil
	}
	if k.Section >= 0 {
		baseRev, err := h.read.RevisionAt(ctx, sh.ID, k.Base)
		if err != nil {
			return p, err
		}
		sections := document.Sections(baseRev.Body)
		if k.Section >= len(sections) {
			return p, fiber.ErrNotFound
		}
		p.Section, p.SectionHeading = k.Section, sections[k.Section].Heading
	}
	return p, nil
}

// keepAsDraft stores a carried submission as the account's draft of its
// sheet, in place of the draft its editor knew and of no other (see
// landWithKept).
func (h *handler) keepAsDraft(c *fiber.Ctx, user *model.User, k *keptEdit) error {
	seen, err := k.seenDraft()
	if err != nil {
		return err
	}
	in, err := h.draftFromForm(c.UserContext(), k.draftSlug(), k.Base, k.Section, k.Form)
	if err != nil {
		return err
	}
	_, err = h.sheets.PutDraft(c.UserContext(), user, k.draftSlug(), in, sheet.DraftOptions{IfSavedAt: seen})
	return err
}
