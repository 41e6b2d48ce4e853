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

// TestLookupsBringTheSheet: a browser's visit (session, account, unread
// count, sheet) and the token lookup that also reads the addressed
// sheet's row give the row SheetBySlug gives (an archived, published one,
// so every nullable column is set), nil for a name no sheet has, the
// unread count bounded as asked, and the lookup's own errors unchanged.
func TestLookupsBringTheSheet(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		u := testutil.User(t, st, "marie", model.RoleAdmin)
		published := 1
		other := &model.Sheet{Slug: "verger", Title: "Verger", CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
		if err := st.CreateSheet(ctx, other); err != nil {
			t.Fatal(err)
		}
		archived := now.Add(time.Minute)
		sh := &model.Sheet{Slug: "jardin", Title: "Jardin partagé", HeadNumber: 3, PublishedNumber: &published, CacheVersion: 7,
			CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now, ArchivedAt: &archived, ArchivedBy: &u.ID, ArchiveReason: "doublon", MergedInto: &other.ID}
		if err := st.CreateSheet(ctx, sh); err != nil {
			t.Fatal(err)
		}
		want, err := st.SheetBySlug(ctx, "jardin")
		if err != nil || want.MergedInto == nil || want.ArchivedAt == nil || want.PublishedNumber == nil || want.ArchiveReason != "doublon" {
			t.Fatalf("sheet by slug: %+v %v", want, err)
		}
		if err := st.CreateSession(ctx, &model.Session{ID: "s1", UserID: &u.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSession(ctx, &model.Session{ID: "s2", CSRFToken: "c2", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateAPIToken(ctx, &model.APIToken{UserID: u.ID, Name: "script", TokenHash: "th", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		// Three notifications for marie, one read, and one for someone else.
		anne := testutil.User(t, st, "anne", model.RoleContributor)
		var notes []model.Notification
		for i, to := range []int64{u.ID, u.ID, u.ID, anne.ID} {
			notes = append(notes, model.Notification{UserID: to, Kind: model.NotifySignupPending, CreatedAt: now})
			if i == 0 {
				notes[i].ReadAt = &now
			}
		}
		if err := st.CreateNotifications(ctx, notes); err != nil {
			t.Fatal(err)
		}
		sameSheet := func(t *testing.T, what string, got *model.Sheet) {
			t.Helper()
			if got == nil || got.ID != want.ID || got.Slug != want.Slug || got.Title != want.Title || got.HeadNumber != want.HeadNumber ||
				*got.PublishedNumber != *want.PublishedNumber || got.CacheVersion != want.CacheVersion || got.CreatedBy != want.CreatedBy ||
				!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) || !got.ArchivedAt.Equal(*want.ArchivedAt) ||
				*got.ArchivedBy != *want.ArchivedBy || got.ArchiveReason != want.ArchiveReason || *got.MergedInto != *want.MergedInto {
				t.Errorf("%s: %+v, want %+v", what, got, want)
			}
		}
		check := func(t *testing.T, ctx context.Context) {
			v, err := st.Visit(ctx, "s1", now, "jardin", 100)
			if err != nil || v.Session.CSRFToken != "c1" || v.User == nil || v.User.ID != u.ID || v.Unread != 2 {
				t.Fatalf("visit with sheet: %+v %v", v, err)
			}
			sameSheet(t, "visit's sheet", v.Sheet)
			if v, err := st.Visit(ctx, "s1", now, "", 1); err != nil || v.Sheet != nil || v.User == nil || v.Unread != 1 {
				t.Errorf("visit without a sheet, unread up to 1: %+v %v", v, err)
			}
			if v, err := st.Visit(ctx, "s1", now, "inconnue", 100); err != nil || v.Sheet != nil || v.Unread != 2 {
				t.Errorf("visit with an unknown sheet: %+v %v", v, err)
			}
			if v, err := st.Visit(ctx, "s2", now, "jardin", 100); err != nil || v.User != nil || v.Unread != 0 || v.Sheet == nil {
				t.Errorf("anonymous visit: %+v %v", v, err)
			}
			if _, err := st.Visit(ctx, "s1", now.Add(time.Hour), "jardin", 100); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("expired session with a sheet: %v", err)
			}
			tok, owner, got, err := st.APITokenWithUserAndSheet(ctx, "th", "jardin")
			if err != nil || tok.Name != "script" || owner == nil || owner.ID != u.ID {
				t.Fatalf("token with sheet: %+v %+v %v", tok, owner, err)
			}
			sameSheet(t, "token's sheet", got)
			if _, _, got, err := st.APITokenWithUserAndSheet(ctx, "th", "inconnue"); err != nil || got != nil {
				t.Errorf("token with an unknown sheet: %+v %v", got, err)
			}
			if _, _, _, err := st.APITokenWithUserAndSheet(ctx, "inconnu", "jardin"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown token with a sheet: %v", err)
			}
		}
		check(t, ctx)
		if err := st.WithTx(ctx, func(ctx context.Context) error { check(t, ctx); return nil }); err != nil {
			t.Fatal(err)
		}
	})
}
