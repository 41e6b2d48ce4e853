package search_test

import (
	"context"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/search"
	"atlas/internal/testutil"
)

// A body of about 900 KB whose words are all different, the largest the
// atlas accepts, indexes on both databases: its PostgreSQL vector, with a
// position per word, would pass the 1 MB a tsvector may hold. Every word
// stays findable, the title's, the body's first and its last.
func TestBodyOfDistinctWordsIsIndexed(t *testing.T) {
	body := testutil.DistinctWords(1, 900<<10) + "\n\nLe composteur termine la fiche."
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, s := range []string{
			`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'u', 'u@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 'hostile', 't', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if err := d.Conn(ctx).Exec(s).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := search.New(d)
		if err := s.Index(ctx, 1, "Gouvernance d'un jardin", body); err != nil {
			t.Fatal(err)
		}
		first := strings.Fields(body)[0]
		for _, q := range []string{"gouvernance", "jardin", first, "composteur"} {
			if hits, err := s.Search(ctx, q, 10); err != nil || len(hits) != 1 {
				t.Errorf("%q: %v %v", q, hits, err)
			}
		}
	})
}

// Words that fold into much longer ones (ﷺ is 3 bytes, its unaccented
// letters 33) can make the words alone pass what a PostgreSQL vector
// holds: the last ones are left out, and the sheet still indexes, found by
// its title and its first words.
func TestBodyOfExpandingWordsIsIndexed(t *testing.T) {
	words := strings.Fields(testutil.DistinctWords(4, 300<<10))
	for i, w := range words {
		words[i] = "ﷺﷺ" + strings.TrimSuffix(w, ".")
	}
	body := strings.Join(words, " ")
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, s := range []string{
			`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'u', 'u@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 'hostile', 't', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if err := d.Conn(ctx).Exec(s).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := search.New(d)
		if err := s.Index(ctx, 1, "Gouvernance", body); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"gouvernance", words[0]} {
			if hits, err := s.Search(ctx, q, 10); err != nil || len(hits) != 1 {
				t.Errorf("%q: %v %v", q, hits, err)
			}
		}
	})
}
