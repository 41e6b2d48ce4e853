package stress_test

import (
	"os"
	"testing"

	"atlas/internal/testutil"
)

// TestMain only removes the binary built for the tests, so the temp dir
// does not grow with every run.
func TestMain(m *testing.M) {
	code := m.Run()
	testutil.RemoveBinary()
	os.Exit(code)
}

// atlasBinary builds cmd/atlas once per test process (testutil.AtlasBinary).
// ATLAS_STRESS_RACE=1 builds the server with the race detector, to hunt data
// races under load; ATLAS_STRESS_BIN=path tests a binary built elsewhere (a
// release, say).
func atlasBinary(t testing.TB) string {
	t.Helper()
	return testutil.AtlasBinaryWith(t, testutil.BuildOptions{
		Race:     os.Getenv("ATLAS_STRESS_RACE") == "1",
		Prebuilt: os.Getenv("ATLAS_STRESS_BIN"),
	})
}
