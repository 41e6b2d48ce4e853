package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The phone widths every page must fit: a common phone and the narrowest
// one still sold. Desktop is only photographed, to compare.
var phoneWidths = []int64{375, 320}

// At 768 px, where the header's menu turns into a bar, the page must
// still fit; its controls are sized for a mouse or a tablet there.
const (
	tabletWidth  = 768
	desktopWidth = 1280
)

var measuredWidths = append(append([]int64(nil), phoneWidths...), tabletWidth)

// overflowJS measures how wide the page is at the width W it is shown at
// and, when it is wider, names the elements that stick out: the outermost
// ones (where the overflow starts) and the deepest (what does not wrap).
// Elements inside a box that scrolls or clips on its own do not count.
const overflowJS = `((W) => {
  const de = document.documentElement;
  const res = { scrollWidth: de.scrollWidth, innerWidth: window.innerWidth, outer: [], deepest: [], cut: [], scrollers: [] };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of el.classList) s += '.' + c;
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  // A scrolling box clips what it contains, except absolutely positioned
  // boxes whose containing block lies outside it.
  const outOfFlow = (cs) => cs.position === 'absolute' || cs.position === 'fixed';
  const clipped = (el) => {
    let abs = outOfFlow(getComputedStyle(el));
    for (let e = el.parentElement; e && e !== document.body && e !== de; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (abs && cs.position === 'static') continue;
      if (cs.overflowX !== 'visible') return true;
      abs = outOfFlow(cs);
    }
    return false;
  };
  // Fitting by cutting content off does not count: a box that hides what
  // does not fit in it, rather than letting it scroll, is reported. A map
  // (Leaflet, built by make assets) is a window on tiles laid out around
  // it, moved by dragging: what it hides is the map beyond its edge.
  for (const el of [de, ...document.body.querySelectorAll('*')]) {
    if (el.matches('input, select, textarea, .visually-hidden') || el.closest('.visually-hidden, .leaflet-container')) continue;
    const o = getComputedStyle(el).overflowX;
    if ((o === 'hidden' || o === 'clip') && el.scrollWidth > el.clientWidth + 1) res.cut.push(path(el) + ' (' + el.scrollWidth + ' px of content in ' + el.clientWidth + ' px)');
    if ((o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) res.scrollers.push(el.tagName.toLowerCase() + (el.className ? '.' + [...el.classList].join('.') : ''));
  }
  if (de.scrollWidth <= W) return res;
  const right = new Map();
  const note = (el, r) => {
    if (r.width === 0 || r.right <= W + 0.5 || clipped(el)) return;
    right.set(el, Math.max(right.get(el) || 0, r.right));
  };
  for (const el of document.body.querySelectorAll('*')) note(el, el.getBoundingClientRect());
  // A word that does not wrap sticks out of a box that itself fits.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || !n.parentElement) continue;
    range.selectNodeContents(n);
    note(n.parentElement, range.getBoundingClientRect());
  }
  const all = [...right.entries()];
  const text = (el) => { const t = (el.innerText || '').trim().replace(/\s+/g, ' '); return t ? ' "' + t.slice(0, 40) + '"' : ''; };
  const show = ([el, r]) => path(el) + text(el) + ' (right edge ' + Math.round(r) + ' px)';
  res.outer = all.filter(([el]) => !right.has(el.parentElement)).sort((a, b) => b[1] - a[1]).slice(0, 4).map(show);
  res.deepest = all.filter(([el]) => !all.some(([o]) => o !== el && el.contains(o))).sort((a, b) => b[1] - a[1]).slice(0, 4).map(show);
  return res;
})`

type overflowResult struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Outer       []string `json:"outer"`
	Deepest     []string `json:"deepest"`
	Cut         []string `json:"cut"`       // boxes hiding content that does not fit
	Scrollers   []string `json:"scrollers"` // boxes that scroll sideways
}

