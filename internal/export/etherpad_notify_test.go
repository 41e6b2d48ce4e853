package export_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestEtherpadImportTellsWatchers: a pad that continues a sheet is news
// for the sheet's watchers, as any save is: each gets one notification for
// the whole import (not one per writing burst) naming the importing
// account and the new head, whose link is the sheet's history; the
// importing account is not told of its own import, and a pad writer new to
// the sheet is made a watcher without being told of their own text. A pad
// that makes a new sheet tells nobody (it has no watchers yet).
func TestEtherpadImportTellsWatchers(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, marie, yann := padAccounts(t, s.store)
		anne := testutil.User(t, s.store, "anne", model.RoleContributor)
		inbox := func(u *model.User) []model.Notification {
			t.Helper()
			list, err := s.store.NotificationsOf(ctx, u.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}

		// A sheet Marie started before the pad; Anne follows it.
		old := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
		sh, _, err := s.sheets.ImportHistory(ctx, sheet.HistoryInput{Slug: "kerinou-jardin", Revisions: []sheet.HistoryRevision{
			{Author: marie, Title: "Le jardin de Kerinou", Body: "Une idée de jardin.", Summary: "Première idée", At: old},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.store.Watch(ctx, anne.ID, sh.ID, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*model.User{admin, marie, yann, anne} {
			if n := len(inbox(u)); n != 0 {
				t.Fatalf("%s has %d notifications before the pad", u.Username, n)
			}
		}

		res, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin, Into: sh.Slug}, readPadFixture(t, "kerinou.etherpad"))
		if err != nil || res.Added != 7 || res.Head != 8 {
			t.Fatalf("into: %+v %v", res, err)
		}
		for _, u := range []*model.User{marie, anne} {
			got := inbox(u)
			if len(got) != 1 {
				t.Fatalf("%s: %d notifications for an import of %d revisions, want 1: %+v", u.Username, len(got), res.Added, got)
			}
			n := got[0]
			if n.Kind != model.NotifyImported || n.ActorID == nil || *n.ActorID != admin.ID || n.SheetID == nil || *n.SheetID != sh.ID ||
				n.RevisionNumber == nil || *n.RevisionNumber != 8 {
				t.Errorf("%s's notification = %+v", u.Username, n)
			}
		}
		// Yann wrote in the pad: now a watcher, not told of his own text.
		if n := len(inbox(yann)); n != 0 {
			t.Errorf("yann, a pad writer new to the sheet, has %d notifications", n)
		}
		if n := len(inbox(admin)); n != 0 {
			t.Errorf("the importing account has %d notifications", n)
		}
		watchers, err := s.store.Watchers(ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(watchers, yann.ID) || !slices.Contains(watchers, admin.ID) {
			t.Errorf("watchers after the import %v: the pad's writers (yann %d, admin %d for the authors without an account) are not among them", watchers, yann.ID, admin.ID)
		}

		// The same pad again adds nothing and tells nobody.
		if res, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin, Into: sh.Slug}, readPadFixture(t, "kerinou.etherpad")); err != nil || !res.Unchanged {
			t.Fatalf("again: %+v %v", res, err)
		}
		if n := len(inbox(anne)); n != 1 {
			t.Errorf("anne has %d notifications after an import that added nothing, want 1", n)
		}

		// What the notification says, and where it leads.
		svc := notify.New(s.store, nil, "https://atlas.example.org", "fr", slog.New(slog.DiscardHandler))
		subject, body, err := svc.Compose(ctx, "fr", inbox(anne)[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "« Le jardin de Kerinou »") || !strings.Contains(body, "admin a importé") ||
			!strings.Contains(body, "https://atlas.example.org/sheets/kerinou-jardin/history\n") {
			t.Errorf("notification:\n%s\n%s", subject, body)
		}
	})
}

// TestEtherpadImportOfANewSheetTellsNobodyThenItsWatchers: a pad imported
// as a new sheet tells nobody; a later export of the same pad, which
// continues it, tells the writers of the first import once each (the
// importing account aside).
func TestEtherpadImportOfANewSheetTellsNobodyThenItsWatchers(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, marie, yann := padAccounts(t, s.store)
		early, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, readPadFixture(t, "kerinou-early.etherpad"))
		if err != nil || !early.Created {
			t.Fatalf("early export: %+v %v", early, err)
		}
		if n := countNotifications(t, s.store); n != 0 {
			t.Errorf("%d notifications for a new sheet", n)
		}
		full, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, readPadFixture(t, "kerinou.etherpad"))
		if err != nil || full.Added != 2 {
			t.Fatalf("full export: %+v %v", full, err)
		}
		for _, u := range []*model.User{marie, yann} {
			list, err := s.store.NotificationsOf(ctx, u.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Kind != model.NotifyImported || *list[0].RevisionNumber != full.Head {
				t.Errorf("%s: %+v, want one notification of the import up to %d", u.Username, list, full.Head)
			}
		}
		if n := countNotifications(t, s.store); n != 2 {
			t.Errorf("%d notifications in all, want 2 (marie, yann)", n)
		}
	})
}

func countNotifications(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var n int64
	if err := st.DB().Conn(context.Background()).Model(&model.Notification{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
