package export_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// goodArchive is the archive of fill's atlas, made once per test.
func goodArchive(t *testing.T) []byte {
	t.Helper()
	s := newServices(t, testutil.NewSQLite(t))
	fill(t, s)
	var buf bytes.Buffer
	if _, err := export.WriteArchive(context.Background(), s.store, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// entry is one file of a zip being written.
type entry struct {
	name string
	data []byte
}

// entries reads every file of an archive, in order.
func entries(t *testing.T, archive []byte) []entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{f.Name, data})
	}
	return out
}

func zipOf(t *testing.T, list []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range list {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// editRows rewrites the rows of one table of an archive.
func editRows[T any](t *testing.T, archive []byte, table string, edit func(*T)) []byte {
	t.Helper()
	list := entries(t, archive)
	for i, e := range list {
		if e.name != table+".jsonl" {
			continue
		}
		var out bytes.Buffer
		for _, line := range bytes.Split(bytes.TrimSpace(e.data), []byte("\n")) {
			var row T
			if err := json.Unmarshal(line, &row); err != nil {
				t.Fatal(err)
			}
			edit(&row)
			if err := json.NewEncoder(&out).Encode(&row); err != nil {
				t.Fatal(err)
			}
		}
		list[i].data = out.Bytes()
	}
	return zipOf(t, list)
}

// restoreRefused restores archive into a fresh database, wants it refused
// with a reason holding want, and the database left as it was: empty.
func restoreRefused(t *testing.T, d *db.DB, archive []byte, want string) {
	t.Helper()
	s := newServices(t, d)
	_, err := export.RestoreArchive(context.Background(), s.store, s.sheets, bytes.NewReader(archive), int64(len(archive)))
	checkRefused(t, s, err, want)
}

func checkRefused(t *testing.T, s services, err error, want string) {
	t.Helper()
	ctx := context.Background()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("restore: got %v, want an error with %q", err, want)
	} else if strings.Contains(err.Error(), "\n") {
		t.Errorf("the reason is not one line: %q", err)
	}
	empty, err := s.store.IsEmpty(ctx)
	if err != nil || !empty {
		t.Errorf("a refused archive left data behind (empty %v, %v)", empty, err)
	}
	for name, rows := range map[string]func() (int, error){
		"revisions": func() (int, error) { l, err := collect[model.Revision](ctx, s.store); return len(l), err },
		"reviews":   func() (int, error) { l, err := collect[model.Review](ctx, s.store); return len(l), err },
		"comments":  func() (int, error) { l, err := collect[model.Comment](ctx, s.store); return len(l), err },
	} {
		if n, err := rows(); err != nil || n != 0 {
			t.Errorf("a refused archive left %d %s (%v)", n, name, err)
		}
	}
}

func sum(body string) string {
	h := sha256.Sum256([]byte(body))
	return hex.EncodeToString(h[:])
}

func TestRestoreRefusesWhatTheAPIWouldRefuse(t *testing.T) {
	good := goodArchive(t)
	onSheet := func(slug string) func(*model.Sheet) {
		return func(sh *model.Sheet) {
			if sh.Slug == "repair-cafe" {
				sh.Slug = slug
			}
		}
	}
	onRevision := func(fn func(r *model.Revision)) func(*model.Revision) {
		return func(r *model.Revision) {
			if r.Title == "Repair café" {
				fn(r)
			}
		}
	}
	onUser := func(fn func(u *model.User)) func(*model.User) {
		return func(u *model.User) {
			if u.Username == "marie" {
				fn(u)
			}
		}
	}
	withEntry := func(name string, data []byte) []byte {
		return zipOf(t, append(entries(t, good), entry{name, data}))
	}
	var many []entry
	for i := 0; i < 40; i++ {
		many = append(many, entry{fmt.Sprintf("x%d.jsonl", i), nil})
	}
	cases := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"slug with a newline", editRows(t, good, "sheets", onSheet("repair-cafe\nM 100644 inline evil.md")), `"sheets.jsonl", line 2: slug "repair-cafe\nM`},
		{"slug of a route", editRows(t, good, "sheets", onSheet("new")), `slug "new"`},
		{"slug with a slash", editRows(t, good, "sheets", onSheet("../etc/passwd")), `slug "../etc/passwd"`},
		{"bad username", editRows(t, good, "users", onUser(func(u *model.User) { u.Username = "Marie\nCurie" })), `"users.jsonl", line 2: username "Marie\nCurie"`},
		{"bad email", editRows(t, good, "users", onUser(func(u *model.User) { u.Email = "marie>\n<x@y" })), "not a valid email"},
		{"display name on two lines", editRows(t, good, "users", onUser(func(u *model.User) { u.DisplayName = "Marie\nCurie" })), "display name"},
		{"body over the limit", editRows(t, good, "revisions", onRevision(func(r *model.Revision) {
			r.Body = strings.Repeat("a", sheet.MaxBodyBytes+1)
			r.SHA256, r.Size = sum(r.Body), len(r.Body)
		})), `"revisions.jsonl", line 5: sheet: body: body_too_large`},
		{"title on two lines", editRows(t, good, "revisions", onRevision(func(r *model.Revision) { r.Title = "Repair\ncafé" })), "title"},
		{"wrong hash", editRows(t, good, "revisions", onRevision(func(r *model.Revision) { r.SHA256 = sum("y") })), `"revisions.jsonl", line 5: sheet: revision 1: its SHA-256`},
		{"size not the body's", editRows(t, good, "revisions", onRevision(func(r *model.Revision) { r.Size = 7 })), "SHA-256 or size"},
		{"unknown origin", editRows(t, good, "revisions", onRevision(func(r *model.Revision) { r.Origin = "magic" })), `unknown origin "magic"`},
		{"comment too long", editRows(t, good, "comments", func(c *model.Comment) { c.Body = strings.Repeat("é", sheet.MaxCommentRunes+1) }), "comment_too_long"},
		{"unknown vote", editRows(t, good, "votes", func(v *model.Vote) { v.Choice = "maybe" }), `unknown choice "maybe"`},
		{"duplicate entry", withEntry("users.jsonl", nil), `"users.jsonl": appears twice`},
		{"unknown entry", withEntry("../../etc/cron.d/x", nil), `"../../etc/cron.d/x": not part of an atlas archive`},
		{"too many entries", zipOf(t, append(entries(t, good), many...)), fmt.Sprintf("%d entries", len(entries(t, good))+len(many))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			restoreRefused(t, testutil.NewSQLite(t), c.archive, c.want)
		})
	}
	// The same archive, untouched, restores: the checks refuse only what
	// is wrong. On PostgreSQL too, with one refusal for the rollback.
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		restoreRefused(t, d, editRows(t, good, "revisions", onRevision(func(r *model.Revision) { r.SHA256 = sum("y") })), "SHA-256")
		s := newServices(t, d)
		if _, err := export.RestoreArchive(context.Background(), s.store, s.sheets, bytes.NewReader(good), int64(len(good))); err != nil {
			t.Fatalf("restore of a good archive after a refused one: %v", err)
		}
	})
}

