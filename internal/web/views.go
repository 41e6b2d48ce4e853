package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/web/httpx"
	atlasviews "atlas/views"
)

// Page names: each is views/pages/<name>.html, parsed with the layout and
// every partial into its own template set at startup.
const (
	pageHome          = "home"
	pageError         = "error"
	pageLogin         = "login"
	pageAccount       = "account"
	pageSheetShow     = "sheet_show"
	pageSheetEdit     = "sheet_edit"
	pageSheetList     = "sheet_list"
	pageHistory       = "sheet_history"
	pageRevisionShow  = "revision_show"
	pageDiff          = "revision_diff"
	pageAdminUsers    = "admin_users"
	pageAdminAudit    = "admin_audit"
	pageReviewShow    = "review_show"
	pageReviewList    = "review_list"
	pageBoard         = "sheet_board"
	pageInbox         = "inbox"
	pageChanges       = "changes"
	pageSearch        = "search"
	pageMap           = "map"
	pageDiscussion    = "sheet_discussion"
	pagePerson        = "person"
	pageSheetAdmin    = "sheet_admin"
	pageSetup         = "setup"
	pagePasswordLink  = "password_link"
	pageForgot        = "forgot"
	pageSignup        = "signup"
	pageBoardMeetings = "board_meetings"
	pageBoardMinutes  = "board_minutes"
	pageUndo          = "revision_undo"
	pageBlame         = "sheet_blame"
)

// pageNames is the registry; a test fails if a file in views/pages is not
// in it.
var pageNames = []string{
	pageHome, pageError, pageLogin, pageAccount, pageSheetShow, pageSheetEdit, pageSheetList,
	pageHistory, pageRevisionShow, pageDiff, pageAdminUsers, pageAdminAudit, pageReviewShow,
	pageReviewList, pageBoard, pageInbox, pageChanges, pageSearch, pageMap, pageDiscussion,
	pagePerson,
	pageSheetAdmin,
	pageSetup, pagePasswordLink, pageForgot, pageSignup,
	pageBoardMeetings, pageBoardMinutes,
	pageUndo,
	pageBlame,
}

type views struct {
	mu sync.RWMutex
	// sets holds one parsed set per language and page: what never changes
	// within a language is written into the template itself (see static).
	sets        map[string]map[string]*template.Template
	dev         bool
	sizes       sync.Map // page name → length of its last rendering
	assets      *assets
	fingerprint string // hash of every template file
	// parts keeps the partials pages print with {{part}}, see part.
	parts *cache.LRU[string, template.HTML]
}

// viewPartsBytes bounds the partials kept by part: tabs (a few hundred
// bytes) and site headers (1.5 KB; one per signed-in reader and section).
const viewPartsBytes = 2 << 20

// keptPart is data a partial renders the same way whenever its key is the
// same: the key names everything the partial shows.
type keptPart interface{ partKey() string }

func newViews(dev bool, a *assets) (*views, error) {
	v := &views{dev: dev, assets: a, parts: cache.New[string](viewPartsBytes, func(h template.HTML) int { return len(h) })}
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
	// In this order: a page's definitions (its "head" block, say) must come
	// after the layout's defaults to replace them.
	var files []string
	sources := map[string]string{}
	for _, pattern := range []string{"layouts/*.html", "partials/*.html", "pages/*.html"} {
		matches, err := fs.Glob(fsys, pattern)
		if err != nil {
			return err
		}
		for _, f := range matches {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				return err
			}
			sources[f] = string(data)
			files = append(files, f)
		}
	}
	sets := map[string]map[string]*template.Template{}
	for _, lang := range i18n.Languages {
		sets[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t := template.New(name)
			t.Funcs(v.funcs()).Funcs(template.FuncMap{"part": v.part(t, lang)})
			for _, f := range files {
				if strings.HasPrefix(f, "pages/") && f != "pages/"+name+".html" {
					continue
				}
				if _, err := t.New(f).Parse(v.static(lang, sources[f])); err != nil {
					return fmt.Errorf("web: parse %s for page %s: %w", f, name, err)
				}
			}
			sets[lang][name] = t
		}
	}
	v.mu.Lock()
	v.sets = sets
	v.mu.Unlock()
	return nil
}

// staticAction matches the actions whose value depends only on the page's
// language and the release: a message without arguments, the language
// itself and the other one, a public file's address.
var staticAction = regexp.MustCompile(`{{\$?\.(T|Asset) "([a-zA-Z0-9_./-]+)"}}|{{\$?\.(Lang|OtherLang)}}`)

