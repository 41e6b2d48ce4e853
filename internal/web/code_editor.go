package web

// CodeEditor reports whether the editor bundle (CodeMirror 6 and Yjs,
// built by `make assets` into public/vendor/editor) is embedded: without
// it, the editing page keeps its plain textarea and no live co-writing.
func (b Base) CodeEditor() bool {
	return b.assets != nil && b.assets.has("vendor/editor/editor.js")
}
