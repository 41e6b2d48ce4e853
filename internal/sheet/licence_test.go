package sheet_test

import (
	"errors"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

func TestLicenceIsAChoice(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		for in, want := range map[string]string{
			"":                    "CC-BY-SA-4.0",
			"CC-BY-4.0":           "CC-BY-4.0",
			"cc by 4.0":           "CC-BY-4.0",
			"CC0-1.0":             "CC0-1.0",
			"etalab-2.0":          "etalab-2.0",
			"Licence Ouverte 2.0": "etalab-2.0",
			" CC BY-SA 4.0 ":      "CC-BY-SA-4.0",
			"Art Libre 1.3":       "Art Libre 1.3", // another licence, as typed
			"Tous droits réservés, voir l'association": "Tous droits réservés, voir l'association",
		} {
			_, rev, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Licence " + in, Body: "x", Meta: &model.Meta{Licence: in}})
			if err != nil || rev.Meta.Licence != want {
				t.Errorf("licence %q: stored %v (%v), want %q", in, rev, err, want)
			}
		}
		// "other" with no name names no licence: refused, nothing stored.
		_, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Sans nom", Body: "x", Meta: &model.Meta{Licence: sheet.LicenceOther}})
		var invalid *sheet.InvalidError
		if !errors.As(err, &invalid) || invalid.Field != "meta.licence" {
			t.Errorf("bare other: %v", err)
		}
		if _, err := e.store.SheetBySlug(e.ctx, "sans-nom"); err == nil {
			t.Errorf("a refused sheet was stored")
		}
	})
}

// A sheet written when the licence was free text loads and saves again
// with its licence untouched.
func TestFreeTextLicenceStillSaves(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		// Free text was stored as typed (revisions are append-only: the
		// old sheet is made the way it was then).
		legacy := "libre de droits (voir avec Marie)"
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Ancienne", Body: "x", Meta: &model.Meta{Licence: legacy}})
		if err != nil {
			t.Fatal(err)
		}
		head, err := e.store.Revision(e.ctx, sh.ID, 1)
		if err != nil || head.Meta.Licence != legacy {
			t.Fatalf("legacy licence %v %v", head, err)
		}
		m := head.Meta
		res, err := e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Ancienne", Body: "x y", Meta: &m})
		if err != nil || res.Revision.Meta.Licence != legacy {
			t.Errorf("re-save: %+v %v", res, err)
		}
		if got := sheet.LicenceFromForm("other", "  Art Libre  "); got != "Art Libre" {
			t.Errorf("form other = %q", got)
		}
		if got := sheet.LicenceFromForm("other", " "); got != sheet.LicenceOther {
			t.Errorf("form other without a name = %q", got)
		}
		if got := sheet.LicenceFromForm("CC0-1.0", "ignored"); got != "CC0-1.0" {
			t.Errorf("form choice = %q", got)
		}
	})
}
