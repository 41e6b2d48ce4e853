package model

import "errors"

// Errors every layer shares: the store returns them, services and the read
// side pass them on, and the web maps them to statuses. They live here so
// that no caller needs the store to tell them apart.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrCorruptRevision: a stored revision's content does not match its
	// SHA-256.
	ErrCorruptRevision = errors.New("revision content does not match its SHA-256")
)
