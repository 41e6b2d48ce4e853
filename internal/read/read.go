// Package read runs the queries pages and the JSON API show, and returns
// plain structs: both routers call the same functions, so a page and its
// API answer cannot drift apart. It knows nothing of HTTP; what a viewer
// may see is decided by Policy.
package read

import "atlas/internal/store"

// Reader reads the atlas for pages, the API, feeds and exports.
type Reader struct {
	store *store.Store
}

// New returns a reader over st.
func New(st *store.Store) *Reader { return &Reader{store: st} }
