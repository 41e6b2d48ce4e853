package testutil

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BuildOptions say how AtlasBinaryWith gets the atlas command.
type BuildOptions struct {
	Race     bool   // build with the race detector
	Prebuilt string // test this binary instead of building one
}

var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// AtlasBinary builds cmd/atlas once per test process, lazily, so that
// `-run` on something else costs no build, and returns its path. Test
// packages that call it remove the binary in TestMain (RemoveBinary).
func AtlasBinary(t testing.TB) string {
	t.Helper()
	return AtlasBinaryWith(t, BuildOptions{})
}

// AtlasBinaryWith is AtlasBinary with options; the first call of a process
// decides them. A build error is kept, not fataled, inside the Once: a
// Goexit there would leave later tests with no binary and no error.
func AtlasBinaryWith(t testing.TB, opts BuildOptions) string {
	t.Helper()
	built.once.Do(func() { built.path, built.err = buildAtlas(opts) })
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func buildAtlas(opts BuildOptions) (string, error) {
	if opts.Prebuilt != "" {
		return filepath.Abs(opts.Prebuilt)
	}
	dir, err := os.MkdirTemp("", "atlas-bin-")
	if err != nil {
		return "", err
	}
	built.dir = dir
	path := filepath.Join(dir, "atlas")
	args := []string{"build", "-o", path}
	if opts.Race {
		args = append(args, "-race")
	}
	// The import path, not ./cmd/atlas, so any directory of the module will do.
	args = append(args, "atlas/cmd/atlas")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
}

// RemoveBinary deletes the binary AtlasBinary built, so the temporary
// directory does not grow with every run: call it in TestMain after m.Run.
func RemoveBinary() {
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
}
