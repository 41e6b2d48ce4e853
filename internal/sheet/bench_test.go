package sheet_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// benchDialects runs a benchmark on SQLite, and on PostgreSQL when it
// answers.
func benchDialects(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testutil.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testutil.NewPostgres(b)) })
}

// sheetOfSize builds a body of about n bytes in the template's shape, one
// paragraph per line so each save can change one.
func sheetOfSize(n int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < n; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&sb, "## Section %d\n\n", i/10)
		}
		fmt.Fprintf(&sb, "Paragraphe %d : les membres du commun se retrouvent au jardin pour partager graines et savoirs.\n\n", i)
	}
	return sb.String()
}

// BenchmarkSave20KB saves edits of a 20 KB sheet from its head, the common
// case, with synchronous commits. It reports the median and p95 latency.
func BenchmarkSave20KB(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		st := store.New(d)
		svc := sheet.NewService(st, nil)
		u := testutil.User(b, st, "bench", model.RoleContributor)
		ctx := context.Background()
		body := sheetOfSize(20 << 10)
		sh, _, err := svc.Create(ctx, u, sheet.CreateInput{Title: "Banc d'essai", Body: body})
		if err != nil {
			b.Fatal(err)
		}
		durations := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			next := strings.Replace(body, fmt.Sprintf("Paragraphe %d ", i%100), fmt.Sprintf("Paragraphe %d (v%d) ", i%100, i), 1)
			start := time.Now()
			res, err := svc.Save(ctx, u, sh.Slug, sheet.SaveInput{Base: i + 1, Title: "Banc d'essai", Body: next, Summary: "essai"})
			durations = append(durations, time.Since(start))
			if err != nil || res.Unchanged {
				b.Fatalf("save %d: %v %+v", i, err, res)
			}
			body = next
		}
		b.StopTimer()
		reportPercentiles(b, durations)
	})
}

// BenchmarkSaveStale20KB saves from a base up to ten revisions behind the
// head, so every save goes through the three-way merge.
func BenchmarkSaveStale20KB(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		st := store.New(d)
		svc := sheet.NewService(st, nil)
		u := testutil.User(b, st, "bench", model.RoleContributor)
		ctx := context.Background()
		sh, _, err := svc.Create(ctx, u, sheet.CreateInput{Title: "Banc d'essai", Body: sheetOfSize(20 << 10)})
		if err != nil {
			b.Fatal(err)
		}
		durations := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// Each save edits a paragraph no save of the last ten touched.
			baseNumber := max(1, i+1-10)
			baseRev, err := st.Revision(ctx, sh.ID, baseNumber)
			if err != nil {
				b.Fatal(err)
			}
			mine := strings.Replace(baseRev.Body, fmt.Sprintf("Paragraphe %d ", i%150), fmt.Sprintf("Paragraphe %d (v%d) ", i%150, i), 1)
			start := time.Now()
			_, err = svc.Save(ctx, u, sh.Slug, sheet.SaveInput{Base: baseNumber, Title: "Banc d'essai", Body: mine})
			durations = append(durations, time.Since(start))
			if err != nil {
				b.Fatalf("save %d: %v", i, err)
			}
		}
		b.StopTimer()
		reportPercentiles(b, durations)
	})
}

func reportPercentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkHistoryPageDepth10000 reads 50 history rows from the middle of a
// 10,000-revision sheet: a keyset walk must cost what the first page does.
func BenchmarkHistoryPageDepth10000(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		st := store.New(d)
		ctx := context.Background()
		u := testutil.User(b, st, "bench", model.RoleContributor)
		sh, _, err := sheet.NewService(st, nil).Create(ctx, u, sheet.CreateInput{Title: "Profond", Body: "v1"})
		if err != nil {
			b.Fatal(err)
		}
		// Bulk history written directly: the benchmark measures reading it.
		err = st.WithTx(ctx, func(ctx context.Context) error {
			now := time.Now().UTC()
			batch := make([]model.Revision, 0, 1000)
			for n := 2; n <= 10000; n++ {
				parent := n - 1
				batch = append(batch, model.Revision{SheetID: sh.ID, Number: n, Parent: &parent, AuthorID: u.ID, Summary: "modif",
					Origin: model.OriginEdit, Title: "Profond", Body: fmt.Sprintf("v%d", n), SHA256: "x", Size: 4, CreatedAt: now})
				if len(batch) == cap(batch) || n == 10000 {
					if err := d.Conn(ctx).CreateInBatches(batch, 500).Error; err != nil {
						return err
					}
					batch = batch[:0]
				}
			}
			return st.AdvanceHead(ctx, sh.ID, 1, 10000, "Profond", now)
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			page, err := st.ListRevisions(ctx, sh.ID, 5000-(i%4000), 50)
			if err != nil || len(page.Revisions) != 50 {
				b.Fatalf("page: %v %d", err, len(page.Revisions))
			}
		}
	})
}
