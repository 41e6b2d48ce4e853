package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"atlas/internal/media"
	"atlas/internal/sheet"
)

// Bounds of what a restore reads from an archive. An archive is as
// untrusted as any upload: a small file can claim, or really hold,
// gigabytes of one line, so every entry is streamed line by line and
// nothing is read that these bounds do not allow.
const (
	// maxEntries is well above the manifest and the tables.
	maxEntries = 32
	// maxManifestBytes bounds manifest.json, a few counts.
	maxManifestBytes = 64 << 10
	// maxRowBytes bounds one line of every table but revisions: a comment
	// or a note is at most a few tens of kilobytes of JSON.
	maxRowBytes = 1 << 20
	// maxRevisionRowBytes bounds one line of revisions.jsonl: a body of
	// the atlas's limit, which JSON may write six bytes a byte ("<" is
	// \u003c), plus its title, summary and metadata.
	maxRevisionRowBytes = 6*sheet.MaxBodyBytes + maxRowBytes
	// maxMediaRowBytes bounds one line of media.jsonl or
	// media_variants.jsonl: a stored picture at its limit, in base64 (four
	// bytes for three), and its few other fields.
	maxMediaRowBytes = media.MaxStoredBytes/3*4 + 64<<10
	// maxArchiveBytes bounds the whole archive once decompressed.
	maxArchiveBytes = 16 << 30
	// maxBatchBytes bounds the rows held before they are written.
	maxBatchBytes = 8 << 20
)

// archiveTables are the tables of an archive, parents first.
var archiveTables = []string{"users", "sheets", "sheet_redirects", "revisions", "revision_coauthors", "board_members", "board_rules", "reviews", "votes", "review_amendments", "audit_log", "comments", "watches",
	"media", "media_variants", "sheet_media"}

// EntryError is an archive refused because of one of its entries.
type EntryError struct {
	Entry string
	Line  int // 0 when the entry as a whole is refused
	Err   error
}

func (e *EntryError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("export: archive entry %q, line %d: %v", e.Entry, e.Line, e.Err)
	}
	return fmt.Sprintf("export: archive entry %q: %v", e.Entry, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// errLineTooLong is a row longer than its table allows.
var errLineTooLong = errors.New("line too long")

// archiveEntries checks an archive's directory before anything is read:
// only the entries an archive has, each once, none claiming more than its
// bound, and no two sharing their compressed bytes (the trick that lets a
// few kilobytes hold petabytes). The zip reader refuses an entry that
// decompresses to more than it claims, so the claims bound what is read.
func archiveEntries(zr *zip.Reader, size int64) (map[string]*zip.File, error) {
	if len(zr.File) > maxEntries {
		return nil, fmt.Errorf("export: the archive has %d entries, an atlas archive has at most %d", len(zr.File), maxEntries)
	}
	known := map[string]uint64{"manifest.json": maxManifestBytes}
	for _, t := range archiveTables {
		known[t+".jsonl"] = maxArchiveBytes
	}
	// Computed on export for readers of the archive, recomputed on
	// restore: never read.
	known[creditsEntry] = maxArchiveBytes
	files := map[string]*zip.File{}
	type span struct {
		name       string
		start, end int64
	}
	var spans []span
	var total uint64
	for _, f := range zr.File {
		limit, ok := known[f.Name]
		switch {
		case !ok:
			return nil, &EntryError{Entry: f.Name, Err: errors.New("not part of an atlas archive")}
		case files[f.Name] != nil:
			return nil, &EntryError{Entry: f.Name, Err: errors.New("appears twice")}
		case f.UncompressedSize64 > limit:
			return nil, &EntryError{Entry: f.Name, Err: fmt.Errorf("claims %d bytes, more than the %d allowed", f.UncompressedSize64, limit)}
		}
		files[f.Name] = f
		if total += f.UncompressedSize64; total > maxArchiveBytes {
			return nil, fmt.Errorf("export: the archive claims more than %d bytes once decompressed", uint64(maxArchiveBytes))
		}
		start, err := f.DataOffset()
		if err != nil {
			return nil, &EntryError{Entry: f.Name, Err: err}
		}
		if start > size || f.CompressedSize64 > uint64(size-start) { //nolint:gosec // G115: size-start is not negative, checked first
			return nil, &EntryError{Entry: f.Name, Err: errors.New("its data runs past the end of the file")}
		}
		spans = append(spans, span{f.Name, start, start + int64(f.CompressedSize64)}) //nolint:gosec // G115: at most size - start, checked above
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return nil, &EntryError{Entry: spans[i].name, Err: fmt.Errorf("shares its data with %q", spans[i-1].name)}
		}
	}
	return files, nil
}

// readJSON decodes a small entry, reading at most max bytes of it.
func readJSON(f *zip.File, max int64, dst any) error {
	if f == nil {
		return errors.New("missing")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }() // a damaged entry fails Read (its checksum), not Close
	data, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return err
	}
	if int64(len(data)) > max {
		return fmt.Errorf("larger than %d bytes", max)
	}
	return decodeOne(data, dst)
}

// decodeOne decodes exactly one JSON value, refusing unknown fields.
func decodeOne(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one value")
	}
	return nil
}

// lineReader hands out an entry's lines, none longer than max bytes. The
// line's buffer is reused by the next call.
type lineReader struct {
	r    *bufio.Reader
	max  int
	line []byte
	n    int // number of the last line read, from 1
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its end, or io.EOF after the last.
func (l *lineReader) next() ([]byte, error) {
	l.line = l.line[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if len(l.line)+len(chunk) > l.max+1 { // +1: the newline itself
			l.n++
			return nil, errLineTooLong
		}
		l.line = append(l.line, chunk...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(l.line) == 0:
			return nil, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			l.n++
			return nil, err
		}
		l.n++
		line := bytes.TrimSuffix(l.line, []byte("\n"))
		if len(line) > l.max {
			return nil, errLineTooLong
		}
		return line, nil
	}
}
