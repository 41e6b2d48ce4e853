// Package model holds the GORM structs of the atlas tables. No I/O here:
// the store reads and writes them.
package model

import "time"

// Roles of an account. Board membership is per sheet, not a role.
const (
	RoleContributor = "contributor"
	RoleAdmin       = "admin"
)

// User is an account.
type User struct {
	ID           int64
	Username     string
	Email        string
	DisplayName  string
	PasswordHash string
	Role         string
	Disabled     bool
	// State is UserActive, or UserPending/UserRefused for a
	// self-registered account an admin has not accepted.
	State     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName implements gorm's tabler.
func (User) TableName() string { return "users" }

// States of an account.
const (
	UserActive  = "active"
	UserPending = "pending" // self-registered, waiting for an admin's yes
	UserRefused = "refused"
)

// CanSignIn says whether the account may sign in or act: enabled and
// accepted.
func (u *User) CanSignIn() bool {
	return u != nil && !u.Disabled && (u.State == UserActive || u.State == "")
}

// IsAdmin reports whether the account administers the atlas.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Name is what the interface shows for the account.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// Session is a browser session, stored so it survives restarts and is
// shared by every instance. ID is the SHA-256 of the cookie value.
type Session struct {
	ID        string
	UserID    *int64
	CSRFToken string `gorm:"column:csrf_token"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TableName implements gorm's tabler.
func (Session) TableName() string { return "sessions" }

// APIToken lets a program act for a user. Only the SHA-256 of the token is
// kept.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// TableName implements gorm's tabler.
func (APIToken) TableName() string { return "api_tokens" }

// Purposes of a one-time link.
const (
	LinkSetup    = "setup"    // creates the first admin of a new atlas
	LinkPassword = "password" // sets an account's password
)

// OneTimeLink is a setup or password link. Only the SHA-256 of its token
// is kept; UsedAt is set once, by the conditional UPDATE that uses it.
type OneTimeLink struct {
	ID        int64
	Purpose   string
	TokenHash string
	UserID    *int64
	CreatedBy *int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// TableName implements gorm's tabler.
func (OneTimeLink) TableName() string { return "one_time_links" }
