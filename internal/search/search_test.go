package search_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/search"
	"atlas/internal/testutil"
)

// docs are indexed by id; both backends must answer every query the same.
var docs = map[int64][2]string{
	1: {"Jardin partagé de Recouvrance", "Le potager est gouverné par une assemblée mensuelle des voisins."},
	2: {"Grainothèque de l'école Jean Moulin", "Les élèves échangent des semences paysannes."},
	3: {"Monnaie locale", "Une association gère la gouvernance de la monnaie et ses partenariats avec les commerces."},
	4: {"Hébergeur associatif", "Services libres ; le jardin numérique de l'association."},
}

func TestSearchBehaviour(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Search rows reference sheets: make bare ones.
		for id := range docs {
			if err := d.Conn(ctx).Exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) SELECT 1, 'u', 'u@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = 1)`).Error; err != nil {
				t.Fatal(err)
			}
			if err := d.Conn(ctx).Exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (?, ?, 't', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, id, "s"+strconv.FormatInt(id, 10)).Error; err != nil {
				t.Fatal(err)
			}
		}
		s := search.New(d)
		for id, doc := range docs {
			if err := s.Index(ctx, id, doc[0], doc[1]); err != nil {
				t.Fatal(err)
			}
		}
		// Re-indexing replaces: the old words no longer match.
		if err := s.Index(ctx, 4, "Hébergeur associatif", "Services libres ; le jardin numérique de l'association."); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			query  string
			want   []int64
			ranked bool // want[0] must come first
		}{
			{"gouvernance", []int64{3, 1}, false}, // "gouvernance" and "gouverné" share a stem
			{"gouverné", []int64{3, 1}, false},    // and the other way round
			{"ecole", []int64{2}, false},          // accents do not matter
			{"ÉCOLE", []int64{2}, false},          // nor case
			{"semence", []int64{2}, false},        // singular finds plural
			{"jardin", []int64{1, 4}, true},       // the title weighs more than the body
			{"jardin potager", []int64{1}, false}, // every word must match
			{"inexistant", nil, false},
			{"", nil, false},
			{"   ;;; ", nil, false},
			{`"' OR 1=1 --`, nil, false},                           // quotes and SQL are just words
			{"jardin NEAR( potager", nil, false},                   // FTS5 syntax is just words too
			{strings.Repeat("jardin ", 200), []int64{1, 4}, false}, // long queries are cut, not refused
		}
		for _, tt := range tests {
			hits, err := s.Search(ctx, tt.query, 10)
			if err != nil {
				t.Errorf("%q: %v", tt.query, err)
				continue
			}
			var got []int64
			for _, h := range hits {
				got = append(got, h.SheetID)
			}
			if !sameSet(got, tt.want) {
				t.Errorf("%q: got %v, want %v", tt.query, got, tt.want)
				continue
			}
			if tt.ranked && got[0] != tt.want[0] {
				t.Errorf("%q: ranked %v, want %d first", tt.query, got, tt.want[0])
			}
		}
	})
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}

func TestTerms(t *testing.T) {
	for in, want := range map[string]string{
		"Gouvernance":           "gouvern",
		"gouverné":              "gouvern",
		"écoles":                "ecol",
		"L'hébergeur, associés": "l hebergeur assoc",
	} {
		if got := strings.Join(search.Terms(in), " "); got != want {
			t.Errorf("Terms(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnippetMarksMatches(t *testing.T) {
	body := strings.Repeat("Du texte sans rapport. ", 20) + "Le conseil est **gouverné** par ses membres. " + strings.Repeat("Encore du texte. ", 20)
	segs := search.Snippet(body, "gouvernance", 80)
	var b strings.Builder
	marked := 0
	for _, s := range segs {
		if s.Match {
			marked++
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	out := b.String()
	if marked != 1 || !strings.Contains(out, "[gouverné]") || !strings.HasPrefix(out, "… ") || !strings.HasSuffix(out, " …") || strings.Contains(out, "**") {
		t.Errorf("snippet = %q", out)
	}
}

// A very long sheet indexes whole on both databases (PostgreSQL clamps
// positions past 16,383 and keeps 256 per word), and stays findable by
// its last words.
func TestLongSheetIsIndexed(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, s := range []string{
			`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'u', 'u@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 'long', 't', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
		} {
			if err := d.Conn(ctx).Exec(s).Error; err != nil {
				t.Fatal(err)
			}
		}
		body := strings.Repeat("Les voisins cultivent le jardin partagé. ", 4000) + "Un composteur collectif termine la fiche."
		s := search.New(d)
		if err := s.Index(ctx, 1, "Fiche très longue", body); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"composteur", "jardin", "longue"} {
			hits, err := s.Search(ctx, q, 10)
			if err != nil || len(hits) != 1 {
				t.Errorf("%q: %v %v", q, hits, err)
			}
		}
	})
}