// static writes those actions' values into a template's source, escaped
// for HTML, before it is parsed: each would otherwise cost two reflective
// calls at every execution, and a page has dozens. The values are ours
// (the catalogue, the asset table), used in text and quoted attributes.
func (v *views) static(lang, src string) string {
	b := Base{Lang: lang, assets: v.assets}
	return staticAction.ReplaceAllStringFunc(src, func(action string) string {
		m := staticAction.FindStringSubmatch(action)
		var value string
		switch {
		case m[1] == "T":
			value = b.T(m[2])
		case m[1] == "Asset" && !v.dev:
			value = b.Asset(m[2])
		case m[3] == "Lang":
			value = lang
		case m[3] == "OtherLang":
			value = b.OtherLang()
		default:
			return action
		}
		if strings.Contains(value, "{{") {
			return action // it would read as an action
		}
		return html.EscapeString(value)
	})
}

// part is the {{part "name" data}} of the templates of one page's set in
// lang: the partial name executed with data, through html/template's
// escaping like any other, then kept under data's key, so the pages of
// every reader share one rendering (a template costs a reflective call or
// two per action; a kept part, one lookup).
func (v *views) part(t *template.Template, lang string) func(string, keptPart) (template.HTML, error) {
	return func(name string, data keptPart) (template.HTML, error) {
		key := name + "|" + lang + "|" + v.fingerprint + "|" + data.partKey()
		if html, ok := v.parts.Get(key); ok {
			return html, nil
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		html := template.HTML(buf.String()) //nolint:gosec // G203: html/template's own output
		v.parts.Put(key, html)
		return html, nil
	}
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

// render executes a page into a pooled buffer first, so a template error
// never sends half a page, then copies it into the response.
func (v *views) render(c *fiber.Ctx, status int, name string, data any) error {
	buf := getPageBuffer()
	defer putPageBuffer(buf)
	if err := v.write(buf, name, "layout", data); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Response().SetBody(buf.Bytes()) // a copy: the buffer goes back to the pool
	return nil
}

// bytes executes a page and returns it whole, for pages that are kept.
func (v *views) bytes(name string, data any) ([]byte, error) {
	return v.fresh(name, "layout", data)
}

// fragment executes one named template of a page's set, for a part of a
// page rendered on its own and kept.
func (v *views) fragment(page, name string, data any) ([]byte, error) {
	return v.fresh(page, name, data)
}

// fresh executes into a new buffer sized as this output was last time:
// growing tens of kilobytes by doubling costs as much again in copies.
func (v *views) fresh(page, name string, data any) ([]byte, error) {
	sizeKey := page + "/" + name
	hint, _ := v.sizes.Load(sizeKey)
	var buf bytes.Buffer
	if n, ok := hint.(int); ok {
		buf.Grow(n + n/8)
	}
	if err := v.write(&buf, page, name, data); err != nil {
		return nil, err
	}
	v.sizes.Store(sizeKey, buf.Len())
	return buf.Bytes(), nil
}

// write executes the template name of a page's set, in the data's
// language, into buf.
func (v *views) write(buf *bytes.Buffer, page, name string, data any) error {
	if v.dev {
		if err := v.parse(); err != nil {
			return err
		}
	}
	lang := "fr"
	if p, ok := data.(interface{ pageLang() string }); ok && i18n.Supported(p.pageLang()) {
		lang = p.pageLang()
	}
	v.mu.RLock()
	t := v.sets[lang][page]
	v.mu.RUnlock()
	if t == nil {
		return fmt.Errorf("web: unknown page %q", page)
	}
	s, isSpliced := data.(spliced)
	out := buf
	if isSpliced {
		out = getPageBuffer()
		defer putPageBuffer(out)
	}
	if err := t.ExecuteTemplate(out, name, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", page, name, err)
	}
	if isSpliced {
		splice(buf, out.Bytes(), s.splices())
	}
	return nil
}

// pageBuffers serve one rendering each, then come back, unless a huge
// page made them too big to keep.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getPageBuffer() *bytes.Buffer {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		pageBuffers.Put(buf)
	}
}

// spliced is page data with large parts rendered already (a sheet's
// article, a history table). The template prints a marker for each; the part is put in its
// place afterwards, because a template copies everything it prints through
// fmt, and tens of kilobytes copied twice per page show.
type spliced interface {
	splices() []splicePart
}

