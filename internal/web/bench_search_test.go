//go:build unix

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// matchWords end every large sheet: each query asks for a different set
// of them, so no answer comes from a cache.
var matchWords = []string{"gouvernance", "jardin", "semences", "quartier", "monnaie", "atelier", "compost", "potager",
	"école", "données", "habitants", "partage", "conseil", "décision", "ressources", "financement"}

// largeSheetsAtlas holds n sheets of about 878 KB of words all different,
// whose only words a reader would search for come last.
func largeSheetsAtlas(b *testing.B, d *db.DB, n int) *testAtlas {
	b.Helper()
	a := newTestAtlas(b, d)
	svc := sheet.NewService(a.store, nil)
	for i := 0; i < n; i++ {
		body := testutil.DistinctWords(100+i, 878<<10) + "\n\n" + strings.Join(matchWords, " ") + ".\n"
		if _, _, err := svc.Create(context.Background(), a.marie, sheet.CreateInput{Title: fmt.Sprintf("Fiche hostile %d", i), Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// BenchmarkSearchLargeSheets is issue 13's case: one anonymous search
// whose 60 hits are sheets of 878 KB, each query new. cpu-ms/op is the
// process's CPU time per search (the machine's other load aside), which
// on PostgreSQL leaves out the database's own.
func BenchmarkSearchLargeSheets(b *testing.B) {
	benchDialects(b, benchSearchLargeSheets)
}

func benchSearchLargeSheets(b *testing.B, d *db.DB) {
	a := largeSheetsAtlas(b, d, 60)
	b.ResetTimer()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		var q []string
		for j, w := range matchWords {
			if (i+1)&(1<<j) != 0 {
				q = append(q, w)
			}
		}
		resp, err := a.app.Test(httptest.NewRequest(http.MethodGet, "/api/v1/search?limit=100&q="+urlQuery(strings.Join(q, " ")), nil), -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("search: %v %v", err, resp)
		}
		closeBody(b, resp)
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
