package web

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
)

// TestCachesKeepPagesUnderWhatTheyShow: a sheet's page is built once per
// cache version and language, and a write's new version builds it again,
// with no invalidation at all.
func TestCachesKeepPagesUnderWhatTheyShow(t *testing.T) {
	cs := newCaches("build1")
	sh := &model.Sheet{ID: 3, Slug: "jardin", CacheVersion: 1}
	lang, builds := "fr", 0
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		return cs.sendSheetPage(c, pageSheetShow, sh, lang, "", func() ([]byte, error) {
			builds++
			return []byte("page"), nil
		})
	})
	read := func(step string, wantBuilds int) string {
		t.Helper()
		resp, err := app.Test(httptest.NewRequest(fiber.MethodGet, "/", nil))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != fiber.StatusOK || builds != wantBuilds {
			t.Fatalf("%s: status %d after %d builds, want 200 after %d", step, resp.StatusCode, builds, wantBuilds)
		}
		return resp.Header.Get(fiber.HeaderETag)
	}
	first := read("first read", 1)
	if read("second read", 1) != first {
		t.Error("the kept page changed its ETag")
	}
	lang = "en"
	read("another language", 2)
	sh.CacheVersion = 2
	if read("after a write", 3) == first {
		t.Error("a new version kept the old ETag")
	}
	if s := cs.stats()["pages"]; s.Hits != 1 || s.Misses != 3 || s.Entries != 3 {
		t.Errorf("page cache counters %+v", s)
	}
}

// TestCachesForgetRowsOnWritesAndNotices: the kept rows and the cards'
// fingerprint go on a write answered here, and a notice drops its sheet's
// row and the fingerprint.
func TestCachesForgetRowsOnWritesAndNotices(t *testing.T) {
	cs := newCaches("build1")
	cs.FeedLive(true)
	rows, cards := 0, 0
	loadRow := func(_ context.Context, slug string) (*model.Sheet, error) {
		rows++
		return &model.Sheet{ID: 3, Slug: slug}, nil
	}
	loadCards := func(context.Context) (string, error) { cards++; return "v", nil }
	read := func(step string, wantRows, wantCards int) {
		t.Helper()
		if _, err := cs.sheet(context.Background(), "jardin", loadRow); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.cardsVersion(context.Background(), loadCards); err != nil {
			t.Fatal(err)
		}
		if rows != wantRows || cards != wantCards {
			t.Fatalf("%s: %d row and %d cards loads, want %d and %d", step, rows, cards, wantRows, wantCards)
		}
	}
	read("first read", 1, 1)
	read("kept", 1, 1)
	cs.writeDone()
	read("after a write", 2, 2)
	cs.SheetChanged(4)
	read("another sheet changed", 2, 3)
	cs.SheetChanged(3)
	read("this sheet changed", 3, 4)
	cs.FeedLive(false)
	read("feed down", 4, 5)
	read("nothing kept without a feed", 5, 6)
}
