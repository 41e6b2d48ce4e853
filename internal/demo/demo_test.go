package demo_test

import (
	"context"
	"errors"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/demo"
	"atlas/internal/testutil"
)

func TestDemoLoadsALivingAtlas(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		atlas := apptest.New(t, d)
		st, sh, rv := atlas.Store, atlas.Sheets, atlas.Reviews
		accounts, err := demo.Load(ctx, st, atlas.Auth, sh, rv)
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 5 || accounts[0].Password == "" {
			t.Errorf("accounts = %+v", accounts)
		}
		garden, _ := st.SheetBySlug(ctx, "jardin-partage-du-bas-de-kerinou")
		if garden.PublishedNumber == nil || *garden.PublishedNumber != 2 {
			t.Errorf("the garden is not validated: %+v", garden)
		}
		places, _ := st.MapCards(ctx, "")
		if len(places) != 3 {
			t.Errorf("%d places on the map, want 3", len(places))
		}
		if _, err := demo.Load(ctx, st, atlas.Auth, sh, rv); !errors.Is(err, demo.ErrLoaded) {
			t.Errorf("second load: %v", err)
		}
	})
}
