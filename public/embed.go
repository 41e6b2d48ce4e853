// Package public embeds the atlas's own static files (stylesheet, scripts,
// images). Third-party front-end code comes from npm at build time.
package public

import "embed"

// FS holds css/ (and js/ once pages have scripts to enhance them).
//
//go:embed css
var FS embed.FS
