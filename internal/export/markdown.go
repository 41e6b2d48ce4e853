// Package export writes the atlas out so its data outlives the software:
// one sheet as Markdown with front matter, the whole atlas as an archive
// that restores exactly, and every sheet's history as a git repository. It
// also reads sheets back from Markdown.
package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"atlas/internal/model"
)

// SheetFile is a sheet as a Markdown file: front matter for what is not
// body.
type SheetFile struct {
	Slug     string
	Title    string
	Body     string
	Meta     model.Meta
	Revision int
	SHA256   string
	Updated  time.Time
	// Authors are the people whose words are in the body, by their share
	// of them, most first (the licence's attribution); written when known.
	Authors []string
}

// WriteMarkdown writes a sheet with YAML front matter. Values are written
// as JSON strings and lists, which YAML reads as they are, so no text of a
// sheet can break the front matter. The body follows byte for byte after a
// "# Title" line.
func WriteMarkdown(w io.Writer, f SheetFile) error {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	list := func(l []string) string {
		if l == nil {
			l = []string{}
		}
		b, _ := json.Marshal(l)
		return string(b)
	}
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", q(f.Title))
	if f.Slug != "" {
		fmt.Fprintf(&b, "slug: %s\n", q(f.Slug))
	}
	if f.Revision > 0 {
		fmt.Fprintf(&b, "revision: %d\n", f.Revision)
		fmt.Fprintf(&b, "sha256: %s\n", q(f.SHA256))
		fmt.Fprintf(&b, "updated: %s\n", q(f.Updated.UTC().Format(time.RFC3339)))
	}
	m := f.Meta
	fmt.Fprintf(&b, "subtitle: %s\ncategories: %s\ntags: %s\n", q(m.Subtitle), list(m.Categories), list(m.Tags))
	if p := m.Place; p != nil {
		fmt.Fprintf(&b, "place:\n  name: %s\n  address: %s\n  lat: %v\n  lon: %v\n", q(p.Name), q(p.Address), p.Lat, p.Lon)
		if len(p.Geometry) > 0 {
			// Normalized GeoJSON is also YAML (a flow mapping).
			fmt.Fprintf(&b, "  geometry: %s\n", p.Geometry)
		}
	}
	fmt.Fprintf(&b, "website: %s\ncontact: %s\nlegal_status: %s\nlicence: %s\n", q(m.Website), q(m.Contact), q(m.LegalStatus), q(m.Licence))
	if len(f.Authors) > 0 {
		fmt.Fprintf(&b, "authors: %s\n", list(f.Authors))
	}
	b.WriteString("---\n\n# " + f.Title + "\n\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	_, err := io.WriteString(w, f.Body)
	return err
}

// frontMatter is what a person may write at the top of a sheet file.
type frontMatter struct {
	Title       string       `yaml:"title"`
	Slug        string       `yaml:"slug"`
	Subtitle    string       `yaml:"subtitle"`
	Categories  []string     `yaml:"categories"`
	Tags        []string     `yaml:"tags"`
	Place       *model.Place `yaml:"place"`
	Website     string       `yaml:"website"`
	Contact     string       `yaml:"contact"`
	LegalStatus string       `yaml:"legal_status"`
	Licence     string       `yaml:"licence"`
	// Written by WriteMarkdown for reference; ignored on import.
	Revision int    `yaml:"revision"`
	SHA256   string `yaml:"sha256"`
	Updated  string `yaml:"updated"`
	// Computed from history on export; ignored on import.
	Authors []string `yaml:"authors"`
}

// ErrNoTitle means a file gives no title, neither in front matter nor as
// a "# Title" line.
var ErrNoTitle = errors.New("export: no title (front matter title or a first line \"# Title\")")

// dropBlankLine removes one leading empty line, if text starts with one.
func dropBlankLine(text string) string {
	if rest, ok := strings.CutPrefix(text, "\n"); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(text, "\r\n"); ok {
		return rest
	}
	return text
}

// ReadMarkdown parses a sheet file: optional YAML front matter between
// "---" lines, then an optional "# Title" line, then the body, whose "##"
// headings are its sections.
func ReadMarkdown(data []byte) (SheetFile, error) {
	var f SheetFile
	text := string(bytes.TrimPrefix(data, []byte("\ufeff")))
	if strings.HasPrefix(text, "---\n") || strings.HasPrefix(text, "---\r\n") {
		rest := text[strings.Index(text, "\n")+1:]
		end := -1
		for offset := 0; offset < len(rest); {
			line := rest[offset:]
			if i := strings.IndexByte(line, '\n'); i >= 0 {
				line = line[:i+1]
			}
			if strings.TrimRight(line, "\r\n") == "---" {
				end = offset
				break
			}
			offset += len(line)
		}
		if end < 0 {
			return f, errors.New("export: front matter opened with --- but never closed")
		}
		var fm frontMatter
		if err := yaml.Unmarshal([]byte(rest[:end]), &fm); err != nil {
			return f, fmt.Errorf("export: front matter: %w", err)
		}
		f.Title, f.Slug = fm.Title, fm.Slug
		f.Meta = model.Meta{Subtitle: fm.Subtitle, Categories: fm.Categories, Tags: fm.Tags, Place: fm.Place,
			Website: fm.Website, Contact: fm.Contact, LegalStatus: fm.LegalStatus, Licence: fm.Licence}
		text = rest[end:]
		text = text[strings.Index(text, "\n")+1:]
	}
	// Look past blank lines for a "# Title" line; without one, they stay.
	sc := bufio.NewReader(strings.NewReader(text))
	consumed := 0
	for {
		line, err := sc.ReadString('\n')
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case trimmed == "" && err == nil:
			consumed += len(line)
			continue
		case strings.HasPrefix(trimmed, "# "):
			if f.Title == "" {
				f.Title = strings.TrimSpace(trimmed[2:])
			}
			consumed += len(line)
			text = text[consumed:]
		}
		break
	}
	// One blank line separates the title (or the front matter) from the
	// body, as WriteMarkdown writes it; any more are the body's own.
	f.Body = dropBlankLine(text)
	if strings.TrimSpace(f.Title) == "" {
		return f, ErrNoTitle
	}
	return f, nil
}
