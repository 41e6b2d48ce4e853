package model

import "time"

// CardFilter narrows lists and the map.
type CardFilter struct {
	Category string
	Tag      string
	Limit    int
	After    string // keyset cursor: the last slug of the previous page
}

// CardRow is a card with its sheet's slug and state.
type CardRow struct {
	SheetCard
	Slug            string
	PublishedNumber *int
	HeadNumber      int
}

// RevisionKey names one revision of one sheet.
type RevisionKey struct {
	SheetID int64
	Number  int
}

// RevisionPage is one page of a sheet's history, newest first, without
// bodies.
type RevisionPage struct {
	Revisions []Revision
	Next      int // number to pass as Before for the next page, 0 at the end
}

// Match is a person or a sheet found by part of its name: Key is what
// names it in a query (a username, a slug), Label what people read.
type Match struct {
	Key   string
	Label string
}

// Media is a stored picture, without its bytes.
type Media struct {
	SHA256    string `gorm:"column:sha256"`
	Type      string
	Width     int
	Height    int
	Bytes     int64
	CreatedBy *int64
	CreatedAt time.Time
}

// SheetMedia is a picture uploaded into a sheet.
type SheetMedia struct {
	Media
	Alt        string
	UploadedBy *int64
	UploadedAt time.Time
}
