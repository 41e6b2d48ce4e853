package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"atlas/internal/db"
	"atlas/internal/sheet"
)

// BenchmarkHistoryPage renders the history page (50 rows) of a sheet with
// 1,000 revisions: the per-request cost behind the T2 load figure.
func BenchmarkHistoryPage(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		a := newTestAtlas(b, d)
		svc := sheet.NewService(a.store, nil)
		ctx := context.Background()
		sh, _, err := svc.Create(ctx, a.marie, sheet.CreateInput{Title: "Profonde", Body: "v0"})
		if err != nil {
			b.Fatal(err)
		}
		for n := 1; n < 1000; n++ {
			if _, err := svc.Save(ctx, a.marie, sh.Slug, sheet.SaveInput{Base: n, Title: "Profonde", Body: fmt.Sprintf("v%d", n), Summary: "étape"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			resp, err := a.app.Test(httptest.NewRequest(http.MethodGet, "/sheets/"+sh.Slug+"/history", nil), -1)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			resp.Body.Close()
		}
	})
}
