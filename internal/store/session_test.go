package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestHandScannedLookups: the session and token lookups every request
// makes, prepared and scanned by hand, give what gorm's generic path gives,
// inside a transaction and out.
func TestHandScannedLookups(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		u := &model.User{Username: "marie", Email: "marie@example.org", DisplayName: "Marie K.", PasswordHash: "h", Role: model.RoleAdmin, CreatedAt: now, UpdatedAt: now}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		signedIn := &model.Session{ID: "s1", UserID: &u.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		anonymous := &model.Session{ID: "s2", CSRFToken: "c2", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		for _, s := range []*model.Session{signedIn, anonymous} {
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		want, err := st.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		check := func(t *testing.T, ctx context.Context) {
			sess, got, err := st.SessionWithUser(ctx, "s1", now)
			if err != nil {
				t.Fatal(err)
			}
			if sess.UserID == nil || *sess.UserID != u.ID || sess.CSRFToken != "c1" || !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Errorf("signed-in session: %+v", sess)
			}
			if got == nil || *got != *want {
				t.Errorf("its account: %+v, want %+v", got, want)
			}
			sess, got, err = st.SessionWithUser(ctx, "s2", now)
			if err != nil || sess.UserID != nil || got != nil || sess.CSRFToken != "c2" {
				t.Errorf("anonymous session: %+v %+v %v", sess, got, err)
			}
			if _, _, err := st.SessionWithUser(ctx, "s1", now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("expired session: %v", err)
			}
			if _, _, err := st.SessionWithUser(ctx, "inconnue", now); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown session: %v", err)
			}
		}
		check(t, ctx)
		if err := st.WithTx(ctx, func(ctx context.Context) error { check(t, ctx); return nil }); err != nil {
			t.Fatal(err)
		}

		tok := &model.APIToken{UserID: u.ID, Name: "script", TokenHash: "th", CreatedAt: now}
		if err := st.CreateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, owner, err := st.APITokenWithUser(ctx, "th")
		if err != nil || got.ID != tok.ID || got.Name != "script" || got.LastUsedAt != nil || owner == nil || *owner != *want {
			t.Errorf("token: %+v %+v %v", got, owner, err)
		}
		if err := st.TouchAPIToken(ctx, tok.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _, err := st.APITokenWithUser(ctx, "th"); err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
			t.Errorf("touched token: %+v %v", got, err)
		}
		if _, _, err := st.APITokenWithUser(ctx, "inconnu"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
	})
}
