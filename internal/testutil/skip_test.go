package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSkipSuiteRecordsItForTheBanner(t *testing.T) {
	file := filepath.Join(t.TempDir(), "skips")
	t.Setenv(SkipsFileEnv, file)
	for range 2 {
		t.Run("suite", func(t *testing.T) {
			SkipSuite(t, "PostgreSQL", "does not answer:\ndial tcp refused")
			t.Error("SkipSuite did not end the test")
		})
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// One line per skip, the reason cut at its first line; make dedupes.
	if want := "PostgreSQL: does not answer:\nPostgreSQL: does not answer:\n"; string(got) != want {
		t.Errorf("recorded %q, want %q", got, want)
	}
}
