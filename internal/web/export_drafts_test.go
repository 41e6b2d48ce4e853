package web

// SameMeta exposes the editor's comparison of a draft's metadata with the
// version shown, for tests.
var SameMeta = sameMeta
