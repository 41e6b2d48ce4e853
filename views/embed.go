// Package views embeds the html/template files: layouts, partials, pages.
package views

import "embed"

// FS holds layouts/*.html, partials/*.html and pages/*.html.
//
//go:embed layouts/*.html partials/*.html pages/*.html
var FS embed.FS
