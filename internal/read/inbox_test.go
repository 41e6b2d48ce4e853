package read_test

import (
	"fmt"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// The inbox reads its notifications' sheets and actors in one query each,
// whatever the number of notifications: it was 1 + 3n.
func TestInboxCostsAFixedNumberOfQueries(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		reader := w.board[0]
		var list []model.Notification
		for i := range 12 {
			sh, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: fmt.Sprintf("Fiche %d", i), Body: "Du texte.\n"})
			if err != nil {
				t.Fatal(err)
			}
			actor := w.board[1+i%2].ID
			list = append(list, model.Notification{UserID: reader.ID, Kind: model.NotifyNewRevision, ActorID: &actor, SheetID: &sh.ID,
				CreatedAt: time.Now().UTC().Add(time.Duration(i) * time.Second)})
		}
		signup := model.Notification{UserID: w.admin.ID, Kind: model.NotifySignupPending, ActorID: &w.author.ID, CreatedAt: time.Now().UTC()}
		if err := w.store.CreateNotifications(w.ctx, append(list, signup)); err != nil {
			t.Fatal(err)
		}
		cost := func(userID int64, limit, want int) ([]read.InboxItem, int64) {
			var items []read.InboxItem
			n := countQueries(t, d, func() {
				var err error
				if items, err = r.Inbox(w.ctx, userID, limit); err != nil {
					t.Fatal(err)
				}
			})
			if len(items) != want {
				t.Fatalf("%d notifications, want %d", len(items), want)
			}
			return items, n
		}
		one, costOne := cost(reader.ID, 1, 1)
		all, costAll := cost(reader.ID, 100, 12)
		t.Logf("inbox: %d queries for 1 notification, %d for 12", costOne, costAll)
		if costOne != costAll || costAll > 3 {
			t.Errorf("inbox costs %d queries for 1 notification and %d for 12; want the same, at most 3", costOne, costAll)
		}
		if one[0].Sheet == nil || one[0].Sheet.Title != "Fiche 11" || one[0].Actor == nil || one[0].Actor.ID != w.board[2].ID {
			t.Errorf("newest: sheet %+v, actor %+v", one[0].Sheet, one[0].Actor)
		}
		for _, it := range all {
			if it.Sheet == nil || it.Actor == nil || it.Sheet.ID != *it.SheetID || it.Actor.ID != *it.ActorID {
				t.Errorf("notification %d: sheet %+v, actor %+v", it.ID, it.Sheet, it.Actor)
			}
		}
		admin, _ := cost(w.admin.ID, 100, 1)
		if admin[0].Sheet != nil || admin[0].Actor == nil || admin[0].Actor.Username != "autrice" {
			t.Errorf("signup: sheet %+v, actor %+v", admin[0].Sheet, admin[0].Actor)
		}
	})
}
