package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
)

// minContrast is WCAG 2 AA for normal text.
const minContrast = 4.5

// auditJS inspects the page it runs in and returns the structural failures
// and one contrast sample per distinct (kind of text, color, background).
// It runs through DevTools, so the page's CSP does not block it.
const auditJS = `(() => {
  const failures = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    for (const c of el.classList) s += '.' + c;
    for (const a of ['type', 'name', 'href']) {
      const v = el.getAttribute(a);
      if (v !== null) s += '[' + a + '="' + (v.length > 50 ? v.slice(0, 50) + '…' : v) + '"]';
    }
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ');
    if (text) s += ' "' + (text.length > 50 ? text.slice(0, 50) + '…' : text) + '"';
    return s;
  };

  // Landmarks and language.
  const mains = document.querySelectorAll('main');
  if (mains.length !== 1) failures.push('found ' + mains.length + ' <main> elements, want exactly 1');
  if (!document.querySelector('header')) failures.push('no <header> element');
  if (!document.querySelector('nav')) failures.push('no <nav> element');
  const lang = document.documentElement.getAttribute('lang');
  if (lang !== 'fr') failures.push('<html lang> is ' + JSON.stringify(lang) + ', want "fr"');

  // Every form control has a name a screen reader can announce.
  const labels = [...document.querySelectorAll('label[for]')];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    if ((el.getAttribute('aria-label') || '').trim()) continue;
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).filter(n => n && n.textContent.trim());
    if (by.length) continue;
    if (el.id && labels.some(l => l.htmlFor === el.id && l.textContent.trim())) continue;
    failures.push('form control without <label for> nor aria-label: ' + describe(el));
  }

  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) failures.push('image without alt: ' + describe(img) + ' src=' + img.getAttribute('src'));
  }

  // Headings start at h1 and go down one level at a time.
  let prev = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = +h.tagName[1];
    if (level > prev + 1) failures.push('heading level skipped: h' + prev + ' then ' + describe(h).replace(/^h\d/, 'h' + level));
    prev = level;
  }

  for (const el of document.querySelectorAll('[tabindex]')) {
    const v = parseInt(el.getAttribute('tabindex'), 10);
    if (v > 0) failures.push('positive tabindex=' + v + ' on ' + describe(el));
  }

  // Contrast: every visible run of text, against the background it is
  // painted on (translucent layers composited up to the first opaque one).
  const ctx = document.createElement('canvas').getContext('2d');
  const parse = (s) => {
    ctx.fillStyle = 'rgba(0, 0, 0, 0)';
    ctx.fillStyle = s;
    const n = ctx.fillStyle;
    if (n[0] === '#') return [parseInt(n.slice(1, 3), 16), parseInt(n.slice(3, 5), 16), parseInt(n.slice(5, 7), 16), 1];
    const m = n.match(/^rgba?\(([^)]*)\)$/);
    if (!m) return null;
    const p = m[1].split(',').map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const hex = (c) => '#' + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('');
  const kind = (el) => {
    if (el.closest('ins')) return 'ins';
    if (el.closest('del')) return 'del';
    if (el.closest('.badge, .tags li')) return 'badge';
    if (el.closest('button, .button')) return 'button';
    if (el.closest('a')) return 'link';
    if (el.closest('.muted')) return 'muted';
    return 'text';
  };
  const samples = new Map();
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION'].includes(el.tagName)) continue;
    if (![...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
    const cs = getComputedStyle(el);
    if (!el.getClientRects().length || cs.visibility !== 'visible') continue;
    const fg = parse(cs.color);
    let opacity = 1, layers = [], image = null;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      opacity *= parseFloat(s.opacity);
      if (image === null && layers.every(l => l[3] < 1)) {
        if (s.backgroundImage !== 'none') image = describe(e);
        const bg = parse(s.backgroundColor);
        if (bg && bg[3] > 0) layers.push(bg);
      }
    }
    const k = kind(el);
    if (!fg) { failures.push('cannot read text colour ' + cs.color + ' of ' + describe(el)); continue; }
    if (image !== null) { failures.push('text on a background image, contrast not measurable: ' + describe(el) + ' (image on ' + image + ')'); continue; }
    let bg = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    const text = over([fg[0], fg[1], fg[2], fg[3] * opacity], bg);
    const l1 = lum(text), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const key = k + ' ' + hex(text) + ' ' + hex(bg);
    const old = samples.get(key);
    if (old) { old.count++; continue; }
    samples.set(key, { kind: k, element: describe(el), fg: hex(text), bg: hex(bg), ratio: Math.round(ratio * 100) / 100, count: 1 });
  }
  return { failures, samples: [...samples.values()] };
})()`

type contrastSample struct {
	Kind    string  `json:"kind"`
	Element string  `json:"element"`
	FG      string  `json:"fg"`
	BG      string  `json:"bg"`
	Ratio   float64 `json:"ratio"`
	Count   int     `json:"count"`
}

type auditResult struct {
	Failures []string         `json:"failures"`
	Samples  []contrastSample `json:"samples"`
}

