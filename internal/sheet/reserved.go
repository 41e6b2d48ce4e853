package sheet

import "slices"

// reservedSlugs are the words the atlas's routes use as path segments
// (/sheets/new, /sheets/:slug/edit, /drafts/new, /admin/users…). A sheet
// named by one would be unreachable where the route wins (/sheets/new is
// the creation form) and confusing elsewhere, so no sheet gets one: a
// title that makes one is suffixed as a taken slug is ("New" becomes
// new-2), and a slug asked for by name is refused. A test in internal/web
// checks that every word of the routes is here. Sorted.
var reservedSlugs = []string{
	"account", "admin", "amend", "amendments", "api", "approve", "archive", "audit", "board",
	"changes", "comments", "contributions", "delete", "diff", "draft", "drafts", "edit", "events",
	"export", "feed", "forgot", "healthz", "hide", "history", "inbox", "lang", "live", "login", "logout",
	"map", "media", "meetings", "merge", "metrics", "minutes", "new", "password", "people", "preview",
	"read", "record", "refuse", "rename", "reset-link", "restore", "reviews", "revisions", "search",
	"setup", "sheets", "signup", "socket", "static", "suggest", "tokens", "unarchive", "unwatch", "users", "v1",
	"votes", "watch", "withdraw",
}

// ReservedSlug reports whether slug is a word of the atlas's routes,
// which no sheet may take.
func ReservedSlug(slug string) bool {
	_, found := slices.BinarySearch(reservedSlugs, slug)
	return found
}
