package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// TestListRevisionsPagesTheHistory walks a history of seven revisions
// three at a time, outside and inside a transaction: every page holds the
// revisions' summaries as Revision reads them, newest first, and Next
// leads to the following page until the first revision.
func TestListRevisionsPagesTheHistory(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		h := newHistory(t, d, "pages")
		ctx := context.Background()
		for n := 1; n <= 7; n++ {
			body := fmt.Sprintf("version %d\n", n)
			sum := sha256.Sum256([]byte(body))
			r := &model.Revision{SheetID: h.sheet.ID, Number: n, AuthorID: h.author.ID, Origin: model.OriginEdit,
				Summary: fmt.Sprintf("étape %d", n), Minor: n%2 == 0, Title: fmt.Sprintf("Jardin %d", n), Body: body,
				SHA256: hex.EncodeToString(sum[:]), Size: len(body), CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
			if n > 1 {
				parent := n - 1
				r.Parent = &parent
			}
			if err := h.st.CreateRevision(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		walk := func(ctx context.Context) {
			t.Helper()
			var got []int
			before := 0
			for range 4 {
				page, err := h.st.ListRevisions(ctx, h.sheet.ID, before, 3)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page.Revisions {
					got = append(got, r.Number)
					full, err := h.st.Revision(ctx, h.sheet.ID, r.Number)
					if err != nil {
						t.Fatal(err)
					}
					full.Body, full.Meta = "", model.Meta{}
					if !reflect.DeepEqual(r, *full) {
						t.Errorf("summary of revision %d = %+v, want %+v", r.Number, r, *full)
					}
				}
				if before = page.Next; before == 0 {
					break
				}
			}
			if fmt.Sprint(got) != "[7 6 5 4 3 2 1]" {
				t.Errorf("pages walked %v", got)
			}
		}
		walk(ctx)
		err := h.st.WithTx(ctx, func(ctx context.Context) error {
			walk(ctx)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
