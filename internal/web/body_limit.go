package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/geo"
	"atlas/internal/sheet"
)

// Request bodies are not read by the server before routing: fasthttp
// streams them (Config.StreamRequestBody) and hands the handler chain the
// first 8 KB at most. httpx.Bodies reads the rest once the route and the
// person are known, up to what bodyLimit says that route needs. Before
// this, any URL read 8 MiB before its route or its CSRF check ran, and a
// hundred anonymous posts held 1.5 GB.

// Body limits by what a route receives.
const (
	// anonymousBodyBytes is what an anonymous post may send where no
	// sheet travels: a login's name, password and token, a language.
	anonymousBodyBytes = 8 << 10
	// formBodyBytes is any other form of a signed-in person: the longest
	// is a comment (sheet.MaxCommentRunes, four bytes a rune at most,
	// three once form-encoded).
	formBodyBytes = 256 << 10
	// sheetFormBytes is an editor's form: a body at the sheet limit and
	// its fields, form-encoded. A byte becomes up to three (%XX), and a
	// line break six: browsers send each as CRLF (%0D%0A), which the
	// sheet's limit does not count (see browserText). A place's shape
	// (geo.MaxBytes of JSON) travels beside it, three bytes a byte.
	sheetFormBytes = 6*sheet.MaxBodyBytes + 3*geo.MaxBytes + 512<<10
	// keptFormBytes is an editor's form from someone not signed in (a
	// session that ended: the text is kept through the login page, see
	// csrfRefused): the text and its fields, not a shape's room, so that
	// an anonymous post stays under the 8 MiB every other route refuses.
	keptFormBytes = 6*sheet.MaxBodyBytes + 512<<10
	// loginKeptBytes is a login form carrying an editor's refused
	// submission (see keptEdit), form-encoded.
	loginKeptBytes = 3*maxKeptBytes + 16<<10
	// sheetJSONBytes is an API write carrying a sheet: JSON escapes a
	// control character in six bytes.
	sheetJSONBytes = maxRequestBytes
	// largestBodyBytes is the most any route takes: a picture's upload.
	largestBodyBytes = max(maxRequestBytes, mediaFormBytes, sheetFormBytes)
)

// bodyLimit is the most a request to path may send: a sheet's worth where
// a sheet travels (the editor's posts, drafts, the API's sheet writes, a
// login carrying a kept edit), a few KB elsewhere for anonymous posts.
func bodyLimit(method, path string, signedIn bool) int {
	if isMediaPost(method, path) {
		if signedIn {
			return mediaFormBytes
		}
		return anonymousBodyBytes
	}
	if rest, ok := strings.CutPrefix(path, "/api/v1/"); ok {
		if signedIn && apiCarriesSheet(method, rest) {
			return sheetJSONBytes
		}
		if signedIn {
			return formBodyBytes
		}
		return anonymousBodyBytes
	}
	if method != fiber.MethodPost {
		return anonymousBodyBytes
	}
	if path == "/login" {
		return loginKeptBytes
	}
	// An editor's post is read whoever sends it: one whose session ended
	// keeps its text through the login page (csrfRefused).
	if _, editor := editorPost(path); editor {
		if signedIn {
			return sheetFormBytes
		}
		return keptFormBytes
	}
	if !signedIn {
		return anonymousBodyBytes
	}
	if isDraftPost(path) {
		return sheetFormBytes
	}
	return formBodyBytes
}

// apiCarriesSheet names the API writes whose body holds a sheet's text;
// path is under /api/v1/.
func apiCarriesSheet(method, path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == fiber.MethodPost && len(parts) == 1:
		return parts[0] == "sheets" || parts[0] == "preview"
	case len(parts) == 2 && parts[0] == "sheets":
		return method == fiber.MethodPut || method == fiber.MethodPatch
	case len(parts) == 3 && parts[0] == "sheets" && parts[2] == "draft":
		return method == fiber.MethodPut
	case len(parts) == 2 && parts[0] == "drafts" && parts[1] == "new":
		return method == fiber.MethodPut
	case len(parts) == 3 && parts[0] == "reviews" && parts[2] == "amendments":
		return method == fiber.MethodPost
	}
	return false
}

// isDraftPost names the editor's draft saves (its script posts the form).
func isDraftPost(path string) bool {
	return path == "/drafts/new" || (strings.HasPrefix(path, "/sheets/") && strings.HasSuffix(path, "/draft"))
}
