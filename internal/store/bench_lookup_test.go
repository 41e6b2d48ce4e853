package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// BenchmarkHotPaths times what nearly every request asks the store: the
// prepared lookups (a session with its account, a sheet by slug), a read
// through gorm's generic path, a page of sheets, and a small write.
func BenchmarkHotPaths(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchHotPaths(b, testutil.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchHotPaths(b, testutil.NewPostgres(b)) })
}

func benchHotPaths(b *testing.B, d *db.DB) {
	ctx := context.Background()
	st := store.New(d)
	u := testutil.User(b, st, "marie", model.RoleContributor)
	now := time.Now().UTC()
	for i := range 100 {
		sh := &model.Sheet{Slug: fmt.Sprintf("fiche-%03d", i), Title: "Jardin", CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
		if err := st.CreateSheet(ctx, sh); err != nil {
			b.Fatal(err)
		}
	}
	sess := &model.Session{ID: "s1", UserID: &u.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := st.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	run := func(name string, fn func(i int) error) {
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if err := fn(i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("session", func(int) error { _, _, err := st.SessionWithUser(ctx, "s1", now); return err })
	run("sheet-by-slug", func(i int) error { _, err := st.SheetBySlug(ctx, fmt.Sprintf("fiche-%03d", i%100)); return err })
	run("user-by-username", func(int) error { _, err := st.UserByUsername(ctx, "marie"); return err })
	run("list-50-sheets", func(int) error { _, err := st.ListSheets(ctx, store.SheetListOptions{Limit: 50}); return err })
	run("create-session", func(i int) error {
		return st.CreateSession(ctx, &model.Session{ID: fmt.Sprintf("b%d", i), CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	})
}
