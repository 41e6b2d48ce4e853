package model

import (
	"database/sql/driver"
	"encoding/json"
	"time"
)

// BoardMember seats an account on one sheet's board. Boards are per sheet:
// a seat on one gives no power over another.
type BoardMember struct {
	SheetID   int64
	UserID    int64
	AddedBy   int64
	CreatedAt time.Time
}

// TableName implements gorm's tabler.
func (BoardMember) TableName() string { return "board_members" }

// Review is one submission of a sheet's revision to its board. It pins a
// revision; an amendment moves the pin.
type Review struct {
	ID             int64
	SheetID        int64
	RevisionNumber int
	State          string
	SubmittedBy    int64
	Note           string
	SubmittedAt    time.Time
	DecidedAt      *time.Time
	// DecidedApprovals and DecidedSeats are the tally that validated or
	// rejected the review; nil while it is open, or if withdrawn.
	DecidedApprovals *int
	DecidedSeats     *int
	// BoardAtOpen is the board the review was submitted to; BoardAtClose
	// the board when it was decided or withdrawn, which is what a closed
	// review shows whatever the board became since (migration
	// review_board_frozen). Nil for reviews opened before that migration,
	// and BoardAtClose while open.
	BoardAtOpen  *BoardSnapshot
	BoardAtClose *BoardSnapshot
	// DeadlineAt is when the review closes as expired if still undecided,
	// from the board's rule when it opened (migration board_rule); nil
	// when the rule sets no deadline.
	DeadlineAt *time.Time
}

// TableName implements gorm's tabler.
func (Review) TableName() string { return "reviews" }

// BoardSnapshot is a sheet's board frozen at one moment of a review: who
// sat on it and what a decision needed. It is a JSON object so that later
// rules of the board can be frozen beside them without a new column.
type BoardSnapshot struct {
	Members []int64 `json:"members"` // account ids, ascending
	Seats   int     `json:"seats"`
	Needed  int     `json:"needed"`
	// Partial marks a snapshot rebuilt after the fact (migration
	// review_board_frozen) when the audit log could not name every member:
	// Members then holds only those known to have sat (the voters), Seats
	// the recorded count.
	Partial bool `json:"partial,omitempty"`
	// Rule is the board's rule, copied when the review opened; nil for
	// reviews opened before boards had rules, which decided by a majority
	// of seats.
	Rule *Rule `json:"rule,omitempty"`
}

// Rule is how a board decides, as its statutes say: Kind "seats" (a
// majority of all seats) or "cast" (a majority of the votes cast once
// Quorum members have voted, Tie saying what a tie does), and an optional
// deadline in days after which an undecided review expires.
type Rule struct {
	Kind         string `json:"kind"`
	Quorum       int    `json:"quorum"`
	Tie          string `json:"tie"`
	DeadlineDays *int   `json:"deadline_days"`
}

// BoardRule is a sheet's board rule as an admin chose it; a sheet without
// one decides by a majority of seats.
type BoardRule struct {
	SheetID   int64 `gorm:"primaryKey;autoIncrement:false"`
	Rule      `gorm:"embedded"`
	UpdatedBy int64
	UpdatedAt time.Time
}

// TableName implements gorm's tabler.
func (BoardRule) TableName() string { return "board_rules" }

// Value stores the snapshot as JSON text.
func (b BoardSnapshot) Value() (driver.Value, error) {
	if b.Members == nil {
		b.Members = []int64{}
	}
	data, err := json.Marshal(b)
	return string(data), err
}

// Scan reads the snapshot back from either driver's representation.
func (b *BoardSnapshot) Scan(src any) error {
	*b = BoardSnapshot{}
	return scanJSON(src, b)
}

// Vote is a board member's choice on one revision of a review. Voting again
// on the same revision replaces the choice; a vote on an earlier revision
// stays, stale.
type Vote struct {
	ID             int64
	ReviewID       int64
	VoterID        int64
	RevisionNumber int
	Choice         string
	Comment        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// TableName implements gorm's tabler.
func (Vote) TableName() string { return "votes" }

// ReviewAmendment records that a review's pin moved from one revision to
// the amendment that replaced it.
type ReviewAmendment struct {
	ID         int64
	ReviewID   int64
	FromNumber int
	ToNumber   int
	AuthorID   int64
	CreatedAt  time.Time
}

// TableName implements gorm's tabler.
func (ReviewAmendment) TableName() string { return "review_amendments" }

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID             int64
	CreatedAt      time.Time
	ActorID        *int64
	Action         string
	SheetID        *int64
	ReviewID       *int64
	RevisionNumber *int
	RevisionSHA256 string `gorm:"column:revision_sha256"`
	Details        JSONMap
}

// TableName implements gorm's tabler.
func (AuditEntry) TableName() string { return "audit_log" }

// Comment is a message in a sheet's or a review's discussion.
type Comment struct {
	ID             int64
	SheetID        int64
	ReviewID       *int64
	RevisionNumber *int
	AuthorID       int64
	Body           string
	CreatedAt      time.Time
	// HiddenAt is set when the message was withdrawn, by HiddenBy (its
	// author, or an admin giving HiddenReason). The body is kept, and not
	// shown.
	HiddenAt     *time.Time
	HiddenBy     *int64
	HiddenReason string
}

// TableName implements gorm's tabler.
func (Comment) TableName() string { return "comments" }

// Hidden reports whether the message was withdrawn.
func (c *Comment) Hidden() bool { return c.HiddenAt != nil }

// Watch subscribes an account to a sheet's new revisions.
type Watch struct {
	UserID    int64
	SheetID   int64
	CreatedAt time.Time
}

// TableName implements gorm's tabler.
func (Watch) TableName() string { return "watches" }

// Notification kinds.
const (
	NotifyReviewRequested = "review_requested" // a board member: a submission awaits your vote
	NotifyAmended         = "amended"          // submitter and board: the submission was amended
	NotifyDecided         = "decided"          // submitter and board: validated, rejected or withdrawn
	NotifyNewRevision     = "new_revision"     // watchers: someone saved a new version
	NotifySignupPending   = "signup_pending"   // admins: someone signed up and waits for a yes or no
	NotifyImported        = "imported"         // watchers: a history written elsewhere (a pad) continued the sheet
)

// Notification is one item of an account's inbox.
type Notification struct {
	ID             int64
	UserID         int64
	Kind           string
	ActorID        *int64
	SheetID        *int64
	ReviewID       *int64
	RevisionNumber *int
	CreatedAt      time.Time
	ReadAt         *time.Time
}

// TableName implements gorm's tabler.
func (Notification) TableName() string { return "notifications" }

// JSONMap is a small JSON object column.
type JSONMap map[string]any

// Value stores the map as JSON text.
func (m JSONMap) Value() (driver.Value, error) {
	if m == nil {
		return "{}", nil
	}
	data, err := json.Marshal(m)
	return string(data), err
}

// Scan reads the map back from either driver's representation.
func (m *JSONMap) Scan(src any) error {
	*m = JSONMap{}
	return scanJSON(src, m)
}
