package stress_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // settle talks to PostgreSQL
)

// The data of the hostile suite, written as Markdown files and loaded with
// `atlas import` while no server runs: seeding goes through no HTTP route,
// so no rate limit a fix adds can stand in its way.

const (
	readerSheets  = 4
	searchSheets  = 60
	searchBytes   = 600_000   // each large sheet of the search attack
	diffBytes     = 1_000_000 // each side of the diff attack (a sheet holds 1 MiB at most)
	intruderName  = "intrus"  // the attacking account of the comment and stream attacks
	hostileImport = "archiviste"
)

// commonWords appear in every large sheet: searching for them matches all
// sixty.
var commonWords = []string{"jardin", "quartier", "atelier", "partage", "voisins", "marché", "rivière", "bibliothèque"}

// hostileFixture is one database's accounts and sheets. The large sheets
// are imported on first use, so running one attack alone does not pay
// for the others' data.
type hostileFixture struct {
	d             database
	dir           string
	readSlugs     []string
	writers       []writerAccount
	intruderToken string
	commentSlug   string
	mapSlug       string
	diffSlug      string // set once the diff sheet is imported
	searchSeeded  bool
}

func newHostileFixture(t *testing.T, d database) *hostileFixture {
	t.Helper()
	fx := &hostileFixture{d: d, dir: t.TempDir(), commentSlug: "fiche-commentee", mapSlug: "fiche-sur-la-carte"}
	d.account(t, hostileImport)
	fx.intruderToken = d.account(t, intruderName)
	var files []string
	for i := 0; i < readerSheets; i++ {
		slug := fmt.Sprintf("fiche-lue-%d", i)
		fx.readSlugs = append(fx.readSlugs, slug)
		files = append(files, fx.sheetFile(t, slug, fmt.Sprintf("Fiche lue %d", i), prose(uint64(i), 20_000), ""))
	}
	for w := 0; w < hostileWriters; w++ {
		acc := writerAccount{name: fmt.Sprintf("redactrice-%d", w), slug: fmt.Sprintf("fiche-ecrite-%d", w)}
		acc.prefix = acc.name + " : "
		acc.token = d.account(t, acc.name)
		fx.writers = append(fx.writers, acc)
		body := "## Ce qui change\n\n" + acc.prefix + "version initiale\n\n" + prose(uint64(100+w), 20_000)
		files = append(files, fx.sheetFile(t, acc.slug, "Fiche écrite "+acc.name, body, ""))
	}
	files = append(files,
		fx.sheetFile(t, fx.commentSlug, "Fiche commentée", prose(200, 20_000), ""),
		fx.sheetFile(t, fx.mapSlug, "Fiche sur la carte", prose(201, 2_000),
			"place:\n  name: \"Recouvrance\"\n  address: \"\"\n  lat: 48.383\n  lon: -4.497\n"))
	d.run(t, "", append([]string{"import", "--as", hostileImport}, files...)...)
	return fx
}

// readerPaths are the pages the steady readers read.
func (fx *hostileFixture) readerPaths() []string {
	paths := make([]string, len(fx.readSlugs))
	for i, s := range fx.readSlugs {
		paths[i] = "/sheets/" + s
	}
	return paths
}

// seedSearch imports the sixty large sheets of the search attack.
func (fx *hostileFixture) seedSearch(t *testing.T) {
	if fx.searchSeeded {
		return
	}
	began := time.Now()
	files := make([]string, searchSheets)
	for i := range files {
		files[i] = fx.sheetFile(t, fmt.Sprintf("grande-fiche-%02d", i), fmt.Sprintf("Grande fiche %02d", i), prose(uint64(1000+i), searchBytes), "")
	}
	fx.d.runWithin(t, 5*time.Minute, "", append([]string{"import", "--as", hostileImport}, files...)...)
	fx.searchSeeded = true
	t.Logf("%d sheets of %d KB imported in %v", searchSheets, searchBytes/1000, time.Since(began).Round(time.Millisecond))
}

