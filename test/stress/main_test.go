package stress_test

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

var (
	buildOnce sync.Once
	buildDir  string
	binPath   string
	buildErr  error
)

// TestMain only removes the binary built for the tests, so the temp dir
// does not grow with every run.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// atlasBinary builds cmd/atlas once per test process, lazily, so that
// `-run` on something else costs no build. ATLAS_STRESS_RACE=1 builds the
// server with the race detector, to hunt data races under load;
// ATLAS_STRESS_BIN=path tests a binary built elsewhere (a release, say).
func atlasBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if prebuilt := os.Getenv("ATLAS_STRESS_BIN"); prebuilt != "" {
			binPath, buildErr = filepath.Abs(prebuilt)
			return
		}
		dir, err := os.MkdirTemp("", "atlas-stress-")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		binPath = filepath.Join(dir, "atlas")
		args := []string{"build", "-o", binPath}
		if os.Getenv("ATLAS_STRESS_RACE") == "1" {
			args = append(args, "-race")
		}
		args = append(args, "atlas/cmd/atlas")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}
