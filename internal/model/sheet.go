package model

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Sheet is one commons of the atlas. Its content lives in its revisions;
// the row caches the head number (the compare-and-swap guard of every save)
// and the published number (the last version its board validated).
type Sheet struct {
	ID              int64
	Slug            string
	Title           string
	HeadNumber      int
	PublishedNumber *int
	// CacheVersion moves on every write that changes the sheet's pages.
	CacheVersion int64
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ArchivedAt is set while an admin has archived the sheet, with
	// ArchiveReason: it leaves lists, search and the map, and readers get
	// 410. MergedInto names the sheet a duplicate was merged into: its
	// addresses then lead there.
	ArchivedAt    *time.Time
	ArchivedBy    *int64
	ArchiveReason string
	MergedInto    *int64
}

// TableName implements gorm's tabler.
func (Sheet) TableName() string { return "sheets" }

// SheetRedirect is an address a sheet left by a rename: it leads to the
// sheet for ever.
type SheetRedirect struct {
	Slug      string `gorm:"primaryKey"`
	SheetID   int64
	CreatedAt time.Time
}

// TableName implements gorm's tabler.
func (SheetRedirect) TableName() string { return "sheet_redirects" }

// Archived reports whether the sheet is archived (merged ones too).
func (s *Sheet) Archived() bool { return s.ArchivedAt != nil }

// Revision origins.
const (
	OriginEdit      = "edit"
	OriginMerge     = "merge"
	OriginRestore   = "restore"
	OriginAmendment = "amendment"
	OriginImport    = "import"
	// OriginUndo takes back what one earlier revision changed, merged
	// onto the head (sheet.Service.Undo).
	OriginUndo = "undo"
	// OriginLive is a version a live session saved by itself, when its last
	// participant left or at start-up (see internal/live).
	OriginLive = "live"
)

// Revision is one immutable version of a sheet. The database refuses to
// update or delete it.
type Revision struct {
	ID        int64
	SheetID   int64
	Number    int
	Parent    *int
	AuthorID  int64
	Summary   string
	Origin    string
	Minor     bool
	Title     string
	Body      string
	Meta      Meta
	SHA256    string `gorm:"column:sha256"`
	Size      int
	CreatedAt time.Time
	// Reverts names the revision whose text this one brings words back
	// from: the restored revision for a restore, the parent of the undone
	// revision for an undo; nil for every other revision (and for restores
	// written before migration 0023). Authorship gives those words back to
	// their authors through it.
	Reverts *int
}

// TableName implements gorm's tabler.
func (Revision) TableName() string { return "revisions" }

// RevisionCoauthor credits a revision written together (a live session)
// to one of its writers, the author among them; a revision of one writer
// has none. Revisions are never updated, so the rows live beside them.
type RevisionCoauthor struct {
	RevisionID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
}

// TableName implements gorm's tabler.
func (RevisionCoauthor) TableName() string { return "revision_coauthors" }

// Place locates a commons on the map.
type Place struct {
	Name    string  `json:"name"`
	Address string  `json:"address"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	// Geometry is the place's shape when a point is not enough (a
	// garden's outline, a walking route); Lat and Lon stay where the
	// marker goes.
	Geometry Geometry `json:"geometry,omitempty"`
}

// Geometry is a GeoJSON geometry kept as its JSON text, in the normalized
// form internal/geo gives it. Empty is no geometry.
type Geometry []byte

// MarshalJSON writes the geometry as it is.
func (g Geometry) MarshalJSON() ([]byte, error) {
	if len(g) == 0 {
		return []byte("null"), nil
	}
	return g, nil
}

// UnmarshalJSON keeps the text without its spaces, which PostgreSQL's
// jsonb adds: read back from either database, a stored geometry is the
// normalized text it was saved as. null is no geometry.
func (g *Geometry) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		*g = nil
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return err
	}
	*g = b.Bytes()
	return nil
}

// MarshalYAML writes the geometry as a YAML mapping (a sheet file's front
// matter).
func (g Geometry) MarshalYAML() (any, error) {
	if len(g) == 0 {
		return nil, nil
	}
	var v any
	err := json.Unmarshal(g, &v)
	return v, err
}

// UnmarshalYAML reads a geometry written in YAML or as JSON inside it.
func (g *Geometry) UnmarshalYAML(decode func(any) error) error {
	var v any
	if err := decode(&v); err != nil {
		return err
	}
	if v == nil {
		*g = nil
		return nil
	}
	data, err := json.Marshal(v)
	*g = data
	return err
}

// DefaultLicence is the licence of a sheet unless its writers choose another.
const DefaultLicence = "CC-BY-SA-4.0"

// Meta is the revisioned metadata of a sheet, stored as JSON beside the body.
type Meta struct {
	Subtitle    string   `json:"subtitle"`
	Categories  []string `json:"categories"`
	Tags        []string `json:"tags"`
	Place       *Place   `json:"place"`
	Website     string   `json:"website"`
	Contact     string   `json:"contact"`
	LegalStatus string   `json:"legal_status"`
	Licence     string   `json:"licence"`
}

// Value stores Meta as JSON text (SQLite TEXT, PostgreSQL jsonb).
func (m Meta) Value() (driver.Value, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(data), nil
}

// Scan reads Meta back from either driver's representation.
func (m *Meta) Scan(src any) error {
	*m = Meta{}
	return scanJSON(src, m)
}

// scanJSON decodes a JSON column, which SQLite hands over as text and
// PostgreSQL as bytes; NULL leaves dst as the caller reset it.
func scanJSON(src, dst any) error {
	switch v := src.(type) {
	case nil:
		return nil
	case []byte:
		return json.Unmarshal(v, dst)
	case string:
		return json.Unmarshal([]byte(v), dst)
	}
	return fmt.Errorf("model: json column from %T", src)
}

// SheetCard is what readers see of a sheet, kept up to date whenever that
// version changes: its validated revision, or its head while it has none.
type SheetCard struct {
	SheetID        int64
	RevisionNumber int
	Title          string
	Subtitle       string
	Categories     string // ",slug,slug,"
	Tags           string // ",tag,tag,"
	PlaceName      string
	Lat            *float64
	Lon            *float64
	// Geometry is the place's GeoJSON shape, normalized, or empty. Only
	// the map reads it (see store.MapCards).
	Geometry string
	// UpdatedAt is when the card was last rewritten: it moves on every
	// change of what readers see, which makes it part of cache keys.
	UpdatedAt time.Time
}

// TableName implements gorm's tabler.
func (SheetCard) TableName() string { return "sheet_cards" }

// CategoryList splits the stored categories.
func (c SheetCard) CategoryList() []string { return splitList(c.Categories) }

// TagList splits the stored tags.
func (c SheetCard) TagList() []string { return splitList(c.Tags) }

// JoinList stores a list as ",a,b," so a LIKE '%,a,%' finds one item.
func JoinList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

func splitList(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