// touchJS lists the controls a finger must hit that are smaller than
// 44×44 CSS px: every visible link of the header and of every <nav> (site
// navigation, sheet tabs, contents, pagers), every button, field, select
// and summary, the links of forms and action rows, and checkboxes and
// radio buttons, whose target is the box with their label. A link in a
// sentence is exempt (WCAG 2.5.8, inline), as is everything in rendered
// Markdown.
const touchJS = `(() => {
  const MIN = 44, MIN_BOX = 24;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of el.classList) s += '.' + c;
    for (const a of ['type', 'href', 'name']) { const v = el.getAttribute(a); if (v !== null) s += '[' + a + '="' + v.slice(0, 40) + '"]'; }
    const t = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ');
    if (t && el.tagName !== 'SELECT') s += ' "' + t.slice(0, 30) + '"';
    return s;
  };
  const shown = (el) => {
    if (el.closest('[hidden], .visually-hidden')) return false;
    if (!el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A' || el.closest('nav, .site-header') || el.classList.contains('button')) return false;
    if (el.closest('.markdown')) return true;
    const block = el.closest('p, li, dd, td, th, blockquote, figcaption');
    if (!block || block.querySelector('button, input:not([type=hidden]), select')) return false;
    const own = (el.innerText || '').trim().length;
    let rest = (block.innerText || '').trim().length - own;
    for (const a of block.querySelectorAll('a')) if (a !== el) rest -= (a.innerText || '').trim().length;
    return rest >= 10;
  };
  const seen = new Set(), fails = [];
  const check = (el) => {
    if (seen.has(el)) return;
    seen.add(el);
    if (!shown(el) || el.closest('.markdown')) return;
    let r = el.getBoundingClientRect();
    let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    if (el.type === 'checkbox' || el.type === 'radio') {
      if (r.width < MIN_BOX || r.height < MIN_BOX) {
        fails.push(name(el) + ': ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px box');
        return;
      }
      const labels = [...(el.labels || [])].filter(l => !l.classList.contains('visually-hidden'));
      for (const l of labels) {
        for (const lr of l.getClientRects()) {
          box = { l: Math.min(box.l, lr.left), t: Math.min(box.t, lr.top), r: Math.max(box.r, lr.right), b: Math.max(box.b, lr.bottom) };
        }
      }
    } else if (inSentence(el)) {
      return;
    }
    const w = box.r - box.l, h = box.b - box.t;
    if (w < MIN - 0.5 || h < MIN - 0.5) fails.push(name(el) + ': ' + Math.round(w) + '×' + Math.round(h) + ' px');
  };
  const sel = [
    '.site-header a', 'nav a', 'button', 'input:not([type=hidden])', 'select', 'summary',
    'form a', '.form-actions a', '.actions a', 'a.button',
  ].join(', ');
  for (const el of document.querySelectorAll(sel)) check(el);
  return { checked: seen.size, fails };
})()`

type touchResult struct {
	Checked int      `json:"checked"`
	Fails   []string `json:"fails"`
}

// leaveWithoutAsking answers "leave" when an editor with unsaved text
// asks before the page changes: this test only measures pages. Any other
// dialog is closed too and returned by the function it gives back, for the
// test to fail on.
func leaveWithoutAsking(b *browser) func() []string {
	var mu sync.Mutex
	var other []string
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if ev.Type != page.DialogTypeBeforeunload {
				mu.Lock()
				other = append(other, fmt.Sprintf("%s: %s dialog %q", b.name, ev.Type, ev.Message))
				mu.Unlock()
			}
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), other...)
	}
}

// menuJS opens or closes the header's menu, a <details> on phones, and
// says whether there is one.
func menuJS(open bool) string {
	return fmt.Sprintf(`(() => {
  const d = document.querySelector('.site-header details');
  if (!d) return false;
  d.open = %t;
  return true;
})()`, open)
}

func emulateWidth(t *testing.T, b *browser, width int64) {
	t.Helper()
	if width == desktopWidth {
		b.do(t, "desktop viewport", chromedp.EmulateViewport(width, 900))
		return
	}
	b.do(t, fmt.Sprintf("phone viewport %d", width),
		chromedp.EmulateViewport(width, 740, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
}

// TestPhoneWidths shows every kind of page at phone widths, signed out,
// as a contributor and as an administrator, on both databases, and checks
// that none is wider than the screen and that fingers can hit its controls.
func TestPhoneWidths(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, srv *server) { phoneWidthsOn(t, databaseOf(t), srv) })
}

// The fixture's hard cases: strings with no place to break, a table wider
// than any phone, a long line of code.
const (
	longEmail   = "secretariat.jardins-partages-de-recouvrance@association-des-communs-du-pays-de-brest.bzh"
	longURL     = "https://www.association-des-jardins-partages.example.org/documents/assemblee-generale/2026/compte-rendu-complet-et-definitif.pdf?version=finale&lang=fr"
	longAddress = "Maison-des-associations-et-de-la-vie-citoyenne-du-quartier-de-Recouvrance, 12 bis rue de la Porte-de-Brest-et-du-Commandant-Charles-Le-Goffic, 29200 Brest"
	longWord    = "Intercommunautairementparticipativementcoopérativementsolidairement"
)

