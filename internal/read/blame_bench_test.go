package read_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// benchBody is a body of about n bytes in the template's shape, one
// paragraph per line so each revision can change one.
func benchBody(n int) []string {
	var paras []string
	size := 0
	for i := 0; size < n; i++ {
		p := fmt.Sprintf("Paragraphe %d : les membres du commun se retrouvent au jardin pour partager graines et savoirs.\n\n", i)
		if i%10 == 0 {
			p = fmt.Sprintf("## Section %d\n\n", i/10) + p
		}
		paras = append(paras, p)
		size += len(p)
	}
	return paras
}

// deepHistory inserts revisions revisions of a 50 KB sheet through the
// store (each computing its attribution, as a save does), twenty authors
// taking turns, each revision rewriting one paragraph.
func deepHistory(b *testing.B, d *db.DB, revisions int) (*store.Store, *model.Sheet) {
	b.Helper()
	ctx := context.Background()
	st := store.New(d)
	var authors []*model.User
	for i := range 20 {
		authors = append(authors, testutil.User(b, st, fmt.Sprintf("auteur%d", i), model.RoleContributor))
	}
	now := time.Now().UTC()
	sh := &model.Sheet{Slug: "profonde", Title: "Profonde", CreatedBy: authors[0].ID, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSheet(ctx, sh); err != nil {
		b.Fatal(err)
	}
	paras := benchBody(50 << 10)
	for n := 1; n <= revisions; n++ {
		if n > 1 {
			k := (n * 7919) % len(paras)
			// The paragraph's last words rewritten: the body stays near
			// 50 KB, as a sheet's does however long its history.
			head, _, _ := strings.Cut(paras[k], " savoirs")
			paras[k] = head + fmt.Sprintf(" savoirs, revus en version %d.\n\n", n)
		}
		body := strings.Join(paras, "")
		rev := &model.Revision{SheetID: sh.ID, Number: n, AuthorID: authors[n%len(authors)].ID, Summary: fmt.Sprintf("version %d", n),
			Origin: model.OriginEdit, Title: "Profonde", Body: body, SHA256: sha(body), Size: len(body), CreatedAt: now}
		if n > 1 {
			p := n - 1
			rev.Parent = &p
		}
		if err := st.WithTx(ctx, func(ctx context.Context) error { return st.CreateRevision(ctx, rev) }); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.AdvanceHead(ctx, sh.ID, 0, revisions, "Profonde", now); err != nil {
		b.Fatal(err)
	}
	sh, err := st.SheetBySlug(ctx, sh.Slug)
	if err != nil {
		b.Fatal(err)
	}
	return st, sh
}

// BenchmarkBlame50KB10000Revisions is a blame as the server computes it
// when nothing is cached: the head of a 50 KB sheet with 10,000
// revisions, read (attribution, body, revisions named, authors) and
// encoded as JSON. The target is 20 ms.
func BenchmarkBlame50KB10000Revisions(b *testing.B) {
	benchDialects(b, func(b *testing.B, d *db.DB) {
		start := time.Now()
		st, sh := deepHistory(b, d, benchDepth())
		b.Logf("history of %d revisions inserted in %v", sh.HeadNumber, time.Since(start).Round(time.Millisecond))
		r := read.New(st)
		ctx := context.Background()
		var durations []time.Duration
		for b.Loop() {
			t0 := time.Now()
			bl, err := r.Blame(ctx, sh, sh.HeadNumber)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := json.Marshal(bl.Passages); err != nil {
				b.Fatal(err)
			}
			durations = append(durations, time.Since(t0))
		}
		reportPercentiles(b, durations)
	})
}

func reportPercentiles(b *testing.B, durations []time.Duration) {
	if len(durations) == 0 {
		return
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*95/100].Microseconds())/1000, "p95-ms")
}

func benchDialects(b *testing.B, fn func(b *testing.B, d *db.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, testutil.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, testutil.NewPostgres(b)) })
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// benchDepth is the history's length: 10,000, or ATLAS_BENCH_DEPTH.
func benchDepth() int {
	if n, err := strconv.Atoi(os.Getenv("ATLAS_BENCH_DEPTH")); err == nil && n > 0 {
		return n
	}
	return 10000
}
