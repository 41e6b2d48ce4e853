package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
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
// An editor's post gets the login page carrying its text; any other post
// the plain refusal, as before.
func (h *handler) csrfRefused(c *fiber.Ctx) error {
	refused := newError(fiber.StatusForbidden, "csrf", "Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.")
	kept, ok := editorPost(c.Path())
	if !ok || c.Method() != fiber.MethodPost {
		return refused
	}
	kept.Form = readEditForm(c)
	if raw := c.FormValue("base"); raw != "" {
		n, err := parsePositive(raw)
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
	data, err := json.Marshal(kept)
	if err != nil || len(data) > maxKeptBytes || len(kept.Form.Body) > sheet.MaxBodyBytes {
		return refused
	}
	// The login form needs a session for its own CSRF token.
	if sessionOf(c) == nil {
		token, sess, err := h.auth.StartSession(c.UserContext(), nil, langOf(c))
		if err != nil {
			return err
		}
		h.setSessionCookie(c, token, sess.ExpiresAt)
		c.Locals(localSession, sess)
	}
	b := h.base(c, "")
	b.Title = b.T("login.title")
	p := loginPage{Base: b, Next: kept.editorURL(), Kept: string(data), KeptBody: kept.Form.Body, KeptSummary: kept.Form.Summary}
	p.KeptNotice = b.T("login.kept")
	if u := userOf(c); u != nil {
		// Still logged in, with a stale form (a login in another tab gave
		// the session a new token): asking for the password again proves
		// the post is the person's own.
		p.Username, p.KeptNotice = u.Username, b.T("login.kept_stale")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.render(c, fiber.StatusForbidden, pageLogin, p)
}

// readKept reads the submission a login form carries, if any. A value
// that is not one is a 400: it was not written by this site.
func readKept(c *fiber.Ctx) (*keptEdit, error) {
	raw := c.FormValue("kept")
	if raw == "" {
		return nil, nil
	}
	bad := newError(fiber.StatusBadRequest, "bad_request", "Le texte conservé joint à ce formulaire est illisible ; rien n'a été fait.")
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
	return &k, nil
}

// keepAsDraft stores a carried submission as the account's draft of its
// sheet, making room among the account's drafts if it must: this text
// would otherwise be lost.
func (h *handler) keepAsDraft(c *fiber.Ctx, user *model.User, k *keptEdit) error {
	in, err := h.draftFromForm(c.UserContext(), k.draftSlug(), k.Base, k.Section, k.Form)
	if err != nil {
		return err
	}
	_, err = h.sheets.PutDraft(c.UserContext(), user, k.draftSlug(), in, sheet.DraftOptions{MakeRoom: true})
	return err
}
