package export_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func readPadFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "etherpad", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// expectedBurst is a writing burst of the hand-written pad, as listed in
// kerinou.bursts.json: texts made by splicing strings when the pad was
// written, not by applying its changesets.
type expectedBurst struct {
	From   int       `json:"from"`
	To     int       `json:"to"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Body   string    `json:"body"`
}

func expectedBursts(t *testing.T) []expectedBurst {
	t.Helper()
	var f struct {
		Bursts []expectedBurst `json:"bursts"`
	}
	if err := json.Unmarshal(readPadFixture(t, "kerinou.bursts.json"), &f); err != nil {
		t.Fatal(err)
	}
	return f.Bursts
}

// padAccounts makes the accounts the pad's authors map to: Marie by her
// username, YANN by the display name "Yann"; Zoé has no account, and one
// author has no name.
func padAccounts(t *testing.T, st *store.Store) (admin, marie, yann *model.User) {
	t.Helper()
	admin = testutil.User(t, st, "admin", model.RoleAdmin)
	marie = testutil.User(t, st, "marie", model.RoleContributor)
	now := time.Now().UTC()
	yann = &model.User{Username: "ybihan", Email: "yann@example.org", DisplayName: "Yann", PasswordHash: "x", Role: model.RoleContributor,
		State: model.UserActive, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(context.Background(), yann); err != nil {
		t.Fatal(err)
	}
	// A pending account of Zoé's name is no one to credit yet.
	zoe := &model.User{Username: "zoe", Email: "zoe@example.org", DisplayName: "Zoé", PasswordHash: "x", Role: model.RoleContributor,
		State: model.UserPending, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(context.Background(), zoe); err != nil {
		t.Fatal(err)
	}
	return admin, marie, yann
}

func history(t *testing.T, st *store.Store, slug string) (*model.Sheet, []*model.Revision) {
	t.Helper()
	ctx := context.Background()
	sh, err := st.SheetBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	var revs []*model.Revision
	for n := 1; n <= sh.HeadNumber; n++ {
		r, err := st.Revision(ctx, sh.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, r)
	}
	return sh, revs
}

// TestEtherpadImportKeepsThePadsHistory: the hand-written pad of 46
// revisions (five authors' turns, a pause, insertions in the middle,
// deletions across lines, bold, an emoji counted as two characters)
// becomes one revision per burst, checked text by text, author by author,
// date by date; the burst that only made a line bold adds nothing.
func TestEtherpadImportKeepsThePadsHistory(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, marie, yann := padAccounts(t, s.store)

		res, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, readPadFixture(t, "kerinou.etherpad"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Slug != "kerinou" || res.PadRevisions != 46 || res.Bursts != 8 || res.Added != 7 || res.Skipped != 1 || res.First != 1 || res.Head != 7 {
			t.Fatalf("import: %+v", res)
		}
		want := map[string]struct {
			user    *model.User
			matched bool
		}{"a.marie": {marie, true}, "a.yann": {yann, true}, "a.zoe": {admin, false}, "a.x9Qk": {admin, false}}
		for _, m := range res.Authors {
			if w := want[m.PadAuthor]; m.User.ID != w.user.ID || m.Matched != w.matched {
				t.Errorf("author %s (%q) went to %s, matched %v", m.PadAuthor, m.Name, m.User.Username, m.Matched)
			}
		}

		sh, revs := history(t, s.store, "kerinou")
		if sh.Title != "kerinou" || len(revs) != 7 {
			t.Fatalf("sheet %q with %d revisions", sh.Title, len(revs))
		}
		accounts := map[string]int64{"a.marie": marie.ID, "a.yann": yann.ID, "a.zoe": admin.ID, "a.x9Qk": admin.ID}
		summaries := []string{
			"Pad « kerinou », écriture 1 sur 8 (révisions 0 à 9 du pad)",
			"Pad « kerinou », écriture 2 sur 8 (révisions 10 à 17 du pad)",
			"Pad « kerinou », écriture 3 sur 8 (révisions 18 à 21 du pad)",
			"Pad « kerinou », écriture 4 sur 8 (révisions 22 à 27 du pad) ; écrite par Zoé, sans compte dans l'atlas",
			"Pad « kerinou », écriture 5 sur 8 (révisions 28 à 29 du pad) ; écrite par une personne sans nom dans le pad (a.x9Qk), sans compte dans l'atlas",
			"Pad « kerinou », écriture 6 sur 8 (révisions 30 à 39 du pad)",
			"Pad « kerinou », écriture 8 sur 8 (révisions 41 à 45 du pad)",
		}
		bursts := expectedBursts(t)
		kept := append(bursts[:6:6], bursts[7]) // burst 7 only made a line bold
		for i, r := range revs {
			b := kept[i]
			if r.Body != b.Body {
				t.Errorf("revision %d (pad %d-%d) body:\n%s\nwant:\n%s", r.Number, b.From, b.To, r.Body, b.Body)
			}
			if r.AuthorID != accounts[b.Author] {
				t.Errorf("revision %d: author %d, want %d (%s)", r.Number, r.AuthorID, accounts[b.Author], b.Author)
			}
			if !r.CreatedAt.Equal(b.At) {
				t.Errorf("revision %d: dated %s, want %s", r.Number, r.CreatedAt, b.At)
			}
			if r.Summary != summaries[i] || r.Origin != model.OriginImport {
				t.Errorf("revision %d: summary %q origin %s", r.Number, r.Summary, r.Origin)
			}
			if err := sheet.CheckStoredRevision(r); err != nil {
				t.Errorf("revision %d: %v", r.Number, err)
			}
		}
		if !sh.CreatedAt.Equal(bursts[0].At) || sh.CreatedBy != marie.ID {
			t.Errorf("sheet created %s by %d", sh.CreatedAt, sh.CreatedBy)
		}
		if !strings.Contains(revs[6].Body, "🌱 Jardin partagé de Kerinou\n") || !strings.HasSuffix(revs[6].Body, "À très vite au jardin !\n") {
			t.Errorf("last body:\n%s", revs[6].Body)
		}
		// The card and the search index show the pad's last text.
		cards, err := s.store.Cards(ctx, store.CardFilter{})
		if err != nil || len(cards) != 1 || cards[0].RevisionNumber != 7 {
			t.Errorf("cards: %+v %v", cards, err)
		}
	})
}

// TestEtherpadImportTwiceAddsNothing: the same file again adds nothing;
// an earlier export first, then the full one, adds only the later bursts
// to the same sheet; a file whose sheet moved on meanwhile is refused.
func TestEtherpadImportTwiceAddsNothing(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, marie, _ := padAccounts(t, s.store)
		opt := export.EtherpadOptions{Fallback: admin, Title: "Jardin partagé de Kerinou"}

		early, err := export.ImportEtherpad(ctx, s.store, s.sheets, opt, readPadFixture(t, "kerinou-early.etherpad"))
		if err != nil || !early.Created || early.Head != 5 || early.Slug != "jardin-partage-de-kerinou" {
			t.Fatalf("early export: %+v %v", early, err)
		}
		again, err := export.ImportEtherpad(ctx, s.store, s.sheets, opt, readPadFixture(t, "kerinou-early.etherpad"))
		if err != nil || !again.Unchanged || again.Slug != early.Slug || again.Head != 5 {
			t.Fatalf("early export again: %+v %v", again, err)
		}
		full, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, readPadFixture(t, "kerinou.etherpad"))
		if err != nil || full.Created || full.Slug != early.Slug || full.First != 6 || full.Head != 7 || full.Added != 2 {
			t.Fatalf("full export after the early one: %+v %v", full, err)
		}
		_, revs := history(t, s.store, early.Slug)
		bursts := expectedBursts(t)
		if revs[5].Body != bursts[5].Body || revs[6].Body != bursts[7].Body || revs[0].Title != "Jardin partagé de Kerinou" {
			t.Errorf("continued history: %q / %q", revs[5].Body, revs[6].Title)
		}
		for i := 0; i < 2; i++ {
			res, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, readPadFixture(t, "kerinou.etherpad"))
			if err != nil || !res.Unchanged || res.Head != 7 {
				t.Fatalf("full export again: %+v %v", res, err)
			}
		}
		if n := len(heads(t, s.store)); n != 1 {
			t.Errorf("%d sheets", n)
		}

		// Someone edits the sheet: a later import of the early file is
		// still nothing to add, but appending after it is refused.
		if _, err := s.sheets.Save(ctx, marie, early.Slug, sheet.SaveInput{Base: 7, Title: "Jardin", Body: "Autre texte"}); err != nil {
			t.Fatal(err)
		}
		if res, err := export.ImportEtherpad(ctx, s.store, s.sheets, opt, readPadFixture(t, "kerinou.etherpad")); err != nil || !res.Unchanged {
			t.Errorf("after an edit: %+v %v", res, err)
		}
	})
}

// TestEtherpadImportRefusesWhatIsWrong: a damaged file changes nothing
// and says which record is wrong and why.
func TestEtherpadImportRefusesWhatIsWrong(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, _, _ := padAccounts(t, s.store)
		good := readPadFixture(t, "kerinou.etherpad")
		edit := func(fn func(m map[string]any)) []byte {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			fn(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}
		setCS := func(n int, cs string) []byte {
			return edit(func(m map[string]any) { m["pad:kerinou:revs:"+strconv.Itoa(n)].(map[string]any)["changeset"] = cs })
		}
		cases := []struct {
			name string
			data []byte
			want string
		}{
			{"not json", []byte("Jardin"), "a JSON object is expected"},
			{"no pad", []byte(`{"globalAuthor:a.x": {"name": "X"}}`), `no pad record (a key "pad:NAME")`},
			{"two pads", edit(func(m map[string]any) { m["pad:autre"] = m["pad:kerinou"] }), `two pads ("pad:autre" and "pad:kerinou")`},
			{"missing revision", edit(func(m map[string]any) { delete(m, "pad:kerinou:revs:17") }), `record "pad:kerinou:revs:17": missing`},
			{"bad header", setCS(3, "X:3t>a$"), `record "pad:kerinou:revs:3": not an Easysync changeset`},
			{"wrong old length", setCS(3, "Z:3u>a|2=r*0+a$Un jardin "), "applies to a text of 138 characters, the pad's has 53"},
			{"bank too short", setCS(1, "Z:s>a|2=r*0+a$Un"), "inserts 10 characters, the char bank has 2 left"},
			{"bank too long", setCS(1, "Z:s>a|2=r*0+a$Un jardin !!"), "2 characters of its char bank are not inserted"},
			{"lines wrong", setCS(1, "Z:s>a|1=r*0+a$Un jardin "), "spans 2 newline(s), it announces 1"},
			{"unknown attribute", setCS(1, "Z:s>a|2=r*z+a$Un jardin "), "attribute *z (at character 10) is not in the pad's attribute pool"},
			{"past the end", setCS(1, "Z:s>a|2=r=9*0+a$Un jardin "), "runs past the end of the text"},
			{"garbage op", setCS(1, "Z:s>a|2=r?+a$Un jardin "), `'?' at character 10 where an operation`},
			{"no dollar", setCS(1, "Z:s>a|2=r*0+a"), `no "$" before the char bank`},
			{"final text differs", edit(func(m map[string]any) {
				m["pad:kerinou"].(map[string]any)["atext"].(map[string]any)["text"] = "autre chose\n"
			}), "gives another text than the pad's own (atext.text), first different at line 1"},
			{"key revision differs", edit(func(m map[string]any) {
				m["pad:kerinou:revs:0"].(map[string]any)["meta"].(map[string]any)["atext"].(map[string]any)["text"] = "x\n"
			}), `record "pad:kerinou:revs:0": the text this revision makes differs`},
			{"bad timestamp", edit(func(m map[string]any) {
				m["pad:kerinou:revs:4"].(map[string]any)["meta"].(map[string]any)["timestamp"] = "hier"
			}), `record "pad:kerinou:revs:4": not a revision`},
			{"too many revisions", edit(func(m map[string]any) { m["pad:kerinou"].(map[string]any)["head"] = export.MaxPadRevisions }), "more than the 50000 an import reads"},
		}
		for _, c := range cases {
			_, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin}, c.data)
			var pe *export.EtherpadError
			if err == nil || !strings.Contains(err.Error(), c.want) || (!errors.As(err, &pe) && c.name != "") {
				t.Errorf("%s: got %v, want %q", c.name, err, c.want)
			}
		}
		if n := len(heads(t, s.store)); n != 0 {
			t.Errorf("refused files made %d sheets", n)
		}
		// A history older than the sheet it would continue is refused.
		sh, _, err := s.sheets.Create(ctx, admin, sheet.CreateInput{Title: "Kerinou", Body: "Déjà là"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin, Into: sh.Slug}, good)
		if !errors.Is(err, sheet.ErrHistoryBackwards) {
			t.Errorf("older history into a newer sheet: %v", err)
		}
		if _, revs := history(t, s.store, sh.Slug); len(revs) != 1 {
			t.Errorf("refused import left %d revisions", len(revs))
		}
	})
}

// TestEtherpadImportContinuesASheet: --into appends the pad's bursts
// after an older sheet's head, keeping its title and metadata.
func TestEtherpadImportContinuesASheet(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		admin, marie, _ := padAccounts(t, s.store)
		old := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
		sh, _, err := s.sheets.ImportHistory(ctx, sheet.HistoryInput{Slug: "kerinou-jardin", Revisions: []sheet.HistoryRevision{
			{Author: marie, Title: "Le jardin de Kerinou", Body: "Une idée de jardin.", Summary: "Première idée", At: old},
		}})
		if err != nil || sh.HeadNumber != 1 {
			t.Fatalf("older sheet: %+v %v", sh, err)
		}
		res, err := export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin, Into: sh.Slug}, readPadFixture(t, "kerinou.etherpad"))
		if err != nil || res.Created || res.First != 2 || res.Head != 8 || res.Added != 7 {
			t.Fatalf("into: %+v %v", res, err)
		}
		_, revs := history(t, s.store, sh.Slug)
		if len(revs) != 8 || revs[7].Title != "Le jardin de Kerinou" || revs[7].Body != expectedBursts(t)[7].Body || *revs[1].Parent != 1 {
			t.Errorf("continued sheet: %d revisions, last %q", len(revs), revs[len(revs)-1].Title)
		}
		_, err = export.ImportEtherpad(ctx, s.store, s.sheets, export.EtherpadOptions{Fallback: admin, Slug: "ailleurs"}, readPadFixture(t, "kerinou.etherpad"))
		if err == nil || !strings.Contains(err.Error(), `already imported into the sheet "kerinou-jardin"`) {
			t.Errorf("the same pad to another address: %v", err)
		}
	})
}
