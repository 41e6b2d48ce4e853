package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atlas/internal/media/mediatest"
)

// TestPictureInTheEditor: a contributor adds a photo from the editor: its
// description first, then the file; the Markdown that shows it lands at
// the cursor; the preview shows it; saved, the sheet shows it in its text
// and its gallery, at 1280 and 375 px.
func TestPictureInTheEditor(t *testing.T) { onEachDatabase(t, picturesJourney) }

func picturesJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Jardin des Lilas", "body": "Un jardin partagé.\n\n## Le lieu\n\nDerrière l'école.\n", "summary": "création"}, http.StatusCreated)
	slug := created["slug"].(string)
	photo := filepath.Join(t.TempDir(), "IMG_0042.JPG")
	if err := os.WriteFile(photo, mediatest.JPEG(1600, 1000, 1), 0o600); err != nil {
		t.Fatal(err)
	}

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	marie.open(t, "/sheets/"+slug+"/edit")
	marie.waitFor(t, `[data-md-toolbar] button[data-picture-add]`)

	// The cursor after the first paragraph; the description, then the file.
	caretAt(t, marie, "\n", 0, 0)
	eval[bool](t, marie, `(() => { document.activeElement.blur(); return true; })()`)
	marie.setValue(t, "#picture-alt", "Les carrés de potager au printemps")
	marie.do(t, "choose the photo", chromedp.SetUploadFiles(chromedp.CSS("#picture-file"), []string{photo}))
	waitFor(t, marie, "the picture's Markdown in the text", `document.getElementById('body').value.includes('](/media/')`, 15*time.Second)
	body := marie.value(t, "#body")
	if !strings.HasPrefix(body, "Un jardin partagé.\n\n![Les carrés de potager au printemps](/media/") || !strings.Contains(body, ")\n\n## Le lieu") {
		t.Errorf("the text after the upload:\n%q", body)
	}
	if got := marie.text(t, ".picture-status"); !strings.Contains(got, "ajoutée") {
		t.Errorf("status after the upload: %q", got)
	}
	if !marie.has(t, `[data-picture-list] li img`) {
		t.Error("the editor's list does not show the new picture")
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("pictures-01-editor-%d", w))
	}
	marie.viewport(t, 1280)

	// The preview in place shows it.
	marie.click(t, `[data-editor-modes] button[data-mode="preview"]`)
	waitFor(t, marie, "the picture in the preview", `(() => { const i = document.querySelector('.preview-body img'); return !!i && i.complete && i.naturalWidth > 0; })()`, 15*time.Second)
	if srcset := eval[string](t, marie, `document.querySelector('.preview-body img').getAttribute('srcset') || ''`); !strings.Contains(srcset, "?w=640 640w") {
		t.Errorf("preview picture srcset %q", srcset)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("pictures-02-preview-%d", w))
	}
	marie.viewport(t, 1280)
	marie.click(t, `[data-editor-modes] button[data-mode="write"]`)

	// Saved: the page shows it in the text and in its gallery.
	marie.submit(t, `form.editor button[type=submit]:not([name])`)
	eval[bool](t, marie, `(() => { document.querySelector('.sheet-body img').scrollIntoView(); return true; })()`)
	waitFor(t, marie, "the picture on the page", `(() => { const i = document.querySelector('.sheet-body img'); return !!i && i.complete && i.naturalWidth > 0; })()`, 15*time.Second)
	if alt := eval[string](t, marie, `document.querySelector('.sheet-body img').alt`); alt != "Les carrés de potager au printemps" {
		t.Errorf("alt on the page %q", alt)
	}
	if !marie.has(t, `#pictures .picture-gallery img`) {
		t.Error("no gallery of the sheet's pictures")
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		eval[bool](t, marie, `(() => { window.scrollTo(0, 0); return true; })()`)
		shot.save(t, marie, fmt.Sprintf("pictures-03-page-%d", w))
		if w == 375 {
			if right := eval[float64](t, marie, `document.querySelector('.sheet-body img').getBoundingClientRect().right`); right > 375.5 {
				t.Errorf("the picture reaches %.0f px at 375 px", right)
			}
		}
	}
}
