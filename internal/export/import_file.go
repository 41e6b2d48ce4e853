package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"atlas/internal/sheet"
)

// Largest files `atlas import` reads: a sheet at its limit with a generous
// front matter; a uMap export of a whole atlas's places.
const (
	MaxSheetFileBytes   = sheet.MaxBodyBytes + 256<<10
	MaxGeoJSONFileBytes = 32 << 20
)

// FileTooLargeError is an import file over its limit, refused before it
// is read.
type FileTooLargeError struct {
	Size, Limit int64 // Size is -1 when only reading found it out
}

func (e *FileTooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("the file is larger than %d KiB, the most an import reads", e.Limit>>10)
	}
	return fmt.Sprintf("the file is %d KiB, over the %d KiB an import reads", e.Size>>10, e.Limit>>10)
}

// ReadImportFile reads the file at path, at most limit bytes: its size is
// checked before anything is read, and reading stops past the limit for a
// file whose size is not known beforehand (a pipe, a device).
func ReadImportFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path) //nolint:gosec // G304: the files to read are the ones the operator named
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("a directory, not a file")
	}
	var buf bytes.Buffer
	if info.Mode().IsRegular() {
		if info.Size() > limit {
			return nil, &FileTooLargeError{Size: info.Size(), Limit: limit}
		}
		buf.Grow(int(info.Size()) + 1)
	}
	// A regular file may still grow between Stat and reading.
	n, err := buf.ReadFrom(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, &FileTooLargeError{Size: -1, Limit: limit}
	}
	return buf.Bytes(), nil
}
