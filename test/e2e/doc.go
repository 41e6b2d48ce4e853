// Package e2e drives the real atlas binary with a headless Chromium
// (chromedp): a full editing and board journey, accessibility checks of
// every main page, and every kind of page at phone widths (nothing wider
// than the screen at 320 and 375 px, tables scrolling in their own box,
// touch targets of 44 px), on SQLite and PostgreSQL. Everything lives in the _test.go files; this file only
// names the package so `go build ./...` and `go vet ./...` see a regular
// package. Chromium is expected at /usr/bin/chromium; without it the tests
// skip, unless ATLAS_E2E_REQUIRED=1. Screenshots go to $ATLAS_E2E_SHOTS or
// test-output/e2e under the module root.
package e2e