type splicePart struct {
	marker template.HTML // an HTML comment, unique in the page
	html   template.HTML
}

// splice writes out to dst with each part's marker replaced by the part.
// Parts come in the order their markers appear.
func splice(dst *bytes.Buffer, out []byte, parts []splicePart) {
	size := len(out)
	for _, p := range parts {
		size += len(p.html)
	}
	dst.Grow(size)
	for _, p := range parts {
		i := bytes.Index(out, []byte(p.marker))
		if i < 0 {
			continue
		}
		dst.Write(out[:i])
		dst.WriteString(string(p.html))
		out = out[i+len(p.marker):]
	}
	dst.Write(out)
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
	// Unread counts the signed-in reader's unread notifications, up to
	// maxUnread (see unreadOf); 0 for anonymous readers.
	Unread int
	assets *assets
	maps   *mapSettings
}

// pageLang tells views which language's templates to execute.
func (b Base) pageLang() string { return b.Lang }

// T translates a message key into the page's language.
func (b Base) T(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// N translates a counted message: the form the language's plural rule
// picks for n, formatted with n and then args (i18n.N).
func (b Base) N(key string, n int, args ...any) string { return i18n.N(b.Lang, key, n, args...) }

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

// Header is the data of the site's header for this page (see siteHeader).
func (b Base) Header() siteHeader {
	h := siteHeader{Lang: b.Lang}
	switch b.Path {
	case "/sheets", "/map", "/changes":
		h.Current = b.Path
	}
	if b.User != nil {
		h.SignedIn, h.Admin, h.Name, h.CSRF = true, b.User.IsAdmin(), b.User.Name(), b.CSRF
		if h.UnreadBadge = b.UnreadBadge(); h.UnreadBadge != "" {
			h.UnreadText = b.N("nav.unread", b.Unread)
		}
	}
	return h
}

// siteHeader is what the site_header partial shows: the same for every
// anonymous reader of a section in a language, and for a signed-in one on
// every page of that section until their name, role or unread count
// changes, so it is rendered once and kept ({{part}}).
type siteHeader struct {
	Lang    string
	Current string // the section whose link is the current page, if any
	// The signed-in reader's links: their name, unread notifications and
	// the logout form's CSRF token.
	SignedIn, Admin         bool
	Name, CSRF              string
	UnreadBadge, UnreadText string
}

// partKey names everything the header shows. The CSRF token comes first
// and the name is counted: no other session can name the same entry.
func (h siteHeader) partKey() string {
	return h.CSRF + "|" + h.Lang + "|" + h.Current + "|" + strconv.FormatBool(h.SignedIn) + "|" + strconv.FormatBool(h.Admin) + "|" +
		h.UnreadBadge + "|" + strconv.Itoa(len(h.Name)) + ":" + h.Name
}

// T translates a message key into the header's language.
func (h siteHeader) T(key string, args ...any) string { return i18n.T(h.Lang, key, args...) }

// OtherLang is the language the switcher offers.
func (h siteHeader) OtherLang() string { return Base{Lang: h.Lang}.OtherLang() }

func (h *handler) base(c *fiber.Ctx, title string) Base {
	b := Base{Lang: langOf(c), Title: title, User: userOf(c), Path: c.Path(), assets: h.assets, maps: h.maps}
	if s := sessionOf(c); s != nil {
		b.CSRF = s.CSRFToken
	}
	if b.User != nil {
		b.Unread = h.unreadOf(c)
	}
	if m, ok := h.flashOf(c); ok {
		b.FlashKind, b.Flash = m.kind, i18n.T(b.Lang, "flash."+m.key)
	}
	return b
}

// redirect ends a successful form post (post/redirect/get).
func redirect(c *fiber.Ctx, to string) error {
	return c.Redirect(to, fiber.StatusSeeOther)
}

type errorPage struct {
	Base
	Status  int
	Message string
	// Back, when set, leads back to the page the refused form was on.
	Back string
}

func (h *handler) renderErrorPage(c *fiber.Ctx, he *httpx.Error) error {
	return h.renderErrorPageBack(c, he, "")
}

func (h *handler) renderErrorPageBack(c *fiber.Ctx, he *httpx.Error, back string) error {
	b := h.base(c, "")
	b.Title = b.T("error.title")
	return h.views.render(c, he.Status, pageError, errorPage{Base: b, Status: he.Status, Message: he.Message(b.Lang), Back: back})
}
