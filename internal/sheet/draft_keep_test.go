package sheet_test

import (
	"errors"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// A text kept through login never replaces a draft the account holds.
func TestKeepExistingNeverReplacesADraft(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Jardin", Body: "texte"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "le mien"}, sheet.DraftOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "un autre"}, sheet.DraftOptions{KeepExisting: true})
		if !errors.Is(err, sheet.ErrDraftExists) {
			t.Fatalf("over an existing draft: %v, want ErrDraftExists", err)
		}
		if got, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); err != nil || got.Body != "le mien" {
			t.Errorf("the existing draft: %v %+v", err, got)
		}
		// Where there is none, it is kept.
		if _, err := e.svc.PutDraft(e.ctx, e.yann, sh.Slug, sheet.DraftInput{Base: 1, Body: "un autre"}, sheet.DraftOptions{KeepExisting: true}); err != nil {
			t.Errorf("first draft: %v", err)
		}
	})
}

// "Another licence" not named yet is half typed: a draft keeps it.
func TestDraftKeepsAnUnnamedOtherLicence(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		got, err := e.svc.PutDraft(e.ctx, e.marie, "", sheet.DraftInput{Body: "x", Meta: model.Meta{Licence: " " + sheet.LicenceOther}}, sheet.DraftOptions{})
		if err != nil {
			t.Fatalf("draft with an unnamed other licence: %v", err)
		}
		if got.Meta.Licence != sheet.LicenceOther {
			t.Errorf("licence %q, want %q", got.Meta.Licence, sheet.LicenceOther)
		}
		// A revision still needs the name.
		if _, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "T", Body: "x", Meta: &model.Meta{Licence: sheet.LicenceOther}}); err == nil {
			t.Error("a revision with an unnamed licence was saved")
		}
	})
}
