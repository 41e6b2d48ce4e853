package live

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// amendWorld is a sheet at revision 2 with an open review of revision 1.
type amendWorld struct {
	ctx    context.Context
	st     *store.Store
	sheets *sheet.Service
	svc    *Service
	anne   *model.User
	bruno  *model.User
	sh     *model.Sheet
	review int64
}

func newAmendWorld(t *testing.T, d *db.DB) *amendWorld {
	t.Helper()
	ctx := t.Context()
	st := store.New(d)
	sheets := sheet.NewService(st, nil)
	w := &amendWorld{ctx: ctx, st: st, sheets: sheets, svc: New(st, sheets, nil, nil),
		anne: testutil.User(t, st, "anne", model.RoleContributor), bruno: testutil.User(t, st, "bruno", model.RoleContributor)}
	sh, _, err := sheets.Create(ctx, w.anne, sheet.CreateInput{Title: "Statuts", Body: "Article 1.\n\nArticle 2.\n", Summary: "début"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sheets.Save(ctx, w.anne, sh.Slug, sheet.SaveInput{Base: 1, Title: "Statuts", Body: "Article 1.\n\nArticle 2, revu.\n", Summary: "à côté"}); err != nil {
		t.Fatal(err)
	}
	if w.sh, err = st.SheetByID(ctx, sh.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.Conn(ctx).Exec(`INSERT INTO reviews (sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (?, 1, 'submitted', ?, ?)`,
		sh.ID, w.anne.ID, time.Now().UTC()).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.Conn(ctx).Raw(`SELECT id FROM reviews WHERE sheet_id = ?`, sh.ID).Row().Scan(&w.review); err != nil {
		t.Fatal(err)
	}
	return w
}

// typed makes a session's log, contributors and leader's text as two
// writers would.
func (w *amendWorld) typed(t *testing.T, session int64, text string) {
	t.Helper()
	last, err := w.svc.rows.appendUpdates(w.ctx, session, []pendingUpdate{{user: w.anne.ID, data: []byte("a")}, {user: w.anne.ID, data: []byte("b")}, {user: w.bruno.ID, data: []byte("c")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.rows.setText(w.ctx, session, last, text); err != nil {
		t.Fatal(err)
	}
}

// A sheet's own session and a review's amendment session are two rows:
// the amendment's starts from the reviewed revision, each opens again as
// itself, and neither is taken for the other when saving.
func TestAmendmentSessionIsItsOwn(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newAmendWorld(t, d)
		own, err := w.svc.rows.open(w.ctx, w.sh.ID, 0, w.sh.HeadNumber)
		if err != nil {
			t.Fatal(err)
		}
		amend, err := w.svc.rows.open(w.ctx, w.sh.ID, w.review, 1)
		if err != nil {
			t.Fatal(err)
		}
		if own.ID == amend.ID || own.ReviewID != 0 || amend.ReviewID != w.review || own.Base != 2 || amend.Base != 1 || amend.OriginBase != 1 {
			t.Fatalf("sessions: own %+v, amendment %+v", own, amend)
		}
		again, err := w.svc.rows.open(w.ctx, w.sh.ID, w.review, 2)
		if err != nil || again.ID != amend.ID || again.Base != 1 {
			t.Fatalf("the amendment session opened again: %+v, %v", again, err)
		}
		if again, err := w.svc.rows.open(w.ctx, w.sh.ID, 0, 2); err != nil || again.ID != own.ID {
			t.Fatalf("the sheet's session opened again: %+v, %v", again, err)
		}
		// A second row for either key is refused by the database itself.
		now := time.Now().UnixMilli()
		for _, review := range []any{nil, w.review} {
			if err := d.Conn(w.ctx).Exec(`INSERT INTO live_sessions (sheet_id, review_id, origin_base, base, created_at, updated_at) VALUES (?, ?, 1, 1, ?, ?)`,
				w.sh.ID, review, now, now).Error; err == nil {
				t.Errorf("a second session of review %v was stored", review)
			}
		}
		// The sheet's Info is its own session's.
		info, err := w.svc.Info(w.ctx, w.sh)
		if err != nil || info.Base != 2 {
			t.Fatalf("info: %+v, %v", info, err)
		}
		// Saving: the amendment session on the sheet's form and the
		// reverse are no session at all.
		if _, err := w.svc.SaveFrom(w.ctx, w.sh.ID, 0, amend.ID, &sheet.SaveInput{Base: 1}); !errors.Is(err, ErrNoSession) {
			t.Errorf("amendment session saved as the sheet's: %v", err)
		}
		if _, err := w.svc.SaveFrom(w.ctx, w.sh.ID, w.review, own.ID, &sheet.SaveInput{Base: 2}); !errors.Is(err, ErrNoSession) {
			t.Errorf("sheet session saved as an amendment: %v", err)
		}
		if _, err := w.svc.SaveFrom(w.ctx, w.sh.ID, w.review, amend.ID, &sheet.SaveInput{Base: 1}); err != nil {
			t.Errorf("amendment session: %v", err)
		}
		// What each follows: the head, or the review's revision.
		if n, err := w.svc.followed(w.ctx, w.sh.ID, 0); err != nil || n != 2 {
			t.Errorf("the sheet's session follows %d, %v", n, err)
		}
		if n, err := w.svc.followed(w.ctx, w.sh.ID, w.review); err != nil || n != 1 {
			t.Errorf("the amendment session follows %d, %v", n, err)
		}
	})
}

// The last leave of an amendment session saves it through Amend (the
// review's amendment, crediting both writers); when the review may no
// longer be amended, as a plain version of the sheet, text kept.
func TestAmendmentSessionSavedOnLastLeave(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newAmendWorld(t, d)
		var calls []string
		w.svc.SetAmend(func(ctx context.Context, author *model.User, reviewID int64, in sheet.SaveInput) (*model.Revision, error) {
			calls = append(calls, author.Username)
			if reviewID != w.review || in.Origin != model.OriginAmendment || in.Base != 1 || len(in.Coauthors) != 2 {
				t.Errorf("amend: review %d, %+v", reviewID, in)
			}
			res, err := w.sheets.Save(ctx, author, w.sh.Slug, in)
			if err != nil {
				return nil, err
			}
			return res.Revision, nil
		})
		amend, err := w.svc.rows.open(w.ctx, w.sh.ID, w.review, 1)
		if err != nil {
			t.Fatal(err)
		}
		w.typed(t, amend.ID, "Article 1, amendé.\n\nArticle 2.\n")
		if err := w.svc.finish(w.ctx, amend.ID, false); err != nil {
			t.Fatal(err)
		}
		if strings.Join(calls, ",") != "anne" {
			t.Fatalf("amend called by %v", calls)
		}
		rev, err := w.st.Revision(w.ctx, w.sh.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		// Merged onto the head: the sheet's revision 2 is kept.
		if rev.Origin != model.OriginAmendment || rev.Body != "Article 1, amendé.\n\nArticle 2, revu.\n" || !strings.HasPrefix(rev.Summary, "amendement co-écrit (examen n° ") {
			t.Fatalf("amendment: %+v", rev)
		}
		if co, err := w.st.Coauthors(w.ctx, []int64{rev.ID}); err != nil || len(co[rev.ID]) != 2 {
			t.Fatalf("coauthors: %v, %v", co, err)
		}
		if _, err := w.svc.rows.sessionByID(w.ctx, amend.ID); !isNoRows(err) {
			t.Fatalf("the session is still there: %v", err)
		}

		// The review closed meanwhile: nobody may amend it any more.
		calls = nil
		w.svc.SetAmend(func(_ context.Context, author *model.User, _ int64, _ sheet.SaveInput) (*model.Revision, error) {
			calls = append(calls, author.Username)
			return nil, ErrReviewGone
		})
		amend, err = w.svc.rows.open(w.ctx, w.sh.ID, w.review, 3)
		if err != nil {
			t.Fatal(err)
		}
		w.typed(t, amend.ID, "Article 1, amendé trop tard.\n\nArticle 2, revu.\n")
		if err := w.svc.finish(w.ctx, amend.ID, false); err != nil {
			t.Fatal(err)
		}
		if strings.Join(calls, ",") != "anne,bruno" {
			t.Fatalf("amend tried by %v", calls)
		}
		rev, err = w.st.Revision(w.ctx, w.sh.ID, 4)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Origin != model.OriginLive || rev.Body != "Article 1, amendé trop tard.\n\nArticle 2, revu.\n" || !strings.Contains(rev.Summary, "clos entre-temps") {
			t.Fatalf("kept text: %+v", rev)
		}
	})
}

func TestAmendSummary(t *testing.T) {
	if got := AmendSummary(4, []string{"Anne", "Bruno", "Chloé"}, false); got != "amendement co-écrit (examen n° 4) : Anne, Bruno et Chloé" {
		t.Error(got)
	}
	if got := AmendSummary(4, []string{"Anne"}, true); got != "amendement co-écrit, examen n° 4 clos entre-temps : Anne" {
		t.Error(got)
	}
}
