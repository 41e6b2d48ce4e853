package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// TestAdminsDemotingEachOtherKeepOne: two admins each post the other's
// demotion at the same moment, several times, on both databases; the
// atlas keeps an admin, and the refused one reads why (or, arriving after
// the other's demotion, is no admin any more).
func TestAdminsDemotingEachOtherKeepOne(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		// The fixture's admin steps aside: the two of each round are the
		// atlas's only admins.
		if err := a.store.UpdateUserRole(t.Context(), a.admin.ID, model.RoleContributor, true); err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			users := []*model.User{
				testutil.User(t, a.store, fmt.Sprintf("anne%d", round), model.RoleAdmin),
				testutil.User(t, a.store, fmt.Sprintf("bruno%d", round), model.RoleAdmin),
			}
			answers := make([]response, 2)
			var wg sync.WaitGroup
			for i, u := range users {
				b, csrf := sessionBrowser(t, a, u)
				other := users[1-i]
				wg.Go(func() {
					answers[i] = postForm(b, fmt.Sprintf("/admin/users/%d", other.ID), csrf, url.Values{"role": {"contributor"}})
				})
			}
			wg.Wait()
			admins := 0
			for _, u := range users {
				if got, err := a.store.UserByID(t.Context(), u.ID); err == nil && got.IsAdmin() && !got.Disabled {
					admins++
				}
			}
			passed := 0
			for _, r := range answers {
				switch r.status {
				case http.StatusSeeOther:
					passed++
				case http.StatusForbidden:
					// Arrived once the other's demotion was done: no
					// longer an admin.
				case http.StatusConflict:
					if !strings.Contains(html.UnescapeString(string(r.body)), i18n.T("fr", "error.last_admin")) {
						t.Errorf("round %d: the refusal does not say why: %.300s", round, r.body)
					}
				default:
					t.Errorf("round %d: answer %d: %.300s", round, r.status, r.body)
				}
			}
			if admins != 1 || passed != 1 {
				t.Fatalf("round %d: %d demotions passed, %d admins left; want 1 and 1", round, passed, admins)
			}
			for _, u := range users {
				if err := a.store.UpdateUserRole(t.Context(), u.ID, model.RoleContributor, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
