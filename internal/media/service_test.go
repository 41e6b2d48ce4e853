package media

import (
	"context"
	"errors"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/media/mediatest"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestDailyLimitPerAccount(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		u := testutil.User(t, st, "marie", model.RoleContributor)
		sh := &model.Sheet{Slug: "jardin", Title: "Jardin", CreatedBy: u.ID, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := d.Conn(ctx).Create(sh).Error; err != nil {
			t.Fatal(err)
		}
		s := New(st)
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		s.now = func() time.Time { return now }
		for i := 0; i < DailyPictures; i++ {
			// Each a different picture: a one-pixel GIF per width.
			if _, err := s.Upload(ctx, Upload{SheetID: sh.ID, UserID: u.ID, Data: mediatest.GIF(1+i, 1), Alt: "x"}); err != nil {
				t.Fatalf("picture %d: %v", i+1, err)
			}
		}
		_, err := s.Upload(ctx, Upload{SheetID: sh.ID, UserID: u.ID, Data: mediatest.GIF(100, 2), Alt: "x"})
		if !errors.Is(err, ErrDailyLimit) {
			t.Fatalf("picture %d: got %v, want ErrDailyLimit", DailyPictures+1, err)
		}
		// A day later, the account may upload again.
		now = now.Add(24*time.Hour + time.Second)
		if _, err := s.Upload(ctx, Upload{SheetID: sh.ID, UserID: u.ID, Data: mediatest.GIF(100, 2), Alt: "x"}); err != nil {
			t.Fatalf("the next day: %v", err)
		}
	})
}
