package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/media"
	"atlas/internal/media/mediatest"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// uploadRequest builds a multipart upload of a file under a name and a
// declared type (neither of which the atlas believes).
func uploadRequest(t testing.TB, path string, fields map[string]string, name, declared string, data []byte) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data != nil {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename=%q`, name)}
		h["Content-Type"] = []string{declared}
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = part.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// upload posts a picture through the API as user.
func (a *testAtlas) upload(slug, user, alt, name, declared string, data []byte) response {
	a.t.Helper()
	req := uploadRequest(a.t, "/api/v1/sheets/"+slug+"/media", map[string]string{"alt": alt}, name, declared, data)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	}
	return a.do(req)
}

func TestPictureUploadStripsWhereThePhotoWasTaken(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin des Lilas", "Un jardin.")
		r := a.upload(slug, "marie", "Le potager au printemps", "IMG_0001.JPG", "image/jpeg", mediatest.JPEG(40, 20, 6))
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		got := r.json(t)
		sha, _ := got["sha256"].(string)
		if !media.ValidHash(sha) || got["url"] != "/media/"+sha || got["type"] != "image/jpeg" ||
			got["width"] != 20.0 || got["height"] != 40.0 || got["alt"] != "Le potager au printemps" {
			t.Fatalf("answer = %v", got)
		}
		served := a.do(httptest.NewRequest(http.MethodGet, "/media/"+sha, nil))
		if served.status != http.StatusOK || served.header.Get("Content-Type") != "image/jpeg" ||
			served.header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(served.header.Get("Content-Disposition"), `inline; filename="`) ||
			!strings.Contains(served.header.Get("Cache-Control"), "immutable") {
			t.Fatalf("served: %d %v", served.status, served.header)
		}
		if float64(len(served.body)) != got["bytes"] {
			t.Errorf("served %d bytes, answer said %v", len(served.body), got["bytes"])
		}
		// Parsed back: no EXIF, XMP or comment segment, no trace of them.
		if segs := mediatest.Segments(served.body); bytes.IndexByte(segs, 0xE1) >= 0 || bytes.IndexByte(segs, 0xFE) >= 0 {
			t.Errorf("served JPEG keeps APP1 or COM: % x", segs)
		}
		for _, s := range []string{mediatest.GPSMarker, mediatest.XMPMarker, mediatest.CommentMarker, "Exif"} {
			if bytes.Contains(served.body, []byte(s)) {
				t.Errorf("served file holds %q", s)
			}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(served.body))
		if err != nil || cfg.Width != 20 || cfg.Height != 40 {
			t.Errorf("served picture: %v %d×%d", err, cfg.Width, cfg.Height)
		}
		// A second request comes from memory, or a browser's copy.
		again := httptest.NewRequest(http.MethodGet, "/media/"+sha, nil)
		again.Header.Set("If-None-Match", served.header.Get("ETag"))
		if r := a.do(again); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", r.status)
		}
	})
}

func TestPictureTypesAndCopies(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Atelier vélo", "Un atelier.")
		for _, tc := range []struct {
			name, want string
			data       []byte
		}{
			{"logo.png", "image/png", mediatest.PNG(700, 350)},
			{"anim.gif", "image/gif", mediatest.GIF(50, 40)},
			{"photo.webp", "image/png", mediatest.WebP(12, 9, color.NRGBA{10, 200, 30, 255})},
		} {
			r := a.upload(slug, "marie", "Une image", tc.name, "application/octet-stream", tc.data)
			if r.status != http.StatusCreated || r.json(t)["type"] != tc.want {
				t.Fatalf("%s: %d %s", tc.name, r.status, r.body)
			}
			sha := r.json(t)["sha256"].(string)
			served := a.do(httptest.NewRequest(http.MethodGet, "/media/"+sha, nil))
			if served.status != http.StatusOK || served.header.Get("Content-Type") != tc.want || media.Sniff(served.body) != tc.want {
				t.Errorf("%s served: %d %s", tc.name, served.status, served.header.Get("Content-Type"))
			}
			if tc.name != "logo.png" {
				continue
			}
			// A 700 px picture has 320 and 640 px copies; at 1280 it is
			// served as it is.
			for w, want := range map[string]int{"320": 320, "640": 640, "1280": 700} {
				r := a.do(httptest.NewRequest(http.MethodGet, "/media/"+sha+"?w="+w, nil))
				cfg, _, err := image.DecodeConfig(bytes.NewReader(r.body))
				if r.status != http.StatusOK || err != nil || cfg.Width != want {
					t.Errorf("?w=%s: %d %v width %d, want %d", w, r.status, err, cfg.Width, want)
				}
			}
			if r := a.do(httptest.NewRequest(http.MethodGet, "/media/"+sha+"?w=100", nil)); r.status != http.StatusBadRequest {
				t.Errorf("?w=100: %d", r.status)
			}
		}
	})
}

