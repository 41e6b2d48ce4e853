package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// longSheet builds a sheet body of about size bytes in the template's
// shape: sections of paragraphs, one per line.
func longSheet(r *rand.Rand, size int) string {
	words := strings.Fields("le jardin partagé de Kerinou accueille les habitants du quartier chaque samedi pour semer récolter échanger des graines et réparer des vélos avec les bénévoles de l'association dont le conseil d'administration se réunit tous les mois à Brest")
	var b strings.Builder
	for p := 0; b.Len() < size; p++ {
		if p%8 == 0 {
			fmt.Fprintf(&b, "## Partie %d\n\n", p/8+1)
		}
		for range 40 + r.Intn(60) {
			b.WriteString(words[r.Intn(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("fin.\n\n")
	}
	return b.String()
}

// smallEdit changes one word somewhere in body.
func smallEdit(r *rand.Rand, body string, i int) string {
	at := r.Intn(len(body) - 10)
	for at < len(body) && body[at] != ' ' {
		at++
	}
	return body[:at] + fmt.Sprintf(" modifié%d", i) + body[at:]
}

type history struct {
	st     *store.Store
	sheet  *model.Sheet
	author *model.User
	bodies []string // bodies[n-1] is revision n's
}

func newHistory(t testing.TB, d *db.DB, slug string) *history {
	st := store.New(d)
	u := testutil.User(t, st, "auteur-"+slug, model.RoleContributor)
	now := time.Now().UTC()
	sh := &model.Sheet{Slug: slug, Title: "Jardin", CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSheet(context.Background(), sh); err != nil {
		t.Fatal(err)
	}
	return &history{st: st, sheet: sh, author: u}
}

func (h *history) add(t testing.TB, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	n := len(h.bodies) + 1
	r := &model.Revision{SheetID: h.sheet.ID, Number: n, AuthorID: h.author.ID, Origin: model.OriginEdit, Title: "Jardin",
		Body: body, Meta: model.Meta{Categories: []string{"jardin"}}, SHA256: hex.EncodeToString(sum[:]), Size: len(body), CreatedAt: time.Now().UTC()}
	if err := h.st.CreateRevision(context.Background(), r); err != nil {
		t.Fatalf("revision %d: %v", n, err)
	}
	h.bodies = append(h.bodies, body)
}

// T5: a thousand small edits of a 35 KB sheet cost well under a kilobyte
// per revision, every revision rebuilds to its own text from a store that
// has nothing in memory, and the hash is checked on every read.
func TestThousandSmallEditsAreCheap(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewSource(35))
		h := newHistory(t, d, "jardin-de-kerinou")
		body := longSheet(r, 35<<10)
		h.add(t, body)
		for i := range 999 {
			body = smallEdit(r, body, i)
			h.add(t, body)
		}

		var stored struct{ Content, Rows int64 }
		rowSize := "pg_column_size(revisions.*)"
		if d.Dialect == db.SQLite {
			rowSize = "length(title) + length(body) + COALESCE(length(data), 0) + length(meta) + length(sha256) + length(summary) + 64"
		}
		d.Conn(ctx).Raw(`SELECT SUM(length(body) + COALESCE(length(data), 0)) AS content, SUM(`+rowSize+`) AS rows
			FROM revisions WHERE sheet_id = ?`, h.sheet.ID).Scan(&stored)
		perRevision := float64(stored.Content) / 1000
		t.Logf("content %.0f B per revision, whole rows %.0f B (full copies would be %d B)", perRevision, float64(stored.Rows)/1000, len(body))
		if perRevision > 1024 || stored.Rows/1000 > 1024 {
			t.Errorf("%.0f B of content and %d B of row per revision, want at most 1 KB", perRevision, stored.Rows/1000)
		}

		cold := store.New(d) // nothing rebuilt yet: every chain is read
		slowest := time.Duration(0)
		for n := 1000; n >= 1; n-- {
			start := time.Now()
			rev, err := cold.Revision(ctx, h.sheet.ID, n)
			slowest = max(slowest, time.Since(start))
			if err != nil {
				t.Fatalf("revision %d: %v", n, err)
			}
			if rev.Body != h.bodies[n-1] {
				t.Fatalf("revision %d rebuilt to a different text", n)
			}
		}
		t.Logf("slowest rebuild from a cold store %v", slowest)
	})
}

// A walk through the history (exports) rebuilds every body and checks it.
func TestEachRevisionRebuildsEveryBody(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		r := rand.New(rand.NewSource(2))
		a, b := newHistory(t, d, "a"), newHistory(t, d, "b")
		bodyA, bodyB := longSheet(r, 4000), longSheet(r, 6000)
		for i := range 120 { // past two chain lengths, interleaved
			a.add(t, bodyA)
			b.add(t, bodyB)
			bodyA, bodyB = smallEdit(r, bodyA, i), smallEdit(r, bodyB, i)
		}
		for _, order := range []store.RevisionOrder{store.BySheet, store.ByID} {
			seen := 0
			err := store.New(d).EachRevision(context.Background(), order, func(list []model.Revision) error {
				for _, rev := range list {
					h := a
					if rev.SheetID == b.sheet.ID {
						h = b
					}
					if rev.Body != h.bodies[rev.Number-1] {
						return fmt.Errorf("order %d: sheet %d revision %d differs", order, rev.SheetID, rev.Number)
					}
					seen++
				}
				return nil
			})
			if err != nil || seen != 240 {
				t.Fatalf("order %d: %v after %d revisions", order, err, seen)
			}
		}
	})
}