// seedDiff imports a sheet whose two revisions are about 1 MB each and
// differ on one line in twenty-five: a diff page of hundreds of hunks.
func (fx *hostileFixture) seedDiff(t *testing.T) {
	if fx.diffSlug != "" {
		return
	}
	began := time.Now()
	const slug = "fiche-en-deux-versions"
	before := prose(300, diffBytes)
	lines := strings.Split(before, "\n")
	for i := 7; i < len(lines); i += 25 {
		if j := strings.IndexByte(lines[i], ' '); j > 0 && !strings.HasPrefix(lines[i], "#") {
			lines[i] = "révisé" + lines[i][j:] // one word changed
		}
	}
	after := strings.Join(lines, "\n")
	one := fx.sheetFile(t, slug, "Fiche en deux versions", before, "")
	two := filepath.Join(fx.dir, slug+"-2.md")
	if err := os.WriteFile(two, []byte(sheetMarkdown(slug, "Fiche en deux versions", after, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	fx.d.runWithin(t, 2*time.Minute, "", "import", "--as", hostileImport, one, two)
	fx.diffSlug = slug
	t.Logf("two revisions of %d KB imported in %v", diffBytes/1000, time.Since(began).Round(time.Millisecond))
}

// sheetFile writes a sheet as an importable Markdown file.
func (fx *hostileFixture) sheetFile(t *testing.T, slug, title, body, extra string) string {
	t.Helper()
	path := filepath.Join(fx.dir, slug+".md")
	if err := os.WriteFile(path, []byte(sheetMarkdown(slug, title, body, extra)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sheetMarkdown(slug, title, body, extra string) string {
	return "---\nslug: " + slug + "\n" + extra + "---\n# " + title + "\n\n" + body
}

// prose makes about size bytes of Markdown: sections of paragraphs of
// made-up words, distinct for each seed, with a common word on every line.
func prose(seed uint64, size int) string {
	rng := rand.New(rand.NewPCG(seed, 13))
	syllables := []string{"ba", "cé", "di", "fo", "gu", "la", "mé", "no", "pi", "ru", "sa", "té", "vo", "zi", "ker", "lan", "mor", "pen", "tré", "val"}
	word := func() string {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	var b strings.Builder
	b.Grow(size + 200)
	for section := 1; b.Len() < size; section++ {
		fmt.Fprintf(&b, "## Partie %d\n\n", section)
		for p := 0; p < 8 && b.Len() < size; p++ {
			for l := 0; l < 5; l++ {
				words := make([]string, 12)
				for i := range words {
					words[i] = word()
				}
				words[rng.IntN(len(words))] = commonWords[rng.IntN(len(commonWords))]
				b.WriteString(strings.Join(words, " ") + ".\n")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// settle lets PostgreSQL finish with what the previous steps wrote before
// a quiet phase is measured: its autovacuum and checkpointer, on the same
// two cores, otherwise put a few hundred milliseconds into the quiet p99
// (and so loosen the bound). Only this test's schema is vacuumed; SQLite
// has nothing of the kind.
func (d database) settle(t *testing.T) {
	t.Helper()
	if d.url == "" {
		return
	}
	conn, err := sql.Open("pgx", d.url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	for _, name := range schemaTables(t, conn) {
		if _, err := conn.Exec(`VACUUM ANALYZE "` + strings.ReplaceAll(name, `"`, `""`) + `"`); err != nil {
			t.Logf("vacuum %s: %v (measuring anyway)", name, err)
		}
	}
	if _, err := conn.Exec("CHECKPOINT"); err != nil {
		t.Logf("checkpoint: %v (measuring anyway)", err)
	}
}

func schemaTables(t *testing.T, conn *sql.DB) []string {
	t.Helper()
	rows, err := conn.Query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return tables
}