func TestPictureRefusals(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Repair café", "Un café.")
		png := mediatest.PNG(8, 8)
		for _, tc := range []struct {
			name       string
			user, alt  string
			file, slug string
			data       []byte
			status     int
			code       string
		}{
			{"html named png", "marie", "x", "a.png", slug, []byte("<!DOCTYPE html><script>alert(1)</script>"), 415, "unsupported_picture"},
			{"svg", "marie", "x", "a.svg", slug, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 415, "unsupported_picture"},
			{"polyglot", "marie", "x", "a.png", slug, append(append([]byte{}, png...), "<html><script>alert(1)</script>"...), 415, "unsupported_picture"},
			{"bomb", "marie", "x", "a.png", slug, mediatest.Bomb(20000, 20000), 413, "too_many_pixels"},
			{"empty alt", "marie", "  ", "a.png", slug, png, 422, "alt_required"},
			{"no file", "marie", "x", "", slug, nil, 422, "file_required"},
			{"unknown sheet", "marie", "x", "a.png", "nulle-part", png, 404, "not_found"},
			{"anonymous", "", "x", "a.png", slug, png, 401, "unauthorized"},
		} {
			r := a.upload(tc.slug, tc.user, tc.alt, tc.file, "image/png", tc.data)
			if r.status != tc.status || r.json(t)["error"] != tc.code {
				t.Errorf("%s: %d %s, want %d %s", tc.name, r.status, r.body, tc.status, tc.code)
			}
		}
		// Over 10 MiB: refused from the Content-Length, before the body.
		big := make([]byte, media.MaxFileBytes+1)
		copy(big, png)
		if r := a.upload(slug, "marie", "x", "big.png", "image/png", big); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("11 MiB: %d %s", r.status, r.body)
		}
		var n int64
		if err := d.Conn(context.Background()).Raw(`SELECT count(*) FROM media`).Scan(&n).Error; err != nil || n != 0 {
			t.Errorf("refusals stored %d pictures (%v)", n, err)
		}
	})
}

func TestSamePictureStoredOnce(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		one := createSheet(t, a, "Fiche une", "Un.")
		two := createSheet(t, a, "Fiche deux", "Deux.")
		photo := mediatest.JPEG(30, 30, 1)
		var hashes []any
		for _, slug := range []string{one, one, two} {
			r := a.upload(slug, "marie", "La même photo", "p.jpg", "image/jpeg", photo)
			if r.status != http.StatusCreated {
				t.Fatalf("%d %s", r.status, r.body)
			}
			hashes = append(hashes, r.json(t)["sha256"])
		}
		if hashes[0] != hashes[1] || hashes[1] != hashes[2] {
			t.Errorf("hashes %v", hashes)
		}
		var media, links int64
		g := d.Conn(context.Background())
		if err := g.Raw(`SELECT count(*) FROM media`).Scan(&media).Error; err != nil {
			t.Fatal(err)
		}
		if err := g.Raw(`SELECT count(*) FROM sheet_media`).Scan(&links).Error; err != nil {
			t.Fatal(err)
		}
		if media != 1 || links != 2 {
			t.Errorf("%d pictures and %d links, want 1 and 2", media, links)
		}
	})
}

