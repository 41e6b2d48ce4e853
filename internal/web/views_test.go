package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"atlas/internal/document"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/render"
	"atlas/internal/web/view"
	atlasviews "atlas/views"
)

// TestEveryPageIsRegistered fails when a template in views/pages is not in
// the registry (it would never be parsed) or a registered page has no file.
func TestEveryPageIsRegistered(t *testing.T) {
	files, err := fs.Glob(atlasviews.FS, "pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "pages/"), ".html")
		onDisk = append(onDisk, name)
		if !slices.Contains(pageNames, name) {
			t.Errorf("views/pages/%s.html is not registered in pageNames", name)
		}
	}
	for _, name := range pageNames {
		if !slices.Contains(onDisk, name) {
			t.Errorf("page %q has no file in views/pages", name)
		}
	}
	a, err := view.NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := view.New(false, a, pageNames); err != nil {
		t.Fatalf("templates do not parse: %v", err)
	}
}

// TestPagesKeepTheirOwnHead: a page's "head" block replaces the layout's
// empty default in every language, whatever order files come in.
func TestPagesKeepTheirOwnHead(t *testing.T) {
	a, err := view.NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := view.New(false, a, pageNames)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		out, err := v.Bytes(pageChanges, changesPage{Base: view.NewBase(lang, a, nil)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), `type="application/atom+xml"`) {
			t.Errorf("%s: the changes page lost its feed link from <head>", lang)
		}
	}
}

// TestTemplatesUseKnownMessages fails on a literal message key, in a
// template or a handler, that a catalogue lacks: it would show as [key].
func TestTemplatesUseKnownMessages(t *testing.T) {
	keyPattern := regexp.MustCompile(`(?:\.T|i18n\.T\([a-zA-Z.]+,|\bT\() ?"([a-z_]+\.[a-z_.]+)"`)
	countedPattern := regexp.MustCompile(`(?:\.N|i18n\.N\([a-zA-Z.]+,) ?"([a-z_]+\.[a-z_.]+)"`)
	check := func(name string, data []byte) {
		for _, m := range countedPattern.FindAllSubmatch(data, -1) {
			for _, lang := range i18n.Languages {
				if !i18n.HasN(lang, string(m[1])) {
					t.Errorf("%s: %s lacks the counted message %q", name, lang, m[1])
				}
			}
		}
		for _, m := range keyPattern.FindAllSubmatch(data, -1) {
			key := string(m[1])
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") {
				continue // a prefix completed at run time, checked below
			}
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, key) {
					t.Errorf("%s: %s lacks %q", name, lang, key)
				}
			}
		}
	}
	_ = fs.WalkDir(atlasviews.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(atlasviews.FS, p)
			check(p, data)
		}
		return nil
	})
	goFiles, _ := filepath.Glob("*.go")
	engineFiles, _ := filepath.Glob("view/*.go") // Base's methods
	goFiles = append(goFiles, engineFiles...)
	for _, f := range goFiles {
		data, _ := os.ReadFile(f)
		check(f, data)
	}
	// Keys built at run time from a fixed set of values.
	dynamic := map[string][]string{
		"origin.":       {"edit", "merge", "restore", "amendment", "import", "undo"},
		"state.":        {"draft", "submitted", "validated", "rejected", "superseded"},
		"review.state.": {"submitted", "validated", "rejected", "withdrawn", "expired"},
		"vote.":         {"approve", "reject", "abstain"},
		"diff.status_":  {"same", "changed", "added", "removed"},
		"role.":         {"contributor", "admin"},
		"audit.action.": {"submit", "vote", "amend", "validate", "reject", "withdraw", "expire", "board_change", "role_change", "password_change", "sheet_rename", "sheet_archive", "sheet_unarchive", "sheet_merge"},
		"meta.":         {"subtitle", "categories", "tags", "place", "website", "contact", "legal_status", "licence"},
		"flash.":        {"created", "saved", "merged", "unchanged", "restored", "restore_unchanged", "undone", "logged_in", "logged_out", "password_changed", "password_changed_tokens", "password_reset", "token_deleted", "user_created", "user_updated", "submitted", "voted", "withdrawn", "amended", "commented", "board_updated", "sheet_renamed", "sheet_archived", "sheet_unarchived", "sheet_merged"},
		"notify.":       {"review_requested.subject", "review_requested.body", "amended.subject", "amended.body", "decided.subject", "decided.body", "new_revision.subject", "new_revision.body", "imported.subject", "imported.body"},
	}
	for prefix, values := range dynamic {
		for _, v := range values {
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, prefix+v) {
					t.Errorf("%s lacks %q", lang, prefix+v)
				}
			}
		}
	}
}

