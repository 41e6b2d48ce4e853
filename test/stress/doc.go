// Package stress holds crash and load tests that drive the real atlas
// binary over HTTP on 127.0.0.1, on SQLite and on PostgreSQL. Everything
// lives in the _test.go files; this file only names the package.
//
// Settings for longer runs (defaults suit CI; -short shrinks them):
//
//	ATLAS_CRASH_CYCLES=N    kill/restart cycles of the crash loop (20)
//	ATLAS_MIXED_SECONDS=N   duration of the mixed SQLite load (10)
//	ATLAS_STRESS_RACE=1     build the server with the race detector
//	ATLAS_STRESS_BIN=path   test that binary instead of building cmd/atlas
package stress
