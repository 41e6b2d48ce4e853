package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/sheet"
)

// editForm is the sheet editor's fields, as typed.
type editForm struct {
	Title        string
	Body         string
	Summary      string
	Minor        bool
	Subtitle     string
	Categories   []string
	Tags         string
	PlaceName    string
	PlaceAddress string
	Lat          string
	Lon          string
	// Geometry is the place's shape as GeoJSON text (place_geometry).
	Geometry    string
	Website     string
	Contact     string
	LegalStatus string
	Licence     string
}

type categoryOption struct {
	Slug    string
	Name    string
	Checked bool
}

// formFromRevision fills the editor with a stored text. Control
// characters a save would now refuse (stored before they were) are taken
// out: invisible in the form, they would otherwise make every save of the
// sheet fail.
func formFromRevision(r *model.Revision) editForm {
	line := func(s string) string { return document.WithoutControls(s, false) }
	tags := make([]string, len(r.Meta.Tags))
	for i, tag := range r.Meta.Tags {
		tags[i] = line(tag)
	}
	f := editForm{
		Title: line(r.Title), Body: document.WithoutControls(r.Body, true), Subtitle: line(r.Meta.Subtitle), Categories: r.Meta.Categories,
		Tags: strings.Join(tags, ", "), Website: line(r.Meta.Website), Contact: line(r.Meta.Contact),
		LegalStatus: line(r.Meta.LegalStatus), Licence: line(r.Meta.Licence),
	}
	if p := r.Meta.Place; p != nil {
		f.PlaceName, f.PlaceAddress = line(p.Name), line(p.Address)
		f.Lat = strconv.FormatFloat(p.Lat, 'f', -1, 64)
		f.Lon = strconv.FormatFloat(p.Lon, 'f', -1, 64)
		f.Geometry = string(p.Geometry)
	}
	return f
}

// readEditForm reads the posted editor. Its line endings are already LF:
// browserText normalized every page form on arrival.
//
// Its texts are copies. Fiber hands out form values that point into a
// buffer the server reuses for the next request, and this form is the one
// way a page's text reaches what services keep beyond the request (the
// store's cache of recent bodies, which the next save deltas against; the
// JSON API's texts are decoded into fresh strings already): copied here,
// once, at the edge, services never have to.
func readEditForm(c *fiber.Ctx) editForm {
	text := func(name string) string { return strings.Clone(c.FormValue(name)) }
	f := editForm{
		Title: text("title"), Body: text("body"), Summary: text("summary"),
		Minor: c.FormValue("minor") != "", Subtitle: text("subtitle"), Tags: text("tags"),
		PlaceName: text("place_name"), PlaceAddress: text("place_address"),
		Lat: strings.TrimSpace(text("lat")), Lon: strings.TrimSpace(text("lon")),
		Geometry: strings.TrimSpace(text("place_geometry")),
		Website:  text("website"), Contact: text("contact"),
		LegalStatus: text("legal_status"), Licence: sheet.LicenceFromForm(text("licence"), text("licence_other")),
	}
	for _, v := range c.Request().PostArgs().PeekMulti("categories") {
		f.Categories = append(f.Categories, string(v))
	}
	return f
}

// meta turns the form's fields into metadata, or names the field at fault.
func (f editForm) meta() (model.Meta, error) {
	m := model.Meta{
		Subtitle: f.Subtitle, Categories: f.Categories, Website: f.Website, Contact: f.Contact,
		LegalStatus: f.LegalStatus, Licence: f.Licence,
	}
	for _, t := range strings.Split(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			m.Tags = append(m.Tags, t)
		}
	}
	hasPlace := strings.TrimSpace(f.PlaceName+f.PlaceAddress+f.Lat+f.Lon+f.Geometry) != ""
	if hasPlace {
		lat, errLat := parseCoordinate(f.Lat)
		lon, errLon := parseCoordinate(f.Lon)
		// A shape without a marker is a place: the service puts the
		// marker on the shape (0, 0 says "none").
		if f.Geometry != "" && f.Lat == "" && f.Lon == "" {
			lat, lon, errLat, errLon = 0, 0, nil, nil
		}
		if errLat != nil || errLon != nil {
			return m, &sheet.InvalidError{Field: "meta.place", Code: "coordinates_required",
				Key: "error.coordinates_required"}
		}
		m.Place = &model.Place{Name: f.PlaceName, Address: f.PlaceAddress, Lat: lat, Lon: lon}
		if f.Geometry != "" {
			m.Place.Geometry = model.Geometry(f.Geometry)
		}
	}
	return m, nil
}

// parseCoordinate accepts a French decimal comma as well as a point.
func parseCoordinate(s string) (float64, error) {
	return strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
}

func (h *handler) categoryOptions(lang string, checked []string) []categoryOption {
	opts := make([]categoryOption, 0, len(sheet.Categories))
	for _, cat := range sheet.Categories {
		on := false
		for _, c := range checked {
			on = on || c == cat.Slug
		}
		opts = append(opts, categoryOption{Slug: cat.Slug, Name: categoryName(lang, cat), Checked: on})
	}
	return opts
}