// BenchmarkSheetPageShell executes the sheet page's templates around its
// article (table of contents, body, metadata) as the article cache hands
// it: the per-page templating cost for a signed-in reader, who gets no
// page cache (T2: at most 100 µs). The data are those of a busy sheet:
// board, five comments, a pending version.
func BenchmarkSheetPageShell(b *testing.B) {
	a, err := view.NewAssets(false)
	if err != nil {
		b.Fatal(err)
	}
	v, err := view.New(false, a, pageNames)
	if err != nil {
		b.Fatal(err)
	}
	// The sheet template's sections and questions, each answered at length,
	// to about 30 KB.
	var body strings.Builder
	paragraph := strings.Repeat("Les membres du jardin partagé se retrouvent le samedi pour semer, récolter et échanger des graines avec les voisins. ", 5)
	for body.Len() < 30<<10 {
		body.Reset()
		for _, line := range strings.Split(document.Template(), "\n") {
			body.WriteString(line + "\n")
			if strings.HasPrefix(line, "### ") {
				for range 1 + (30<<10)/len(document.Template())/8 {
					body.WriteString("\n" + paragraph + "\n\n- un point\n- un autre avec un [lien](https://example.org)\n")
				}
			}
		}
	}
	rendered := render.New().Render(body.String())
	user := &model.User{ID: 1, Username: "marie", Role: model.RoleContributor}
	base := view.NewBase("fr", a, nil)
	base.Title, base.User, base.CSRF, base.Path = "Jardin partagé de Kerinou", user, strings.Repeat("c", 43), "/sheets/jardin"
	now := time.Now()
	published := 12
	// The discussion as the cache keeps it, rendered once per sheet version.
	list := commentList{Base: Base{Lang: "fr"}}
	for range 5 {
		list.Items = append(list.Items, commentView{Author: view.Person{Username: "anne", Name: "Anne"}, Body: "<p>Une remarque sur la gouvernance.</p>", At: now, Revision: published})
	}
	comments, err := v.Fragment(pageSheetShow, "comment_items", list)
	if err != nil {
		b.Fatal(err)
	}
	sh := &model.Sheet{ID: 1, Slug: "jardin", Title: "Jardin partagé de Kerinou", HeadNumber: 14, PublishedNumber: &published, CreatedAt: now, UpdatedAt: now}
	rev := &model.Revision{SheetID: 1, Number: 14, Title: "Jardin partagé de Kerinou", Meta: model.Meta{Subtitle: "Un jardin ouvert", Categories: []string{"alimentation"}, Tags: []string{"jardin", "graines"}, Place: &model.Place{Name: "Kerinou", Lat: 48.4, Lon: -4.48}}, CreatedAt: now}
	// The article as the cache keeps it: rendered once per revision, with
	// the section edit links a signed-in reader gets.
	article, err := v.Fragment(pageSheetShow, "sheet_article", articleView{Base: base, Sheet: sh, Revision: rev,
		HTML:     template.HTML(sectionEditLinks(b, rendered.HTML, "fr", "jardin", rendered.Headings)), //nolint:gosec // G203: html/template's own output
		Headings: rendered.Headings, CanEdit: true})
	if err != nil {
		b.Fatal(err)
	}
	// The provenance as the cache keeps it, rendered once per sheet version.
	prov := provenance{StartedAt: now, StartedBy: view.Person{Username: "marie", Name: "Marie"}, CoWriters: []view.Person{{Username: "anne", Name: "Anne"}}, UpdatedAt: now, UpdatedBy: view.Person{Username: "anne", Name: "Anne"}, Revisions: 14}
	provLine, err := v.Fragment(pageSheetShow, "provenance", provenanceView{Base: Base{Lang: "fr"}, Provenance: prov, Slug: "jardin"})
	if err != nil {
		b.Fatal(err)
	}
	page := sheetPage{
		Base: base, Sheet: sh, Revision: rev, Article: template.HTML(article), //nolint:gosec // G203: html/template's own output
		ProvenanceLine: template.HTML(provLine), //nolint:gosec // G203: html/template's own output
		Categories:     []string{"Alimentation"}, Pending: true, PendingNotice: i18n.T("fr", "sheet.pending"), PendingTo: 14, AheadOfPublished: true, CanEdit: true,
		Tabs: newSheetTabs("fr", "jardin", "read", true), Board: []view.Person{{Username: "anne", Name: "Anne"}, {Username: "bleuenn", Name: "Bleuenn"}, {Username: "corentin", Name: "Corentin"}}, CanSubmit: true,
		CommentsBlock: newCommentsBlock(base, "jardin", 0, 14, template.HTML(comments)), //nolint:gosec // G203: html/template's own output
	}
	if _, err := v.Bytes(pageSheetShow, page); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(rendered.HTML)))
	// As Render does: into a buffer that serves again.
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := v.Execute(&buf, pageSheetShow, page); err != nil {
			b.Fatal(err)
		}
	}
}