func TestRestoreRefusesTwoRowsOnOneLine(t *testing.T) {
	list := entries(t, goodArchive(t))
	for i := range list {
		if list[i].name == "watches.jsonl" {
			list[i].data = []byte(`{"UserID":1,"SheetID":1} {"UserID":2,"SheetID":1}` + "\n")
		}
	}
	restoreRefused(t, testutil.NewSQLite(t), zipOf(t, list), `"watches.jsonl", line 1: more than one value`)
}

// deflateBomb returns a raw deflate stream of prefix then n MiB of fill,
// and its CRC-32, built in a few kilobytes without compressing n MiB: a
// compressed MiB of one repeated byte only refers to bytes just before it,
// so its blocks can be repeated.
func deflateBomb(t *testing.T, prefix []byte, fill byte, n int) (stream []byte, crc uint32, size uint64) {
	t.Helper()
	block := func(data []byte, final bool) []byte {
		var buf bytes.Buffer
		w, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		if final {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	mib := bytes.Repeat([]byte{fill}, 1<<20)
	stream = block(prefix, false)
	crc = crc32.ChecksumIEEE(prefix)
	repeated := block(mib, false)
	for i := 0; i < n; i++ {
		stream = append(stream, repeated...)
		crc = crc32.Update(crc, crc32.IEEETable, mib)
	}
	stream = append(stream, block(nil, true)...)
	return stream, crc, uint64(len(prefix) + n<<20) //nolint:gosec // G115: a length and a count are not negative
}

// rawZip writes entries, the bomb among them already compressed.
func rawZip(t *testing.T, list []entry, bomb *zip.FileHeader, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(bomb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated runs fn and returns how many bytes it allocated in all.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestRestoreRefusesZipBombsWithBoundedMemory(t *testing.T) {
	manifest := entry{"manifest.json", []byte(`{"format":"atlas-archive","version":1,"counts":{}}`)}
	// 256 MiB of one unfinished line in a file of a few hundred kilobytes.
	stream, crc, size := deflateBomb(t, []byte(`{"Username":"`), 'a', 256)
	if len(stream) > 2<<20 {
		t.Fatalf("the bomb is %d bytes, not a small file", len(stream))
	}
	cases := []struct {
		name   string
		header zip.FileHeader
		want   string
	}{
		{"one huge line", zip.FileHeader{Name: "users.jsonl", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(stream)), UncompressedSize64: size},
			`"users.jsonl", line 1: line too long`},
		{"a claim of a terabyte", zip.FileHeader{Name: "revisions.jsonl", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(stream)), UncompressedSize64: 1 << 40},
			`"revisions.jsonl": claims 1099511627776 bytes`},
		{"a large manifest", zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(stream)), UncompressedSize64: size},
			`"manifest.json": claims`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list := []entry{manifest}
			if c.header.Name == "manifest.json" {
				list = nil
			}
			archive := rawZip(t, list, &c.header, stream)
			s := newServices(t, testutil.NewSQLite(t))
			var err error
			used := allocated(func() {
				_, err = export.RestoreArchive(context.Background(), s.store, s.sheets, bytes.NewReader(archive), int64(len(archive)))
			})
			if used > 32<<20 {
				t.Errorf("the restore allocated %d MiB, want at most 32 MiB", used>>20)
			}
			t.Logf("allocated %d KiB", used>>10)
			checkRefused(t, s, err, c.want)
		})
	}
}

// TestRestoreRefusesOverlappingEntries: two entries whose directory
// records point at the same bytes, the trick that makes a small zip
// expand without end, are refused before anything is read.
func TestRestoreRefusesOverlappingEntries(t *testing.T) {
	archive := zipOf(t, []entry{{"users.jsonl", []byte("{}\n")}, {"sheets.jsonl", []byte("{}\n")}, {"manifest.json", []byte(`{"format":"atlas-archive","version":1}`)}})
	// Point the second central directory record at the first local header.
	sig := []byte("PK\x01\x02")
	first := bytes.Index(archive, sig)
	second := first + 1 + bytes.Index(archive[first+1:], sig)
	copy(archive[second+42:second+46], archive[first+42:first+46])
	if binary.LittleEndian.Uint32(archive[second+42:]) != 0 {
		t.Fatal("the first entry should start the file")
	}
	restoreRefused(t, testutil.NewSQLite(t), archive, "shares its data with")
}