func TestPictureFormWithoutJavaScriptAndOnThePage(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Grainothèque du quartier", "Des graines.")
		b := a.browser()
		b.login("marie")
		csrf := b.csrf("/sheets/" + slug + "/edit")
		req := uploadRequest(t, "/sheets/"+slug+"/media", map[string]string{"_csrf": csrf, "alt": "Les bocaux [étiquetés]"}, "g.png", "image/png", mediatest.PNG(900, 600))
		r := b.send(req)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/sheets/"+slug+"/edit#picture-") {
			t.Fatalf("form upload: %d %s %s", r.status, r.header.Get("Location"), r.body)
		}
		var sha string
		if err := d.Conn(context.Background()).Raw(`SELECT sha256 FROM media`).Scan(&sha).Error; err != nil || sha == "" {
			t.Fatalf("stored: %q %v", sha, err)
		}
		edit := b.get("/sheets/" + slug + "/edit")
		markdown := `![Les bocaux \[étiquetés\]](/media/` + sha + `)`
		if !bytes.Contains(edit.body, []byte("<code>"+htmlEscape(markdown)+"</code>")) {
			t.Errorf("the editor does not show the Markdown to copy %s", markdown)
		}
		// Without a description, a French message and nothing stored.
		req = uploadRequest(t, "/sheets/"+slug+"/media", map[string]string{"_csrf": csrf, "alt": ""}, "g.png", "image/png", mediatest.PNG(10, 10))
		if r := b.send(req); r.status != http.StatusUnprocessableEntity || !bytes.Contains(r.body, []byte("Décrivez l&#39;image")) {
			t.Errorf("no alt: %d", r.status)
		}
		// The text shows it, with its copies; the page lists it.
		sh, err := a.store.SheetBySlug(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		if r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": sh.HeadNumber, "title": "Grainothèque du quartier",
			"body": "Des graines.\n\n" + markdown + "\n"}); r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		page := b.get("/sheets/" + slug)
		src := "/media/" + sha
		for _, want := range []string{
			`<img src="` + src + `" alt="Les bocaux [étiquetés]" loading="lazy" decoding="async" width="900" height="600" srcset="` + src + `?w=320 320w, ` + src + `?w=640 640w, ` + src + ` 900w"`,
			`id="pictures"`, `<img src="` + src + `?w=320" alt="Les bocaux [étiquetés]" width="320" height="213" loading="lazy">`,
		} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("sheet page lacks %s", want)
			}
		}
		if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") || strings.Contains(csp, "img-src *") {
			t.Errorf("CSP %q", csp)
		}
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// Two instances over one database: a picture uploaded through one is
// served by the other, which never saw it (its own caches).
func TestPictureServedByAnotherInstance(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		var deps web.Deps
		a := newTestAtlasWith(t, d, func(dp *web.Deps) { deps = *dp })
		other, err := web.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		slug := createSheet(t, a, "Tiers-lieu", "Un lieu.")
		r := a.upload(slug, "marie", "La façade", "f.png", "image/png", mediatest.PNG(800, 300))
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		sha := r.json(t)["sha256"].(string)
		for _, path := range []string{"/media/" + sha, "/media/" + sha + "?w=640"} {
			resp, err := other.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			body, err := readAndClose(resp)
			if err != nil || resp.StatusCode != http.StatusOK || media.Sniff(body) != media.TypePNG {
				t.Errorf("%s on the other instance: %d %v", path, resp.StatusCode, err)
			}
		}
	})
}