var wideBody = `Le jardin réunit des voisins ; écrire à ` + longEmail + ` ou lire ` + longURL + ` avant de venir.

## La communauté

Ligne disputée, première version.

Un mot très long pour finir : ` + longWord + longWord + `.

## Les ressources

| Parcelle | Surface | Responsable | Courriel | Arrosage | Compost | Outils | Observations |
|---|---|---|---|---|---|---|---|
| A1 | 12 m² | Maëlle Kerbrat-Le Gall | ` + longEmail + ` | lundi et jeudi | bac numéro deux | grelinette partagée | ` + longWord + ` |
| B2 | 8 m² | Yannick Guivarc'h | yannick@example.org | mardi | bac numéro un | bêche, râteau | rien à signaler |

    curl --silent --fail "` + longURL + `&format=complet&annexes=toutes"

### Les outils

Une cabane à outils partagée[^1].

[^1]: Voir ` + longURL + `.
`

func phoneWidthsOn(t *testing.T, dbName string, srv *server) {
	srv.createUsers(t, map[string]string{
		"marie": "contributor", "anne": "contributor", "bleuenn": "contributor", "gwen": "admin",
	})
	srv.run(t, password+"\n", "user", "create", "--username", "maelle-kerbrat-le-gall-de-recouvrance",
		"--email", longEmail, "--role", "contributor", "--password-stdin")
	marieToken := srv.run(t, "", "token", "create", "--username", "marie", "--name", "Synchronisation du tableur des parcelles")
	adminToken := srv.run(t, "", "token", "create", "--username", "gwen")
	anneToken := srv.run(t, "", "token", "create", "--username", "anne")

	const title = "Jardin partagé de Recouvrance"
	meta := map[string]any{
		"subtitle": "Un jardin de quartier ouvert à tous", "categories": []string{"jardins-nature"},
		"tags":    []string{"compost", "grainothèque", "coopérative-intercommunale"},
		"place":   map[string]any{"name": "Jardin de la rue Vauban", "address": longAddress, "lat": 48.3845, "lon": -4.4995},
		"website": longURL, "contact": longEmail, "legal_status": "Association loi 1901",
	}
	created := srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{
		"title": title, "body": wideBody, "summary": "création", "meta": meta,
	}, http.StatusCreated)
	slug, _ := created["slug"].(string)
	sheet := "/sheets/" + slug
	meta2 := map[string]any{}
	for k, v := range meta {
		meta2[k] = v
	}
	meta2["contact"] = "autre." + longEmail
	meta2["website"] = longURL + "&edition=2"
	srv.api(t, marieToken, http.MethodPut, sheet, map[string]any{
		"base": 1, "title": title + " et de ses voisins", "meta": meta2, "summary": "les écoles, " + longWord,
		"body": strings.Replace(wideBody, "des voisins", "des voisins et deux écoles ("+longURL+")", 1),
	}, http.StatusOK)
	srv.api(t, adminToken, http.MethodPut, sheet+"/board", map[string]any{
		"members": []string{"gwen", "anne", "bleuenn"},
	}, http.StatusOK)
	review := srv.api(t, marieToken, http.MethodPost, sheet+"/reviews", map[string]any{
		"revision": 2, "note": "Prête pour le conseil : " + longURL,
	}, http.StatusCreated)
	reviewID := fmt.Sprint(review["id"])
	srv.api(t, anneToken, http.MethodPost, "/reviews/"+reviewID+"/votes", map[string]any{
		"choice": "approve", "revision": 2, "comment": "D'accord, voir " + longURL,
	}, http.StatusOK)
	srv.api(t, marieToken, http.MethodPost, sheet+"/comments", map[string]any{
		"body": "Une question pour " + longEmail + " : " + longWord + ".",
	}, http.StatusCreated)

	var shot *shots
	if dbName == "sqlite" {
		shot = newShots(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	chromium := startChromium(t, ctx)
	visitor := newBrowser(t, chromium, srv, "visitor")
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	gwen := newBrowser(t, chromium, srv, "gwen")
	gwen.login(t, "gwen")
	var dialogs []func() []string
	for _, b := range []*browser{marie, gwen} {
		dialogs = append(dialogs, leaveWithoutAsking(b))
	}
	defer func() {
		for _, d := range dialogs {
			for _, m := range d() {
				t.Errorf("unexpected dialog: %s", m)
			}
		}
	}()

	// The conflict screen is the answer to a stale form: the editor is
	// opened, the same line changes through the API, then the form is sent.
	// The section's editor: the whole sheet's editor writes live and takes
	// the API's version in, so its form is never stale.
	conflicts := 0
	line := regexp.MustCompile(`(?m)^Ligne disputée.*$`)
	conflict := func(b *browser) {
		t.Helper()
		b.open(t, sheet+"/edit?section=1")
		body := b.value(t, "#body")
		if !line.MatchString(body) {
			b.fatalf(t, "the editor does not hold the disputed line:\n%s", body)
		}
		conflicts++
		b.setValue(t, "#body", line.ReplaceAllString(body, fmt.Sprintf("Ligne disputée, version du navigateur %d.", conflicts)))
		head := srv.api(t, marieToken, http.MethodGet, sheet, nil, http.StatusOK)
		headBody, _ := head["body"].(string)
		srv.api(t, anneToken, http.MethodPut, sheet, map[string]any{
			"base": head["head"], "title": head["title"], "summary": "ligne disputée",
			"body": line.ReplaceAllString(headBody, fmt.Sprintf("Ligne disputée, version de l'API %d.", conflicts)),
		}, http.StatusOK)
		// The save button, not a preview or toolbar button the editor may have.
		if !eval[bool](t, b, `(() => {
  const save = [...document.querySelectorAll('form.editor button[type=submit]')].find(e => e.textContent.trim() === 'Enregistrer');
  if (save) save.setAttribute('data-overflow-save', '');
  return !!save;
})()`) {
			b.fatalf(t, "no %q button in the editor", "Enregistrer")
		}
		if resp := b.submit(t, "[data-overflow-save]"); resp.Status != http.StatusConflict {
			b.fatalf(t, "stale form: status %d, want 409 (the conflict screen)", resp.Status)
		}
		if !b.has(t, "#conflict-title") {
			b.fatalf(t, "no conflict screen after a stale form:\n%s", b.pageText(t))
		}
	}

	type page struct {
		name string
		path string // "" for the conflict screen
		code int
		// What must scroll sideways in its own box at phone widths.
		scrolls []string
	}
	pg := func(name, path string, code int, scrolls ...string) page {
		return page{name: name, path: path, code: code, scrolls: scrolls}
	}
	public := []page{
		pg("home", "/", 200), pg("sheet-list", "/sheets", 200), pg("map", "/map", 200),
		pg("sheet", sheet, 200, "table", "pre"), pg("history", sheet+"/history", 200, "div.table-scroll"),
		pg("diff-inline", sheet+"/diff?from=1&to=2", 200), pg("diff-side", sheet+"/diff?from=1&to=2&view=side", 200),
		pg("revision", sheet+"/revisions/1", 200, "table", "pre"), pg("reviews", sheet+"/reviews", 200),
		pg("review", sheet+"/reviews/"+reviewID, 200, "div.table-scroll", "table", "pre"), pg("changes", "/changes", 200),
		pg("search", "/search?q=jardin", 200), pg("error", "/sheets/cette-fiche-n-existe-pas", 404),
	}
	contributor := append([]page{
		pg("editor", sheet+"/edit", 200), pg("editor-section", sheet+"/edit?section=1", 200),
		pg("new-sheet", "/sheets/new", 200), pg("conflict", "", 409),
		pg("inbox", "/inbox", 200), pg("account", "/account", 200),
	}, public...)
	admin := append([]page{
		pg("admin-users", "/admin/users", 200, "div.table-scroll"), pg("admin-audit", "/admin/audit", 200, "div.table-scroll"),
		pg("board", sheet+"/board", 200),
	}, contributor...)
	visits := []struct {
		who   *browser
		pages []page
	}{
		{visitor, append([]page{pg("login", "/login", 200)}, public...)},
		{marie, contributor},
		{gwen, admin},
	}

	// The widest each kind of page was, at each width, over all readers:
	// logged at the end, to compare before and after a change.
	widths := map[string][]int{}
	var kinds []string
	photographed := map[string]bool{}
	failures := 0
	widest := map[int64]string{}
	widestPx := map[int64]int{}
	for _, v := range visits {
		for _, p := range v.pages {
			// The page is loaded once at a phone width (so the server and
			// the scripts see a phone), then measured at each width.
			emulateWidth(t, v.who, phoneWidths[0])
			if p.path == "" {
				conflict(v.who)
			} else if st := v.who.open(t, p.path); int(st) != p.code {
				t.Errorf("%s: %s (%s): status %d, want %d", v.who.name, p.name, p.path, st, p.code)
				continue
			}
			where := fmt.Sprintf("%s, %s (%s)", v.who.name, p.name, v.who.path(t))
			if widths[p.name] == nil {
				widths[p.name] = make([]int, len(measuredWidths))
				kinds = append(kinds, p.name)
			}
			for i, w := range measuredWidths {
				emulateWidth(t, v.who, w)
				phone := w < tabletWidth
				// Closed, then with the header's menu open, when it has one.
				for _, open := range []bool{false, true} {
					state := ""
					if open {
						if !phone {
							break
						}
						if !eval[bool](t, v.who, menuJS(true)) {
							break
						}
						state = ", menu open"
					}
					res := eval[overflowResult](t, v.who, fmt.Sprintf("%s(%d)", overflowJS, w))
					widths[p.name][i] = max(widths[p.name][i], res.ScrollWidth)
					if res.ScrollWidth > widestPx[w] {
						widestPx[w], widest[w] = res.ScrollWidth, where+state
					}
					if len(res.Cut) > 0 {
						failures++
						t.Errorf("%s at %d px%s: content cut off instead of scrolling: %s", where, w, state, strings.Join(res.Cut, "; "))
					}
					if phone && !open {
						for _, want := range p.scrolls {
							if !slices.Contains(res.Scrollers, want) {
								failures++
								t.Errorf("%s at %d px: no %s scrolls sideways in its own box (boxes that do: %v)", where, w, want, res.Scrollers)
							}
						}
					}
					if res.ScrollWidth > int(w) || res.ScrollWidth > res.InnerWidth {
						failures++
						t.Errorf("%s at %d px%s: the page is %d px wide (window %d px); sticking out: %s; not wrapping: %s",
							where, w, state, res.ScrollWidth, res.InnerWidth, strings.Join(res.Outer, "; "), strings.Join(res.Deepest, "; "))
					}
					if !phone {
						continue
					}
					touch := eval[touchResult](t, v.who, touchJS)
					if touch.Checked == 0 {
						t.Errorf("%s at %d px%s: no control was measured", where, w, state)
					}
					if len(touch.Fails) > 0 {
						failures++
						t.Errorf("%s at %d px%s: %d of %d controls are smaller than 44×44 px: %s",
							where, w, state, len(touch.Fails), touch.Checked, strings.Join(touch.Fails, "; "))
					}
					if open && shot != nil && !photographed["menu-"+v.who.name] && w == phoneWidths[0] {
						photographed["menu-"+v.who.name] = true
						shot.save(t, v.who, "phone-menu-open-"+v.who.name+"-375")
					}
				}
				eval[bool](t, v.who, menuJS(false))
			}
			key := p.name
			if v.who == visitor {
				key += "-signed-out"
			}
			if shot != nil && !photographed[key] && (v.who != visitor || p.name == "home" || p.name == "sheet" || p.name == "login") {
				photographed[key] = true
				emulateWidth(t, v.who, phoneWidths[0])
				shot.save(t, v.who, "phone-"+key+"-375")
				if p.name == "sheet" || p.name == "diff-side" || p.name == "editor" {
					emulateWidth(t, v.who, 320)
					shot.save(t, v.who, "phone-"+key+"-320")
				}
				emulateWidth(t, v.who, desktopWidth)
				shot.save(t, v.who, "phone-"+key+"-1280")
			}
		}
	}
	var table strings.Builder
	for _, k := range kinds {
		fmt.Fprintf(&table, "\n  %-16s", k)
		for i, w := range measuredWidths {
			fmt.Fprintf(&table, " %4d px at %d", widths[k][i], w)
		}
	}
	t.Logf("%s: page widths (widest over the three readers):%s", dbName, table.String())
	for _, w := range measuredWidths {
		t.Logf("%s: widest page at %d px: %d px (%s)", dbName, w, widestPx[w], widest[w])
	}
	if failures > 0 {
		t.Logf("%s: %d failed measurements", dbName, failures)
	}
}
