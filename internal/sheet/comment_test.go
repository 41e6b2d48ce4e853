package sheet_test

import (
	"errors"
	"testing"
	"time"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// The rate limit of discussions counts each window on its own, says when
// the next message is welcome, and holds back only the one who floods.
func TestCommentRateLimitWindows(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		e.svc.WithCommentLimits([]sheet.CommentLimit{{Window: time.Minute, Max: 2}, {Window: time.Hour, Max: 4}})
		sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		post := func(u *model.User) error {
			_, err := e.svc.Comment(e.ctx, u, sh.Slug, sheet.CommentInput{Body: "Un message"})
			return err
		}
		// Two messages of half an hour ago fill half the hour.
		for range 2 {
			old := &model.Comment{SheetID: sh.ID, AuthorID: e.marie.ID, Body: "ancien", CreatedAt: time.Now().UTC().Add(-30 * time.Minute)}
			if err := e.store.CreateComment(e.ctx, old); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2 {
			if err := post(e.marie); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		var limited *sheet.RateLimitedError
		if err := post(e.marie); !errors.As(err, &limited) || limited.RetryAfter < 29*time.Minute || limited.RetryAfter > 30*time.Minute {
			t.Errorf("a fifth message within the hour: %v, want a wait of about 30 minutes (the hour's window)", err)
		}
		if err := post(e.yann); err != nil {
			t.Errorf("another account: %v", err)
		}
		// Without limits, anything goes.
		e.svc.WithCommentLimits(nil)
		if err := post(e.marie); err != nil {
			t.Errorf("without limits: %v", err)
		}
	})
}

// Who may hide a message: its author within a quarter of an hour, an admin
// at any time with a reason; a hidden message cannot be hidden again.
func TestHideCommentRules(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		admin := testutil.User(t, e.store, "gwen", model.RoleAdmin)
		sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		write := func(u *model.User, ago time.Duration) int64 {
			c := &model.Comment{SheetID: sh.ID, AuthorID: u.ID, Body: "texte", CreatedAt: time.Now().UTC().Add(-ago)}
			if err := e.store.CreateComment(e.ctx, c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		fresh, stale := write(e.marie, time.Minute), write(e.marie, 20*time.Minute)
		errInvalid := errors.New("an invalid reason")
		for _, c := range []struct {
			name   string
			actor  *model.User
			id     int64
			reason string
			want   error
		}{
			{"someone else", e.yann, fresh, "", auth.ErrForbidden},
			{"the author, too late", e.marie, stale, "", auth.ErrForbidden},
			{"an admin without a reason", admin, stale, "  ", errInvalid},
			{"the author in time", e.marie, fresh, "", nil},
			{"again", e.marie, fresh, "", store.ErrConflict},
			{"an admin with a reason", admin, stale, "spam", nil},
		} {
			_, err := e.svc.HideComment(e.ctx, c.actor, c.id, c.reason)
			var invalid *sheet.InvalidError
			if errors.As(err, &invalid) && invalid.Code == "reason_required" {
				err = errInvalid
			}
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		got, err := e.store.CommentByID(e.ctx, stale)
		if err != nil || got.HiddenAt == nil || *got.HiddenBy != admin.ID || got.HiddenReason != "spam" || got.Body != "texte" {
			t.Errorf("hidden by the admin: %+v, %v", got, err)
		}
	})
}