// The editor's preview without JavaScript (a form submit) keeps the list
// of the sheet's pictures and the upload form.
func TestPicturesStayInThePreviewWithoutJavaScript(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", "Un jardin.")
	if r := a.upload(slug, "marie", "Le portail", "p.gif", "image/gif", mediatest.GIF(20, 10)); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	b := a.browser()
	b.login("marie")
	page := b.get("/sheets/" + slug + "/edit")
	r := b.post("/sheets/"+slug+"/edit", url.Values{"_csrf": {b.csrf("/sheets/" + slug + "/edit")}, "base": {field(page.body, "base")},
		"title": {"Jardin"}, "body": {"Un jardin."}, "action": {"preview"}})
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`action="/sheets/`+slug+`/media"`)) || !bytes.Contains(r.body, []byte(`alt="Le portail"`)) {
		t.Errorf("preview: %d, upload form or picture missing", r.status)
	}
}

// TestPictureFormRefusalsKeepTheEditor: a refused upload from the editor's
// plain form (no JavaScript) answers with the editor itself, its status
// kept (415, 413, 422), the French reason beside the form, the description
// typed kept, and nothing stored; a file past the largest body, refused
// before the atlas reads the request, gets the reason and a link back to
// the editor's pictures. An unknown sheet stays a 404.
func TestPictureFormRefusalsKeepTheEditor(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Grainothèque du quartier", "Des graines.")
		b := a.browser()
		b.login("marie")
		csrf := b.csrf("/sheets/" + slug + "/edit")
		png := mediatest.PNG(10, 10)
		huge := make([]byte, 12<<20) // past the whole form's limit
		copy(huge, png)
		for _, tc := range []struct {
			name, alt string
			data      []byte
			status    int
			message   string
		}{
			{"html named png", "Les bocaux", []byte("<!DOCTYPE html><p>non</p>"), 415, "Ce fichier n&#39;est pas une image JPEG, PNG, WebP ou GIF."},
			{"just over the file limit", "Les bocaux", append(append([]byte{}, png...), make([]byte, media.MaxFileBytes)...), 413, "Cette image est trop lourde (10 Mio au plus)."},
			{"empty alt", "  ", png, 422, "Décrivez l&#39;image"},
		} {
			req := uploadRequest(t, "/sheets/"+slug+"/media", map[string]string{"_csrf": csrf, "alt": tc.alt}, "g.png", "image/png", tc.data)
			r := b.send(req)
			body := string(r.body)
			if r.status != tc.status {
				t.Errorf("%s: %d, want %d", tc.name, r.status, tc.status)
			}
			for _, want := range []string{`<div class="error-summary" role="alert" id="picture-error"><p>Image non ajoutée : ` + tc.message,
				`action="/sheets/` + slug + `/media"`, `name="body"`, `autofocus aria-describedby="picture-error"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the editor lacks %s", tc.name, want)
				}
			}
			if strings.TrimSpace(tc.alt) != "" && !strings.Contains(body, `id="picture-alt" name="alt" value="`+tc.alt+`"`) {
				t.Errorf("%s: the description typed is lost", tc.name)
			}
		}
		// Past the largest body any route takes, the request is refused
		// before the atlas reads it (nor its session): the reason, and the
		// way back to the editor's pictures.
		req := uploadRequest(t, "/sheets/"+slug+"/media", map[string]string{"_csrf": csrf, "alt": "x"}, "g.png", "image/png", huge)
		if r := b.send(req); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "Cette image est trop lourde (10 Mio au plus).") ||
			!strings.Contains(string(r.body), `<a href="/sheets/`+slug+`/edit#pictures">`) {
			t.Errorf("past the form's limit: %d\n%s", r.status, r.body)
		}
		var n int64
		if err := d.Conn(context.Background()).Raw(`SELECT count(*) FROM media`).Scan(&n).Error; err != nil || n != 0 {
			t.Errorf("refusals stored %d pictures (%v)", n, err)
		}
		if r := b.get("/sheets/" + slug + "/edit"); strings.Contains(string(r.body), "picture-error") {
			t.Errorf("the editor shows a refusal unasked")
		}
		req = uploadRequest(t, "/sheets/nulle-part/media", map[string]string{"_csrf": csrf, "alt": "x"}, "g.png", "image/png", png)
		if r := b.send(req); r.status != http.StatusNotFound {
			t.Errorf("unknown sheet: %d", r.status)
		}
	})
}
