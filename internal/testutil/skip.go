package testutil

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// SkipsFileEnv names the file where skipped suites are recorded. `make
// test` sets it and prints the file as a banner at the end, so a run that
// silently lost its PostgreSQL or browser half says so loudly.
const SkipsFileEnv = "ATLAS_TEST_SKIPS"

// SkipSuite skips t because a whole suite cannot run here (no PostgreSQL,
// no Chromium…), recording suite and reason for `make test`'s banner.
// Callers that CI requires (ATLAS_TEST_REQUIRE_POSTGRES, ATLAS_E2E_REQUIRED)
// fail instead of calling it.
func SkipSuite(t testing.TB, suite, reason string) {
	t.Helper()
	recordSkip(suite, reason)
	t.Skipf("%s skipped: %s", suite, reason)
}

func recordSkip(suite, reason string) {
	path := os.Getenv(SkipsFileEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // G703: the file make named for us
	if err != nil {
		return // the banner is a courtesy; the skip itself still shows in -v
	}
	defer func() { _ = f.Close() }() // a courtesy, as above
	// One short line, written at once: test processes append concurrently.
	reason, _, _ = strings.Cut(reason, "\n")
	_, _ = fmt.Fprintf(f, "%s: %s\n", suite, reason)
}