// TestPagesAccessibility audits the structure and the colors of every main
// page, as an anonymous visitor and as an administrator who also sits on a
// board (so the review page shows its vote form).
func TestPagesAccessibility(t *testing.T) { onEachDatabase(t, accessibilityJourney) }

func accessibilityJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{
		"marie": "contributor", "anne": "contributor", "bleuenn": "contributor", "gwen": "admin",
	})

	// Content through the API: two revisions (a diff with <ins> and <del>),
	// a board, an open review with one vote, an inbox notice for gwen.
	marieToken := srv.run(t, "", "token", "create", "--username", "marie")
	adminToken := srv.run(t, "", "token", "create", "--username", "gwen")
	anneToken := srv.run(t, "", "token", "create", "--username", "anne")
	body1 := "## La communauté\n\nUne vingtaine de voisins du quartier.\n\n## Les ressources\n\nDes parcelles et une grainothèque.\n\n### Les outils\n\nUne cabane à outils partagée.\n"
	created := srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{
		"title": "Jardin partagé de Recouvrance", "body": body1, "summary": "création",
		"meta": map[string]any{"subtitle": "Un jardin de quartier", "categories": []string{"jardins-nature"}, "tags": []string{"compost"}},
	}, http.StatusCreated)
	slug, _ := created["slug"].(string)
	body2 := strings.Replace(body1, "Une vingtaine de voisins", "Une trentaine de voisins et deux écoles", 1)
	srv.api(t, marieToken, http.MethodPut, "/sheets/"+slug, map[string]any{
		"base": 1, "title": "Jardin partagé de Recouvrance", "body": body2, "summary": "les écoles",
	}, http.StatusOK)
	srv.api(t, adminToken, http.MethodPut, "/sheets/"+slug+"/board", map[string]any{
		"members": []string{"gwen", "anne", "bleuenn"},
	}, http.StatusOK)
	review := srv.api(t, marieToken, http.MethodPost, "/sheets/"+slug+"/reviews", map[string]any{
		"revision": 2, "note": "Prête pour le conseil.",
	}, http.StatusCreated)
	reviewID := fmt.Sprint(review["id"])
	srv.api(t, anneToken, http.MethodPost, "/reviews/"+reviewID+"/votes", map[string]any{
		"choice": "approve", "revision": 2,
	}, http.StatusOK)

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	visitor := newBrowser(t, chromium, srv, "visitor")
	admin := newBrowser(t, chromium, srv, "gwen")
	admin.login(t, "gwen")

	sheet := "/sheets/" + slug
	pages := []struct {
		who  *browser
		name string
		path string
	}{
		{visitor, "login", "/login"},
		{visitor, "home-visitor", "/"},
		{visitor, "sheet-visitor", sheet},
		{admin, "home", "/"},
		{admin, "sheets", "/sheets"},
		{admin, "sheet", sheet},
		{admin, "edit", sheet + "/edit"},
		{admin, "history", sheet + "/history"},
		{admin, "diff-inline", sheet + "/diff?from=1&to=2"},
		{admin, "diff-side", sheet + "/diff?from=1&to=2&view=side"},
		{admin, "review", sheet + "/reviews/" + reviewID},
		{admin, "account", "/account"},
		{admin, "admin-users", "/admin/users"},
		{admin, "inbox", "/inbox"},
	}
	measured := map[string]int{}
	for _, p := range pages {
		if st := p.who.open(t, p.path); st != http.StatusOK {
			t.Errorf("%s (%s): status %d", p.name, p.path, st)
			continue
		}
		res := eval[auditResult](t, p.who, auditJS)
		shot.save(t, p.who, "a11y-"+p.name)
		for _, f := range res.Failures {
			t.Errorf("%s (%s): %s", p.name, p.path, f)
		}
		sort.Slice(res.Samples, func(i, j int) bool { return res.Samples[i].Ratio < res.Samples[j].Ratio })
		for _, s := range res.Samples {
			measured[s.Kind]++
			if os.Getenv("ATLAS_E2E_TRACE") == "1" {
				t.Logf("%s: %.2f:1 %s %s on %s, e.g. %s (%d elements)", p.name, s.Ratio, s.Kind, s.FG, s.BG, s.Element, s.Count)
			}
			if s.Ratio < minContrast {
				t.Errorf("%s (%s): contrast %.2f:1 < %.1f:1 for %s text %s on %s, e.g. %s (%d elements)",
					p.name, p.path, s.Ratio, minContrast, s.Kind, s.FG, s.BG, s.Element, s.Count)
			}
		}
		if len(res.Samples) > 0 {
			t.Logf("%s: %d colour pairs, lowest contrast %.2f:1 (%s %s on %s)", p.name, len(res.Samples),
				res.Samples[0].Ratio, res.Samples[0].Kind, res.Samples[0].FG, res.Samples[0].BG)
		}
	}
	// The audit must really have seen each kind of text somewhere, or a
	// changed page would let this test pass by measuring nothing.
	for _, k := range []string{"text", "link", "muted", "button", "badge", "ins", "del"} {
		if measured[k] == 0 {
			t.Errorf("no %s text was measured on any page", k)
		}
	}
}
