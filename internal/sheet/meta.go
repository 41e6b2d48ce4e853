package sheet

import (
	"errors"
	"math"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"atlas/internal/document"
	"atlas/internal/geo"
	"atlas/internal/model"
)

// Category is one of the atlas's categories; Slug is what the API and URLs
// use, and its name is the catalogues' "category.<slug>".
type Category struct {
	Slug string
}

// Categories are the atlas's starting categories, in display order.
var Categories = []Category{
	{"numerique"},
	{"savoirs"},
	{"cartes-donnees"},
	{"jardins-nature"},
	{"semences"},
	{"alimentation"},
	{"economie-solidaire"},
	{"tiers-lieux"},
	{"reemploi"},
	{"habitat-communs-naturels"},
	{"mobilite"},
	{"transition"},
	{"culture-medias"},
}

// CategoryBySlug finds a category.
func CategoryBySlug(slug string) (Category, bool) {
	for _, c := range Categories {
		if c.Slug == slug {
			return c, true
		}
	}
	return Category{}, false
}

// sortCategories returns the categories in the atlas's order (any slug
// the atlas does not know after them, alphabetically). Categories are a
// set: ticking them in another order is no change, so every comparison
// and every stored revision sees them in this one order.
func sortCategories(cats []string) []string {
	out := slices.Clone(cats)
	rank := func(slug string) int {
		for i, c := range Categories {
			if c.Slug == slug {
				return i
			}
		}
		return len(Categories)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return out
}

// Limits on metadata, generous for people and tight for abuse.
const (
	maxMetaText = 500
	maxTags     = 30
	maxTagLen   = 60
)

// NormalizeMeta trims, deduplicates and defaults metadata, then validates
// it. The result is what gets stored, so two saves that differ only in
// spacing compare equal.
func NormalizeMeta(m model.Meta) (model.Meta, error) {
	m.Subtitle = strings.TrimSpace(m.Subtitle)
	m.Website = strings.TrimSpace(m.Website)
	m.Contact = strings.TrimSpace(m.Contact)
	m.LegalStatus = strings.TrimSpace(m.LegalStatus)
	licence, err := normalizeLicence(m.Licence)
	if err != nil {
		return m, err
	}
	m.Licence = licence
	for field, v := range map[string]string{"subtitle": m.Subtitle, "website": m.Website, "contact": m.Contact, "legal_status": m.LegalStatus, "licence": m.Licence} {
		if utf8.RuneCountInString(v) > maxMetaText || !cleanText(v) {
			return m, invalid("meta."+field, "too_long", "error.text_too_long")
		}
		if !document.OneLine(v) {
			return m, controlError("meta." + field)
		}
	}
	if m.Website != "" {
		u, err := url.Parse(m.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return m, invalid("meta.website", "invalid_url", "error.website_url")
		}
	}

	cats := []string{}
	for _, c := range m.Categories {
		c = strings.TrimSpace(c)
		if _, ok := CategoryBySlug(c); !ok {
			return m, invalid("meta.categories", "unknown_category", "error.unknown_category_named", c)
		}
		if !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
	}
	m.Categories = sortCategories(cats)

	tags := []string{}
	for _, tag := range m.Tags {
		tag = strings.TrimSpace(tag)
		if tag == "" || slices.Contains(tags, tag) {
			continue
		}
		if utf8.RuneCountInString(tag) > maxTagLen || !cleanText(tag) {
			return m, invalid("meta.tags", "invalid_tag", "error.tag_invalid")
		}
		if !document.OneLine(tag) {
			return m, controlError("meta.tags")
		}
		tags = append(tags, tag)
	}
	if len(tags) > maxTags {
		return m, invalid("meta.tags", "too_many_tags", "error.too_many_tags")
	}
	m.Tags = tags

	if p := m.Place; p != nil {
		p.Name = strings.TrimSpace(p.Name)
		p.Address = strings.TrimSpace(p.Address)
		if err := normalizeGeometry(p); err != nil {
			return m, err
		}
		switch {
		case math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90:
			return m, invalid("meta.place.lat", "out_of_range", "error.latitude_range")
		case math.IsNaN(p.Lon) || p.Lon < -180 || p.Lon > 180:
			return m, invalid("meta.place.lon", "out_of_range", "error.longitude_range")
		case utf8.RuneCountInString(p.Name) > maxMetaText || utf8.RuneCountInString(p.Address) > maxMetaText || !cleanText(p.Name) || !cleanText(p.Address):
			return m, invalid("meta.place", "too_long", "error.place_too_long")
		case !document.OneLine(p.Name) || !document.OneLine(p.Address):
			return m, controlError("meta.place")
		}
	}
	return m, nil
}

// normalizeGeometry checks a place's shape and stores it in its one
// normalized form. A place with a shape but no marker (0, 0, which no
// commons of the atlas sits at) gets its marker from the shape.
func normalizeGeometry(p *model.Place) error {
	if geo.IsNull(p.Geometry) {
		p.Geometry = nil
		return nil
	}
	data, g, err := geo.Normalize(p.Geometry)
	if err != nil {
		var ge *geo.Error
		if errors.As(err, &ge) {
			return invalid("meta.place.geometry", "invalid_geometry", ge.Key, ge.Args...)
		}
		return err
	}
	p.Geometry = data
	if p.Lat == 0 && p.Lon == 0 {
		p.Lat, p.Lon = g.Marker()
	}
	return nil
}

// cleanText refuses what no database stores faithfully (invalid UTF-8, NUL).
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
