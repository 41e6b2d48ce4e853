// Package e2e drives the real atlas binary with a headless Chromium
// (chromedp): a full editing and board journey, and accessibility checks of
// every main page. Everything lives in the _test.go files; this file only
// names the package so `go build ./...` and `go vet ./...` see a regular
// package. Chromium is expected at /usr/bin/chromium; without it the tests
// skip, unless ATLAS_E2E_REQUIRED=1. Screenshots go to $ATLAS_E2E_SHOTS or
// test-output/e2e under the module root.
package e2e
