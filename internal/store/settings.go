package store

import (
	"context"
)

// settingAtlasID names the atlas's identity in settings.
const settingAtlasID = "atlas_id"

// AtlasID returns the atlas's identity: a UUID made once by the schema's
// migration and kept across exports and moves to another database.
//
//	SELECT value FROM settings WHERE key = 'atlas_id'
func (s *Store) AtlasID(ctx context.Context) (string, error) {
	var id string
	err := s.conn(ctx).Raw("SELECT value FROM settings WHERE key = ?", settingAtlasID).Scan(&id).Error
	if err != nil {
		return "", translate(err, "atlas id")
	}
	if id == "" {
		return "", translate(ErrNotFound, "atlas id")
	}
	return id, nil
}

// SetAtlasID replaces the identity, for a restore that brings an atlas's
// own.
func (s *Store) SetAtlasID(ctx context.Context, id string) error {
	err := s.conn(ctx).Exec("UPDATE settings SET value = ? WHERE key = ?", id, settingAtlasID).Error
	return translate(err, "set atlas id")
}
