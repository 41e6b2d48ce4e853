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
func readEditForm(c *fiber.Ctx) editForm {
	f := editForm{
		Title: c.FormValue("title"), Body: c.FormValue("body"), Summary: c.FormValue("summary"),
		Minor: c.FormValue("minor") != "", Subtitle: c.FormValue("subtitle"), Tags: c.FormValue("tags"),
		PlaceName: c.FormValue("place_name"), PlaceAddress: c.FormValue("place_address"),
		Lat: strings.TrimSpace(c.FormValue("lat")), Lon: strings.TrimSpace(c.FormValue("lon")),
		Geometry: strings.TrimSpace(c.FormValue("place_geometry")),
		Website:  c.FormValue("website"), Contact: c.FormValue("contact"),
		LegalStatus: c.FormValue("legal_status"), Licence: sheet.LicenceFromForm(c.FormValue("licence"), c.FormValue("licence_other")),
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
