package web

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"atlas/internal/diff"
	"atlas/internal/i18n"
	"atlas/internal/sheet"
)

// sheetTabs is the navigation shared by a sheet's pages, written by the
// sheet_tabs partial. Pages print it with {{part "sheet_tabs" .Tabs}}: it
// is the same for every reader of a sheet in a language, so it is rendered
// once and kept (see view.Kept).
type sheetTabs struct {
	Label string
	Items []sheetTab
	key   string // what the links depend on, see PartKey
}

// sheetTab is one link of the sheet's navigation.
type sheetTab struct {
	Href, Label string
	Current     bool
}

// PartKey names the rendering: the language, the sheet, the current tab
// and whether the reader may edit.
func (t sheetTabs) PartKey() string { return t.key }

// Tab names, for marking the current one.
const (
	tabRead    = "read"
	tabEdit    = "edit"
	tabHistory = "history"
	tabBlame   = "blame"
	tabReviews = "reviews"
)

func newSheetTabs(lang, slug, current string, canEdit bool) sheetTabs {
	path := "/sheets/" + url.PathEscape(slug)
	t := sheetTabs{Label: i18n.T(lang, "tabs.label"), Items: make([]sheetTab, 0, 5),
		key: lang + "|" + slug + "|" + current + "|" + strconv.FormatBool(canEdit)}
	add := func(name, suffix, key string) {
		t.Items = append(t.Items, sheetTab{Href: path + suffix, Label: i18n.T(lang, key), Current: name == current})
	}
	add(tabRead, "", "tabs.read")
	if canEdit {
		add(tabEdit, "/edit", "tabs.edit")
	}
	add(tabHistory, "/history", "tabs.history")
	add(tabBlame, "/blame", "tabs.blame")
	add(tabReviews, "/reviews", "tabs.reviews")
	return t
}

// metaRow is one line of the metadata table of a diff, as text.
type metaRow struct {
	Label    string
	From, To string
}

func metaRows(lang string, changes []sheet.MetaChange) []metaRow {
	rows := make([]metaRow, 0, len(changes))
	for _, c := range changes {
		rows = append(rows, metaRow{Label: i18n.T(lang, "meta."+c.Field), From: metaText(c.From), To: metaText(c.To)})
	}
	return rows
}

// metaText shows a metadata value to people: lists joined, a place as its
// name and coordinates.
func metaText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, metaText(p))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if _, ok := x["lat"]; ok {
			return fmt.Sprintf("%v %v (%v, %v)", x["name"], x["address"], x["lat"], x["lon"]) + shapeText(x["geometry"])
		}
	}
	data, _ := json.Marshal(v)
	return string(data)
}

// shapeText names a place's shape in a diff row: its type and a short
// fingerprint of its coordinates, so that a moved outline shows as a
// change although its text is too long to print.
func shapeText(g any) string {
	m, ok := g.(map[string]any)
	if !ok {
		return ""
	}
	data, _ := json.Marshal(m["coordinates"])
	sum := sha256.Sum256(data)
	return fmt.Sprintf(" · %v #%x", m["type"], sum[:3])
}

type diffSectionView struct {
	Heading     string
	Status      string
	StatusLabel string
	Rows        []diffRowView
}

// diffRowView is a diff row with the words a folded row shows.
type diffRowView struct {
	diff.Row
	SkipLabel string
}

// sectionViews keeps the changed sections of a comparison, each with its
// unchanged lines folded around the changes.
func sectionViews(lang string, sections []diff.SectionDiff) []diffSectionView {
	var views []diffSectionView
	for _, s := range sections {
		if s.Status == "same" {
			continue
		}
		heading := s.Heading
		if heading == "" {
			heading = i18n.T(lang, "diff.preamble")
		}
		rows := s.Context(diffContext)
		view := diffSectionView{Heading: heading, Status: s.Status, StatusLabel: i18n.T(lang, "diff.status_"+s.Status),
			Rows: make([]diffRowView, len(rows))}
		for i, r := range rows {
			view.Rows[i].Row = r
			if r.Kind == diff.RowSkip {
				view.Rows[i].SkipLabel = i18n.N(lang, "diff.unchanged_lines", r.Skipped)
			}
		}
		views = append(views, view)
	}
	return views
}
