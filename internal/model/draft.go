package model

import "time"

// Draft is the text an account is writing and has not saved: one per
// account and sheet (SheetID nil for a sheet not yet created). Unlike a
// revision it is rewritten in place and deleted once saved, and only its
// owner ever sees it.
type Draft struct {
	ID      int64
	UserID  int64
	SheetID *int64
	// Base is the revision the text started from, so that saving it later
	// is a three-way merge like any edit; 0 for a new sheet.
	Base      int
	Title     string
	Body      string
	Meta      Meta
	Summary   string
	CreatedAt time.Time
	SavedAt   time.Time
}

// TableName implements gorm's tabler.
func (Draft) TableName() string { return "drafts" }

// DraftListItem is a draft as listed to its owner: what it is about,
// without its text.
type DraftListItem struct {
	SheetID *int64
	Slug    string // "" for a sheet not yet created
	Title   string
	Base    int
	SavedAt time.Time
}