// A revision whose stored content no longer matches its hash is an error,
// never a wrong text; and a hash that does not match the body is refused
// before anything is written.
func TestCorruptionIsAnError(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHistory(t, d, "grainotheque")
		h.add(t, "## Présentation\n\nUne grainothèque prête des semences.\n")

		bad := &model.Revision{SheetID: h.sheet.ID, Number: 2, AuthorID: h.author.ID, Origin: model.OriginEdit, Title: "Jardin",
			Body: "autre texte", SHA256: strings.Repeat("0", 64), Size: 11, CreatedAt: time.Now().UTC()}
		if err := h.st.CreateRevision(ctx, bad); !errors.Is(err, store.ErrCorruptRevision) {
			t.Fatalf("a revision with a wrong hash: %v", err)
		}

		// A row as a damaged disk or a bad hand restore could leave it:
		// its content says one thing, its hash another.
		sum := sha256.Sum256([]byte("le texte attendu"))
		err := d.Conn(ctx).Exec(`INSERT INTO revisions (sheet_id, number, author_id, origin, title, body, sha256, size, created_at, storage, keyframe, data)
			VALUES (?, 2, ?, 'edit', 'Jardin', '', ?, 16, ?, 'delta', 1, ?)`,
			h.sheet.ID, h.author.ID, hex.EncodeToString(sum[:]), time.Now().UTC(), []byte{1, 5, 10, 'a', 'u', 't', 'r', 'e'}).Error
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.New(d).Revision(ctx, h.sheet.ID, 2); !errors.Is(err, store.ErrCorruptRevision) {
			t.Fatalf("reading a damaged revision: %v", err)
		}
	})
}

// Revisions written before the storage migration keep their text in the
// body column, and later revisions chain onto them.
func TestPlainRevisionsStillRead(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHistory(t, d, "monnaie")
		first := "## Présentation\n\nUne monnaie locale circule entre Brest et Landerneau.\n"
		sum := sha256.Sum256([]byte(first))
		err := d.Conn(ctx).Exec(`INSERT INTO revisions (sheet_id, number, author_id, origin, title, body, sha256, size, created_at)
			VALUES (?, 1, ?, 'edit', 'Jardin', ?, ?, ?, ?)`, h.sheet.ID, h.author.ID, first, hex.EncodeToString(sum[:]), len(first), time.Now().UTC()).Error
		if err != nil {
			t.Fatal(err)
		}
		h.bodies = append(h.bodies, first)
		h.add(t, strings.Replace(first, "Landerneau", "Quimper", 1))
		cold := store.New(d)
		for n, want := range h.bodies {
			rev, err := cold.Revision(ctx, h.sheet.ID, n+1)
			if err != nil || rev.Body != want {
				t.Fatalf("revision %d: %v %q", n+1, err, rev.Body)
			}
		}
	})
}

// BenchmarkRebuild reads the last revision of a full chain from a store
// with nothing in memory: the worst case of T5 (≤ 30 ms).
func BenchmarkRebuild(b *testing.B) {
	for _, size := range []int{35 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			for _, dialect := range []string{"sqlite", "postgres"} {
				b.Run(dialect, func(b *testing.B) {
					d := testutil.NewSQLite(b)
					if dialect == "postgres" {
						d = testutil.NewPostgres(b)
					}
					r := rand.New(rand.NewSource(1))
					h := newHistory(b, d, "banc")
					body := longSheet(r, size)
					for i := range 50 { // one keyframe and 49 deltas
						h.add(b, body)
						body = smallEdit(r, body, i)
					}
					ctx := context.Background()
					for b.Loop() {
						if _, err := store.New(d).Revision(ctx, h.sheet.ID, 50); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
