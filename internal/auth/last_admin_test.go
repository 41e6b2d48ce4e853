package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestLastAdminIsKept: an admin demoted by another cannot, from a page
// loaded before, demote that other in turn: the atlas would be left
// without an admin.
func TestLastAdminIsKept(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		anne := testutil.User(t, st, "anne", model.RoleAdmin)
		bruno := testutil.User(t, st, "bruno", model.RoleAdmin)
		if err := svc.SetRole(ctx, anne, bruno.ID, model.RoleContributor, false); err != nil {
			t.Fatal(err)
		}
		// bruno still holds the admin he was when his page loaded.
		for _, disabled := range []bool{false, true} {
			if err := svc.SetRole(ctx, bruno, anne.ID, model.RoleContributor, disabled); !errors.Is(err, auth.ErrLastAdmin) {
				t.Errorf("the last admin demoted (disabled %v): %v, want ErrLastAdmin", disabled, err)
			}
		}
		if err := svc.SetRole(ctx, bruno, anne.ID, model.RoleAdmin, true); !errors.Is(err, auth.ErrLastAdmin) {
			t.Errorf("the last admin disabled: %v, want ErrLastAdmin", err)
		}
		// With a third admin, bruno is refused all the same: he is no
		// longer one.
		carla := testutil.User(t, st, "carla", model.RoleAdmin)
		if err := svc.SetRole(ctx, bruno, carla.ID, model.RoleContributor, false); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a demoted admin changed a role: %v, want ErrForbidden", err)
		}
		if n := activeAdmins(t, st); n != 2 {
			t.Errorf("%d active admins, want 2", n)
		}
	})
}

// TestAdminsDemotingEachOtherAtOnce races admins demoting or disabling
// each other, many times, on both databases: at least one admin is always
// left, and each refusal is ErrLastAdmin or ErrForbidden.
func TestAdminsDemotingEachOtherAtOnce(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		rounds := 15
		if testing.Short() {
			rounds = 3
		}
		for round := range rounds {
			// Two or three admins, each turning on the next.
			n := 2 + round%2
			admins := make([]*model.User, n)
			for i := range admins {
				admins[i] = testutil.User(t, st, fmt.Sprintf("admin-%d-%d", round, i), model.RoleAdmin)
			}
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range admins {
				wg.Go(func() {
					<-start
					target := admins[(i+1)%n]
					errs[i] = svc.SetRole(ctx, admins[i], target.ID, model.RoleContributor, round%3 == 0)
				})
			}
			close(start)
			wg.Wait()
			succeeded := 0
			for i, err := range errs {
				switch {
				case err == nil:
					succeeded++
				case !errors.Is(err, auth.ErrLastAdmin) && !errors.Is(err, auth.ErrForbidden):
					t.Fatalf("round %d: admin %d: %v", round, i, err)
				}
			}
			if left := activeAdmins(t, st); left < 1 || succeeded == 0 || succeeded == n {
				t.Fatalf("round %d: %d of %d changes passed, %d active admins left", round, succeeded, n, left)
			}
			// Out of the way: each round counts its own admins only.
			for _, u := range admins {
				if err := st.UpdateUserRole(ctx, u.ID, model.RoleContributor, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func activeAdmins(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	err := st.WithTx(context.Background(), func(ctx context.Context) error {
		ids, err := st.LockActiveAdmins(ctx)
		n = len(ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
