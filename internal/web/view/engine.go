// Package view is the page engine: the templates of views/ parsed into
// one set per language and page, with what never changes within a
// language written into them (static), partials kept across pages
// (part), pages executed into pooled buffers, and Base, the data every
// page embeds. It knows nothing of the handlers that fill pages.
package view

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"sync"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/i18n"
	atlasviews "atlas/views"
)

// Engine renders pages: one parsed template set per language and page.
type Engine struct {
	mu sync.RWMutex
	// sets holds one set per language and page: what never changes
	// within a language is written into the template itself (see static).
	sets        map[string]map[string]*pageSet
	dev         bool
	sizes       sync.Map // page name → length of its last rendering
	assets      *Assets
	pages       []string // every page name, views/pages/<name>.html
	fingerprint string   // hash of every template file
	folder      *folder  // shared by every set: most constants are in several
	// parts keeps the partials pages print with {{part}}, see part.
	parts *cache.LRU[string, template.HTML]
}

// partsBytes bounds the partials kept by part: tabs (a few hundred
// bytes) and site headers (1.5 KB; one per signed-in reader and section).
const partsBytes = 2 << 20

// Kept is data a partial renders the same way whenever its key is the
// same: the key names everything the partial shows. Pages print such a
// partial with {{part "name" data}} (see part).
type Kept interface{ PartKey() string }

// New parses every page of pages (each views/pages/<name>.html, with the
// layout and every partial) for every language. In dev mode templates are
// read from disk and parsed again at each rendering.
func New(dev bool, a *Assets, pages []string) (*Engine, error) {
	fold, err := newFolder()
	if err != nil {
		return nil, err
	}
	v := &Engine{dev: dev, assets: a, pages: pages, folder: fold, parts: cache.New[string](partsBytes, func(h template.HTML) int { return len(h) })}
	return v, v.parse()
}

func (v *Engine) fsys() fs.FS {
	if v.dev {
		return os.DirFS("views")
	}
	return atlasviews.FS
}

func (v *Engine) parse() error {
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
	// Every file is parsed once: the layouts and partials into one set,
	// cloned for each page (which shares their trees) before the page's
	// own file is parsed in. In this order: a page's definitions (its
	// "head" block, say) must come after the layout's defaults to replace
	// them.
	// "part" stands for the function each language's set gives (language).
	common := template.New("").Funcs(v.funcs()).Funcs(template.FuncMap{"part": func(string, Kept) (template.HTML, error) { return "", nil }})
	for _, pattern := range []string{"layouts/*.html", "partials/*.html"} {
		matches, err := fs.Glob(fsys, pattern)
		if err != nil {
			return err
		}
		for _, f := range matches {
			if err := parseFile(common, fsys, f); err != nil {
				return err
			}
		}
	}
	sets := map[string]map[string]*pageSet{}
	for _, lang := range i18n.Languages {
		sets[lang] = map[string]*pageSet{}
	}
	for _, name := range v.pages {
		page, err := common.Clone()
		if err != nil {
			return err
		}
		if err := parseFile(page, fsys, "pages/"+name+".html"); err != nil {
			return fmt.Errorf("view: page %s: %w", name, err)
		}
		for _, lang := range i18n.Languages {
			sets[lang][name] = &pageSet{page: page, name: name, lang: lang}
		}
	}
	v.mu.Lock()
	v.sets = sets
	v.mu.Unlock()
	return nil
}

func parseFile(t *template.Template, fsys fs.FS, f string) error {
	data, err := fs.ReadFile(fsys, f)
	if err != nil {
		return err
	}
	if _, err := t.New(f).Parse(string(data)); err != nil {
		return fmt.Errorf("view: parse %s: %w", f, err)
	}
	return nil
}

// pageSet is a page's set in one language, made at its first use: a
// server starts without making the eighty-odd sets (a few milliseconds
// each), and makes each once, when a reader first asks for its page.
type pageSet struct {
	page       *template.Template // the page's parsed templates, shared by every language
	name, lang string
	once       sync.Once
	t          *template.Template
	err        error
}

// get is the set, made if it is not yet.
func (p *pageSet) get(v *Engine) (*template.Template, error) {
	p.once.Do(func() {
		p.t, p.err = v.language(p.page, p.name, p.lang)
		if p.err != nil {
			p.err = fmt.Errorf("view: page %s in %s: %w", p.name, p.lang, p.err)
		}
		p.page = nil
	})
	return p.t, p.err
}

// Prepare makes every page's set in every language now rather than at its
// first use, and returns the first error: templates that cannot be
// escaped fail here, for tests.
func (v *Engine) Prepare() error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	for _, lang := range i18n.Languages {
		for _, name := range v.pages {
			if _, err := v.sets[lang][name].get(v); err != nil {
				return err
			}
		}
	}
	return nil
}

// language makes a page's set for lang from its parsed templates: copies
// of their trees with what only depends on the language written in
// (static), escaped now, and folded.
func (v *Engine) language(page *template.Template, name, lang string) (*template.Template, error) {
	t := template.New(name)
	t.Funcs(v.funcs()).Funcs(template.FuncMap{"part": v.part(t, lang)})
	for _, tt := range page.Templates() {
		if tt.Tree == nil {
			continue
		}
		if _, err := t.AddParseTree(tt.Name(), v.static(lang, tt.Tree)); err != nil {
			return nil, err
		}
	}
	if err := addEveryTemplate(t); err != nil {
		return nil, err
	}
	if err := escape(t); err != nil {
		return nil, err
	}
	return t, v.folder.fold(t)
}

// Fingerprint hashes every template file: it changes when any does.
func (v *Engine) Fingerprint() string { return v.fingerprint }

// Render executes a page into a pooled buffer first, so a template error
// never sends half a page, then copies it into the response.
func (v *Engine) Render(c *fiber.Ctx, status int, name string, data any) error {
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

// Bytes executes a page and returns it whole, for pages that are kept.
func (v *Engine) Bytes(name string, data any) ([]byte, error) {
	return v.fresh(name, "layout", data)
}

// Fragment executes one named template of a page's set, for a part of a
// page rendered on its own and kept.
func (v *Engine) Fragment(page, name string, data any) ([]byte, error) {
	return v.fresh(page, name, data)
}

// fresh executes into a new buffer sized as this output was last time:
// growing tens of kilobytes by doubling costs as much again in copies.
func (v *Engine) fresh(page, name string, data any) ([]byte, error) {
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

// Execute executes a page's layout into buf, in the data's language, as
// Render does before sending it.
func (v *Engine) Execute(buf *bytes.Buffer, page string, data any) error {
	return v.write(buf, page, "layout", data)
}

// write executes the template name of a page's set, in the data's
// language, into buf.
func (v *Engine) write(buf *bytes.Buffer, page, name string, data any) error {
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
	set := v.sets[lang][page]
	v.mu.RUnlock()
	if set == nil {
		return fmt.Errorf("view: unknown page %q", page)
	}
	t, err := set.get(v)
	if err != nil {
		return err
	}
	s, isSpliced := data.(Spliced)
	out := buf
	if isSpliced {
		out = getPageBuffer()
		defer putPageBuffer(out)
	}
	if err := t.ExecuteTemplate(out, name, data); err != nil {
		return fmt.Errorf("view: render %s/%s: %w", page, name, err)
	}
	if isSpliced {
		splice(buf, out.Bytes(), s.Splices())
	}
	return nil
}
