package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"syscall"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

var benchWords = []string{"jardin", "semences", "association", "gouvernance", "quartier", "monnaie", "réemploi", "atelier",
	"bénévoles", "partage", "outils", "école", "cartographie", "données", "habitants", "compost", "potager", "numérique",
	"hébergement", "tiers-lieu", "conseil", "décision", "ressources", "communauté", "financement", "partenariat"}

// benchAtlas fills an atlas with n generated sheets through the real
// service, so cards and the search index are those production builds.
func benchAtlas(b *testing.B, d *db.DB, n int) *testAtlas {
	b.Helper()
	a := newTestAtlas(b, d)
	svc := sheet.NewService(a.store, nil)
	ctx := context.Background()
	err := a.store.WithTx(ctx, func(ctx context.Context) error {
		for i := 0; i < n; i++ {
			body := fmt.Sprintf("## La communauté\n\nLe commun %d réunit des %s autour du %s.\n\n## Les ressources\n\nUn %s, des %s et un %s partagé.\n\n## La gouvernance\n\nLa %s se fait en %s.\n",
				i, benchWords[i%26], benchWords[(i*7)%26], benchWords[(i*3)%26], benchWords[(i*5)%26], benchWords[(i*11)%26], benchWords[(i*13)%26], benchWords[(i*17)%26])
			meta := &model.Meta{Categories: []string{sheet.Categories[i%len(sheet.Categories)].Slug},
				Place: &model.Place{Name: fmt.Sprintf("Lieu %d", i), Lat: 48.3 + float64(i%100)/500, Lon: -4.6 + float64(i/100)/500}}
			if _, _, err := svc.Create(ctx, a.marie, sheet.CreateInput{Title: fmt.Sprintf("Commun %d : %s %s", i, benchWords[i%26], benchWords[(i+5)%26]), Body: body, Meta: meta}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

func benchDialects(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testutil.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testutil.NewPostgres(b)) })
}

// cpuPerOp reports the process's CPU time (user and system, every
// goroutine, the collector's included) per iteration beside the wall time:
// on a machine shared with other work, wall time per op moves by a factor
// of two between runs while CPU time per op stays within a few percent.
// Call it as `defer cpuPerOp(b)()` before the loop.
func cpuPerOp(b *testing.B) func() {
	start := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op") }
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func p95(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkSearch5000 asks for the top 20 with snippets among 5,000 sheets.
func BenchmarkSearch5000(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		a := benchAtlas(b, d, 5000)
		queries := []string{"gouvernance", "jardin partagé", "semences", "école", "monnaie quartier", "compost"}
		var times []time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			resp, err := a.app.Test(httptest.NewRequest(http.MethodGet, "/api/v1/search?limit=20&q="+urlQuery(queries[i%len(queries)]), nil), -1)
			times = append(times, time.Since(start))
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("search: %v %v", err, resp)
			}
			closeBody(b, resp)
		}
		b.StopTimer()
		p95(b, times)
	})
}

// BenchmarkMapGeoJSON5000 builds the map of 5,000 placed sheets.
func BenchmarkMapGeoJSON5000(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		a := benchAtlas(b, d, 5000)
		var times []time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			resp, err := a.app.Test(httptest.NewRequest(http.MethodGet, "/map.geojson", nil), -1)
			times = append(times, time.Since(start))
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("geojson: %v", err)
			}
			closeBody(b, resp)
		}
		b.StopTimer()
		p95(b, times)
	})
}

func urlQuery(s string) string { return url.QueryEscape(s) }
