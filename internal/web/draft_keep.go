package web

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// draftField names, in the editor's form, the account's draft the form
// last wrote or resumed (its saved_at; empty when none): a save spends
// that draft and no other, and an autosave overwrites it only if it is
// still the one there.
const draftField = "draft_saved_at"

// readDraftField reads draftField. present is false when the post has no
// such field (an older page): then autosaves write unconditionally and
// saves spend nothing.
func readDraftField(c *fiber.Ctx) (at time.Time, present bool, err error) {
	if !c.Request().PostArgs().Has(draftField) && c.FormValue(draftField) == "" {
		return time.Time{}, false, nil
	}
	raw := strings.TrimSpace(c.FormValue(draftField))
	if raw == "" {
		return time.Time{}, true, nil
	}
	at, err = time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, true, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.draft_base_invalid")
	}
	return at, true, nil
}

// savedFrom is the draft a posted save was written from, for
// sheet.SaveInput.Draft: nil when the form names none.
func savedFrom(c *fiber.Ctx) (*time.Time, error) {
	at, present, err := readDraftField(c)
	if err != nil || !present || at.IsZero() {
		return nil, err
	}
	return &at, nil
}

// keepRefused stores the text of a save the server refused (a conflict,
// a field to fix) as the account's draft, so that closing the page
// afterwards loses nothing: what the person typed, not the merge the
// conflict screen shows. It never overwrites a draft the form had not
// seen (another tab's) nor evicts one; then the browser's copy and the
// page still hold the text. The page is marked as holding unsaved text
// either way, and names the kept draft so that saving from it spends it.
func (h *handler) keepRefused(c *fiber.Ctx, p *editPage, slug string, base, section int, form editForm) {
	p.Drafts.Unsaved = true
	user := request.User(c)
	if user == nil {
		return
	}
	seen, present, err := readDraftField(c)
	if err != nil {
		return
	}
	in, err := h.draftFromForm(c.UserContext(), slug, base, section, form)
	if err != nil {
		return
	}
	opt := sheet.DraftOptions{}
	if present {
		opt.IfSavedAt = &seen
	}
	d, err := h.sheets.PutDraft(c.UserContext(), user, slug, in, opt)
	if err != nil {
		if !errors.Is(err, sheet.ErrDraftChanged) && !errors.Is(err, sheet.ErrTooManyDrafts) {
			h.log.Error("keeping a refused save as a draft", "path", c.Path(), "error", err.Error())
		}
		return
	}
	p.Drafts.SavedAt, p.Drafts.Mine, p.Drafts.Kept = d.SavedAt, d.SavedAt, true
}

// spentCookie remembers, in this browser, the browser copies of the text
// that a save has stored: drafts.js names its copy in the form (field
// "copy") when it submits, and drops it once the server says it was
// saved. The cookie keeps the last few names.
const (
	spentCookie = "atlas_spent"
	spentKeep   = 8
)

var copyName = regexp.MustCompile(`^[A-Za-z0-9]{8,40}$`)

// markSpent records, after a successful save, the browser copy the form
// named.
func (h *handler) markSpent(c *fiber.Ctx) {
	name := c.FormValue("copy")
	if !copyName.MatchString(name) {
		return
	}
	names := []string{name}
	for _, old := range spentCopies(c) {
		if old != name && len(names) < spentKeep {
			names = append(names, old)
		}
	}
	c.Cookie(&fiber.Cookie{
		Name: spentCookie, Value: strings.Join(names, "."), Path: "/", MaxAge: 30 * 24 * 3600,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// spentCopies are the browser copies this browser's saves have stored.
func spentCopies(c *fiber.Ctx) []string {
	var out []string
	for _, name := range strings.Split(c.Cookies(spentCookie), ".") {
		if copyName.MatchString(name) && len(out) < spentKeep {
			out = append(out, name)
		}
	}
	return out
}
