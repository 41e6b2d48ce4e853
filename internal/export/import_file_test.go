package export

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestImportFileSizeIsCheckedFirst: a 300 MB file is refused from its size,
// before a byte is read; a stream without a size is read no further than
// the limit; a file at the limit is read whole.
func TestImportFileSizeIsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.md")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(300 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = f.Close()

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = ReadImportFile(huge, MaxSheetFileBytes)
	runtime.ReadMemStats(&after)
	var tooLarge *FileTooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Size != 300<<20 || !strings.Contains(err.Error(), "307200 KiB") {
		t.Errorf("300 MB sheet file: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing a 300 MB file allocated %d KiB", grew>>10)
	}

	// A pipe tells no size: reading stops one byte past the limit.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		chunk := make([]byte, 64<<10)
		for i := 0; i < 100; i++ {
			if _, err := w.Write(chunk); err != nil {
				break
			}
		}
		_ = w.Close()
	}()
	_, err = ReadImportFile("/dev/fd/"+strconv.Itoa(int(r.Fd())), 1<<20)
	_ = r.Close()
	if !errors.As(err, &tooLarge) || tooLarge.Size != -1 {
		t.Errorf("6 MiB through a pipe with a 1 MiB limit: %v", err)
	}

	atLimit := filepath.Join(dir, "limit.md")
	if err := os.WriteFile(atLimit, make([]byte, MaxSheetFileBytes), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadImportFile(atLimit, MaxSheetFileBytes); err != nil || len(data) != MaxSheetFileBytes {
		t.Errorf("file at the limit: %d bytes, %v", len(data), err)
	}
	if _, err := ReadImportFile(dir, MaxSheetFileBytes); err == nil {
		t.Error("a directory was read as a file")
	}
}
