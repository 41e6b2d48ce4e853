// Package public embeds the atlas's own static files (stylesheet, scripts,
// images). Third-party front-end code comes from npm at build time.
package public

import "embed"

// FS holds css/, js/ (scripts that enhance pages which work without them)
// and vendor/ (third-party files copied from npm by `make assets`).
//
//go:embed css js vendor
var FS embed.FS
