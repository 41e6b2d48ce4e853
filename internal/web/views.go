package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	atlasviews "atlas/views"
)

// Page names: each is views/pages/<name>.html, parsed with the layout and
// every partial into its own template set at startup.
const (
	pageHome         = "home"
	pageError        = "error"
	pageLogin        = "login"
	pageAccount      = "account"
	pageSheetShow    = "sheet_show"
	pageSheetEdit    = "sheet_edit"
	pageSheetList    = "sheet_list"
	pageHistory      = "sheet_history"
	pageRevisionShow = "revision_show"
	pageDiff         = "revision_diff"
	pageAdminUsers   = "admin_users"
	pageAdminAudit   = "admin_audit"
	pageReviewShow   = "review_show"
	pageReviewList   = "review_list"
	pageBoard        = "sheet_board"
	pageInbox        = "inbox"
	pageChanges      = "changes"
	pageSearch       = "search"
	pageMap          = "map"
)

// pageNames is the registry; a test fails if a file in views/pages is not
// in it.
var pageNames = []string{
	pageHome, pageError, pageLogin, pageAccount, pageSheetShow, pageSheetEdit, pageSheetList,
	pageHistory, pageRevisionShow, pageDiff, pageAdminUsers, pageAdminAudit, pageReviewShow,
	pageReviewList, pageBoard, pageInbox, pageChanges, pageSearch, pageMap,
}

type views struct {
	mu          sync.RWMutex
	sets        map[string]*template.Template
	dev         bool
	assets      *assets
	fingerprint string // hash of every template file
}

func newViews(dev bool, a *assets) (*views, error) {
	v := &views{dev: dev, assets: a}
	return v, v.parse()
}

func (v *views) fsys() fs.FS {
	if v.dev {
		return os.DirFS("views")
	}
	return atlasviews.FS
}

func (v *views) parse() error {
	fsys := v.fsys()
	sum := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(fsys, p)
			sum.Write(data)
		}
		return nil
	})
	v.fingerprint = hex.EncodeToString(sum.Sum(nil)[:8])
	sets := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(v.funcs()).ParseFS(fsys, "layouts/*.html", "partials/*.html", "pages/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parse page %s: %w", name, err)
		}
		sets[name] = t
	}
	v.mu.Lock()
	v.sets = sets
	v.mu.Unlock()
	return nil
}

func (v *views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": v.assets.URL,
		"add":   func(a, b int) int { return a + b },
		"deref": func(f *float64) float64 {
			if f == nil {
				return 0
			}
			return *f
		},
	}
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (v *views) render(c *fiber.Ctx, status int, name string, data any) error {
	page, err := v.bytes(name, data)
	if err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
}

// bytes executes a page and returns it whole.
func (v *views) bytes(name string, data any) ([]byte, error) {
	if v.dev {
		if err := v.parse(); err != nil {
			return nil, err
		}
	}
	v.mu.RLock()
	t := v.sets[name]
	v.mu.RUnlock()
	if t == nil {
		return nil, fmt.Errorf("web: unknown page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Base is what every page's data embeds: who is looking, in which
// language, the CSRF token for its forms and a flash message.
type Base struct {
	Lang      string
	Title     string
	User      *model.User
	CSRF      string
	Flash     string
	FlashKind string // "info", "success" or "error"
	Path      string
	assets    *assets
}

// T translates a message key into the page's language.
func (b Base) T(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// Asset is the content-hashed URL of a public file.
func (b Base) Asset(p string) string { return b.assets.URL(p) }

// Date and DateTime format times for the page's language.
func (b Base) Date(t time.Time) string     { return i18n.Date(b.Lang, t) }
func (b Base) DateTime(t time.Time) string { return i18n.DateTime(b.Lang, t) }

// ISO is the machine-readable form for <time datetime>.
func (b Base) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Number formats an integer for the page's language.
func (b Base) Number(n int) string { return i18n.Number(b.Lang, n) }

// OtherLang is the language the switcher offers.
func (b Base) OtherLang() string {
	if b.Lang == "fr" {
		return "en"
	}
	return "fr"
}

// IsAdmin is for the navigation's admin link.
func (b Base) IsAdmin() bool { return b.User.IsAdmin() }

func (h *handler) base(c *fiber.Ctx, title string) Base {
	b := Base{Lang: langOf(c), Title: title, User: userOf(c), Path: c.Path(), assets: h.assets}
	if s := sessionOf(c); s != nil {
		b.CSRF = s.CSRFToken
	}
	if flash := c.Cookies(flashCookie); flash != "" {
		kind, key, _ := strings.Cut(flash, ":")
		b.FlashKind, b.Flash = kind, i18n.T(b.Lang, "flash."+key)
		// Cleared on the path it was set on, or the browser keeps showing it.
		c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
			Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	}
	return b
}

const flashCookie = "atlas_flash"

// flash leaves a message for the next page, as a catalogue key: the cookie
// carries no user text, so it cannot inject anything.
func (h *handler) flash(c *fiber.Ctx, kind, key string) {
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: kind + ":" + key, Path: "/", MaxAge: 60,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// redirect ends a successful form post (post/redirect/get).
func redirect(c *fiber.Ctx, to string) error {
	return c.Redirect(to, fiber.StatusSeeOther)
}

type errorPage struct {
	Base
	Status  int
	Message string
}

func (h *handler) renderErrorPage(c *fiber.Ctx, he *httpError) error {
	b := h.base(c, "")
	b.Title = b.T("error.title")
	return h.views.render(c, he.Status, pageError, errorPage{Base: b, Status: he.Status, Message: he.Message})
}
