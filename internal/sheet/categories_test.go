package sheet_test

import (
	"slices"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// Categories are a set: the order they are ticked or sent in is no change.
func TestCategoriesAreASet(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, rev, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin,
			Meta: &model.Meta{Categories: []string{"semences", "numerique", "jardins-nature"}}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"numerique", "jardins-nature", "semences"}; !slices.Equal(rev.Meta.Categories, want) {
			t.Fatalf("stored categories %q, want the atlas's order %q", rev.Meta.Categories, want)
		}
		res, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: jardin,
			Meta: &model.Meta{Categories: []string{"jardins-nature", "semences", "numerique"}}})
		if err != nil || !res.Unchanged {
			t.Fatalf("reordered categories: %+v %v, want unchanged", res, err)
		}
		// One person reorders the categories and edits the subtitle, the
		// other adds a category: both survive, no conflict.
		if _, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: jardin,
			Meta: &model.Meta{Subtitle: "Brest", Categories: []string{"semences", "jardins-nature", "numerique"}}}); err != nil {
			t.Fatal(err)
		}
		res, err = e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: jardin,
			Meta: &model.Meta{Categories: []string{"numerique", "jardins-nature", "semences", "alimentation"}}})
		if err != nil || !res.Merged {
			t.Fatalf("merge: %+v %v", res, err)
		}
		if m := res.Revision.Meta; m.Subtitle != "Brest" || !slices.Equal(m.Categories, []string{"numerique", "jardins-nature", "semences", "alimentation"}) {
			t.Errorf("merged meta %+v", m)
		}
	})
}

// A revision stored before categories were ordered compares as a set too.
func TestMetaChangesIgnoreCategoryOrder(t *testing.T) {
	a := model.Meta{Categories: []string{"semences", "numerique"}, Licence: model.DefaultLicence}
	b := model.Meta{Categories: []string{"numerique", "semences"}, Licence: model.DefaultLicence}
	if ch := sheet.MetaChanges(a, b); len(ch) != 0 {
		t.Errorf("reordering listed as %+v", ch)
	}
	b.Categories = append(b.Categories, "mobilite")
	if ch := sheet.MetaChanges(a, b); len(ch) != 1 || ch[0].Field != "categories" {
		t.Errorf("added category listed as %+v", ch)
	}
}
