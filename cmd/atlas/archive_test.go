package main_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// zipBomb is an archive of a few hundred kilobytes whose users.jsonl is
// one line of 256 MiB, as the archive that made import-archive run out of
// memory. The compressed MiB of one byte only refers to the bytes just
// before it, so it is repeated rather than compressed 256 times.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	deflate := func(data []byte, final bool) []byte {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.BestCompression)
		_, _ = w.Write(data)
		if final {
			_ = w.Close()
		} else {
			_ = w.Flush()
		}
		return buf.Bytes()
	}
	prefix := []byte(`{"Username":"`)
	stream := deflate(prefix, false)
	mib := deflate(bytes.Repeat([]byte("a"), 1<<20), false)
	const n = 256
	for i := 0; i < n; i++ {
		stream = append(stream, mib...)
	}
	stream = append(stream, deflate(nil, true)...)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// The CRC is not the data's: it is only checked at the end, which a
	// restore never reaches.
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "users.jsonl", Method: zip.Deflate,
		CompressedSize64: uint64(len(stream)), UncompressedSize64: uint64(len(prefix)) + n<<20})
	if err == nil {
		_, err = w.Write(stream)
	}
	if err == nil {
		w, err = zw.Create("manifest.json")
	}
	if err == nil {
		_, err = io.WriteString(w, `{"format":"atlas-archive","version":1,"counts":{}}`)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rewriteEntry copies an archive with one entry's text changed.
func rewriteEntry(t *testing.T, archive, name string, edit func(string) string) string {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = zr.Close() }()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
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
		if f.Name == name {
			data = []byte(edit(string(data)))
		}
		w, err := zw.Create(f.Name)
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "hostile.zip")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportArchiveRefusesHostileArchives: a zip bomb and an archive with
// a slug made to break the git export are refused with their entry named,
// the bomb in little memory, and the atlas stays empty: a good archive
// restores afterwards.
func TestImportArchiveRefusesHostileArchives(t *testing.T) {
	dir := t.TempDir()
	src := newAtlas(t)
	md := filepath.Join(dir, "grainotheque.md")
	if err := os.WriteFile(md, []byte(sheetFile), 0o600); err != nil {
		t.Fatal(err)
	}
	src.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	src.ok(t, "", "import", md)
	good := filepath.Join(dir, "atlas.zip")
	src.ok(t, "", "export", "--out", good)

	dst := newAtlas(t)
	bomb := filepath.Join(dir, "bomb.zip")
	if err := os.WriteFile(bomb, zipBomb(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(bomb); info.Size() > 2<<20 {
		t.Fatalf("the bomb is %d bytes, not a small file", info.Size())
	}
	cmd := exec.Command(dst.bin, "import-archive", bomb)
	cmd.Env = dst.env
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err == nil || !strings.Contains(errOut.String(), `"users.jsonl", line 1: line too long`) {
		t.Errorf("import-archive of a zip bomb: %v\n%s", err, errOut.String())
	}
	// Max RSS in KiB on Linux: the binary, its database and one bounded line.
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		t.Logf("import-archive of a zip bomb: %d MiB at most", usage.Maxrss>>10)
		if usage.Maxrss > 150<<10 {
			t.Errorf("import-archive of a zip bomb used %d MiB of memory", usage.Maxrss>>10)
		}
	}

	badSlug := rewriteEntry(t, good, "sheets.jsonl", func(s string) string {
		return strings.Replace(s, `"Slug":"grainotheque-de-bellevue"`, `"Slug":"x.md\ndata 1\nx\nM 100644 inline injected"`, 1)
	})
	dst.fails(t, "", `archive entry "sheets.jsonl", line 1: slug "x.md\ndata 1`, "import-archive", badSlug)

	if out := dst.ok(t, "", "import-archive", good); !strings.HasPrefix(out, "restored 1 sheets, 1 revisions") {
		t.Errorf("import-archive of a good archive after refused ones printed %q", out)
	}
}
