// Package stress holds crash and load tests that drive the real atlas
// binary over HTTP on 127.0.0.1, on SQLite and on PostgreSQL. Everything
// lives in the _test.go files; this file only names the package.
//
// TestHostileLoad (hostile_*_test.go) measures the server under the
// attacks of issue 13, each beside a steady load of readers and writers,
// with GOMEMLIMIT=200MiB in the server's environment, and writes its
// figures to test-output/stress/hostile-<database>.md.
//
// Settings for longer runs (defaults suit CI; -short shrinks them):
//
//	ATLAS_CRASH_CYCLES=N    kill/restart cycles of the crash loop (20)
//	ATLAS_MIXED_SECONDS=N   duration of the mixed SQLite load (10)
//	ATLAS_HOSTILE_STRICT=1  readers' p99 bound fails the hostile-load suite
//	                        (else logged: under go test ./... other suites load the machine)
//	ATLAS_HOSTILE_SECONDS=N duration of each attack of the hostile-load
//	                        suite (6; docs/BENCHMARKS.md's figures use 30,
//	                        with -timeout 30m); -short skips that suite
//	ATLAS_STRESS_RACE=1     build the server with the race detector
//	ATLAS_STRESS_BIN=path   test that binary instead of building cmd/atlas
package stress
