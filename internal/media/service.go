package media

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/semaphore"

	"atlas/internal/document"
	"atlas/internal/store"
)

// Limits of one account's uploads over the last 24 hours.
const (
	DailyPictures = 50
	DailyBytes    = 100 << 20
	// MaxAltRunes bounds a description: a sentence or two.
	MaxAltRunes = 500
)

// Errors of Upload besides Process's.
var (
	ErrNoAlt      = errors.New("media: a picture needs a description")
	ErrBadAlt     = errors.New("media: description too long or with control characters")
	ErrDailyLimit = errors.New("media: daily upload limit reached")
	ErrBusy       = errors.New("media: too many pictures being processed")
)

// Service stores the pictures uploaded into sheets.
type Service struct {
	store *store.Store
	now   func() time.Time
	// work lets one picture at a time be decoded and encoded: a 40 MP
	// photo takes some 200 MB and a core for a second.
	work *semaphore.Weighted
}

// New returns the pictures service over st.
func New(st *store.Store) *Service {
	return &Service{store: st, now: time.Now, work: semaphore.NewWeighted(1)}
}

// Upload is one picture received for a sheet.
type Upload struct {
	SheetID int64
	UserID  int64
	Data    []byte
	Alt     string
}

// Upload checks, cleans and stores a picture, links it to its sheet, and
// returns what was stored. The same bytes uploaded twice are stored once.
func (s *Service) Upload(ctx context.Context, up Upload) (store.SheetMedia, error) {
	alt := strings.TrimSpace(up.Alt)
	switch {
	case alt == "":
		return store.SheetMedia{}, ErrNoAlt
	case utf8.RuneCountInString(alt) > MaxAltRunes || !document.OneLine(alt):
		return store.SheetMedia{}, ErrBadAlt
	}
	now := s.now().UTC()
	n, total, err := s.store.UploadsSince(ctx, up.UserID, now.Add(-24*time.Hour))
	if err != nil {
		return store.SheetMedia{}, err
	}
	if n >= DailyPictures || total+int64(len(up.Data)) > DailyBytes {
		return store.SheetMedia{}, ErrDailyLimit
	}
	if err := s.work.Acquire(ctx, 1); err != nil {
		return store.SheetMedia{}, ErrBusy
	}
	pic, err := Process(up.Data)
	s.work.Release(1)
	if err != nil {
		return store.SheetMedia{}, err
	}
	by := up.UserID
	m := store.Media{SHA256: pic.SHA256, Type: pic.Type, Width: pic.Width, Height: pic.Height,
		Bytes: int64(len(pic.Data)), CreatedBy: &by, CreatedAt: now}
	variants := make([]store.MediaVariant, len(pic.Variants))
	for i, v := range pic.Variants {
		variants[i] = store.MediaVariant{Width: v.Width, Type: v.Type, Data: v.Data}
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.SaveMedia(ctx, m, pic.Data, variants); err != nil {
			return err
		}
		if err := s.store.LinkSheetMedia(ctx, up.SheetID, pic.SHA256, alt, &by, now); err != nil {
			return err
		}
		// The sheet's page lists its pictures.
		return s.store.TouchSheet(ctx, up.SheetID)
	})
	if err != nil {
		return store.SheetMedia{}, fmt.Errorf("media: upload: %w", err)
	}
	return store.SheetMedia{Media: m, Alt: alt, UploadedBy: &by, UploadedAt: now}, nil
}

// ValidHash says whether s is a picture's name: 64 lowercase hex digits.
func ValidHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
