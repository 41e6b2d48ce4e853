package export_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/color"
	"testing"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/media"
	"atlas/internal/media/mediatest"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// fillPictures adds pictures to fill's atlas: a photo with its copies, a
// WebP, and the photo linked to both sheets.
func fillPictures(t *testing.T, s services) {
	t.Helper()
	ctx := context.Background()
	marie, err := s.store.UserByUsername(ctx, "marie")
	if err != nil {
		t.Fatal(err)
	}
	svc := media.New(s.store)
	for _, up := range []struct {
		slug, alt string
		data      []byte
	}{
		{"grainotheque", "Les bocaux de graines", mediatest.JPEG(700, 400, 1)},
		{"repair-cafe", "Les bocaux, au café", mediatest.JPEG(700, 400, 1)},
		{"repair-cafe", "Le logo", mediatest.WebP(30, 20, color.NRGBA{0, 90, 200, 255})},
	} {
		sh, err := s.store.SheetBySlug(ctx, up.slug)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Upload(ctx, media.Upload{SheetID: sh.ID, UserID: marie.ID, Data: up.data, Alt: up.alt}); err != nil {
			t.Fatal(err)
		}
	}
}

func pictureSnapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var m []store.MediaRow
	var v []store.MediaVariantRow
	var l []store.SheetMediaRow
	if err := st.EachMediaRow(ctx, func(r []store.MediaRow) error { m = append(m, r...); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.EachMediaVariantRow(ctx, func(r []store.MediaVariantRow) error { v = append(v, r...); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := st.EachSheetMediaRow(ctx, func(r []store.SheetMediaRow) error { l = append(l, r...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || len(v) != 2 || len(l) != 3 {
		t.Fatalf("%d pictures, %d copies, %d links; want 2, 2, 3", len(m), len(v), len(l))
	}
	return normalize([]any{m, v, l})
}

func TestArchiveRestoresPicturesByteForByte(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		src := newServices(t, d)
		fill(t, src)
		fillPictures(t, src)
		var buf bytes.Buffer
		m, err := export.WriteArchive(ctx, src.store, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts["media"] != 2 || m.Counts["media_variants"] != 2 || m.Counts["sheet_media"] != 3 {
			t.Errorf("counts = %v", m.Counts)
		}
		var fresh *db.DB
		if d.Dialect == db.Postgres {
			fresh = testutil.NewPostgres(t)
		} else {
			fresh = testutil.NewSQLite(t)
		}
		dst := newServices(t, fresh)
		if _, err := export.RestoreArchive(ctx, dst.store, dst.sheets, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			t.Fatal(err)
		}
		if want, got := pictureSnapshot(t, src.store), pictureSnapshot(t, dst.store); want != got {
			t.Errorf("pictures differ after restore:\nwant %.300s\ngot  %.300s", want, got)
		}
	})
}

func TestArchiveRefusesForgedPictures(t *testing.T) {
	s := newServices(t, testutil.NewSQLite(t))
	fill(t, s)
	fillPictures(t, s)
	var buf bytes.Buffer
	if _, err := export.WriteArchive(context.Background(), s.store, &buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	html := []byte("<html><script>alert(1)</script></html>")
	for name, archive := range map[string][]byte{
		// Bytes swapped for a page: the hash no longer names them.
		"other bytes": editRows(t, good, "media", func(m *store.MediaRow) { m.Data = html; m.Bytes = int64(len(html)) }),
		// Renamed after them, still not a picture.
		"html named by its hash": editRows(t, good, "media", func(m *store.MediaRow) {
			m.Data, m.Bytes, m.SHA256 = html, int64(len(html)), sha256Hex(html)
		}),
		"declared svg":   editRows(t, good, "media", func(m *store.MediaRow) { m.Type = "image/svg+xml" }),
		"wrong width":    editRows(t, good, "media", func(m *store.MediaRow) { m.Width++ }),
		"copy at 500 px": editRows(t, good, "media_variants", func(v *store.MediaVariantRow) { v.Width = 500 }),
		"empty alt":      editRows(t, good, "sheet_media", func(l *store.SheetMediaRow) { l.Alt = " " }),
	} {
		t.Run(name, func(t *testing.T) {
			restoreRefused(t, testutil.NewSQLite(t), archive, "picture")
		})
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
