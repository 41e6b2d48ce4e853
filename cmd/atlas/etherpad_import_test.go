package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEtherpadImportPrintsWhatItDid: atlas import --etherpad makes a sheet
// of the pad's history and says who each pad author's bursts went to; the
// same file again adds nothing; a damaged file is refused in one line and
// changes nothing; wrong options are refused.
func TestEtherpadImportPrintsWhatItDid(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *atlas) {
		a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
		a.ok(t, "motdepasse-cli-2\n", "user", "create", "--username", "ybihan", "--name", "Yann", "--email", "yann@example.org", "--role", "contributor", "--password-stdin")
		pad := filepath.Join("..", "..", "internal", "export", "testdata", "etherpad", "kerinou.etherpad")

		out := a.ok(t, "", "import", "--etherpad", "--title", "Jardin partagé de Kerinou", pad)
		for _, want := range []string{
			pad + `: created jardin-partage-de-kerinou (revisions 1 to 7) from the pad "kerinou": 46 pad revisions, 8 bursts, 7 revisions added, skipped 1 (formatting only)` + "\n",
			"  pad author YANN: ybihan\n",
			"  pad author Marie: admin (no account of that name; the name is in the summaries)\n",
			"  pad author (a.x9Qk): admin (no name in the pad; the name is in the summaries)\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("first import: want %q in\n%s", want, out)
			}
		}
		out = a.ok(t, "", "import", "--etherpad", pad)
		if out != pad+`: unchanged jardin-partage-de-kerinou (revision 7): the pad "kerinou" is already imported (46 pad revisions, 8 bursts)`+"\n" {
			t.Errorf("second import printed %q", out)
		}

		data, err := os.ReadFile(pad)
		if err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(t.TempDir(), "bad.etherpad")
		damaged := strings.Replace(string(data), `"Z:87<j|6=35|1-j$"`, `"Z:87<j|6=35|2-j$"`, 1)
		if damaged == string(data) {
			t.Fatal("the revision to damage is not in the file")
		}
		if err := os.WriteFile(bad, []byte(damaged), 0o600); err != nil { //nolint:gosec // G703: a file of the test's own temporary directory
			t.Fatal(err)
		}
		a.fails(t, "", `nothing imported: etherpad: record "pad:kerinou:revs:19": changeset: operation 2 (-19): it spans 1 newline(s), it announces 2`,
			"import", "--etherpad", "--slug", "autre", bad)
		a.fails(t, "", "--title, --slug and --into go with --etherpad", "import", "--slug", "x", pad)
		a.fails(t, "", "usage: atlas import --etherpad", "import", "--etherpad", pad, pad)
		a.fails(t, "", "exclude each other", "import", "--etherpad", "--slug", "a", "--into", "b", bad)
		if out := a.ok(t, "", "import", "--etherpad", pad); !strings.Contains(out, "unchanged jardin-partage-de-kerinou (revision 7)") {
			t.Errorf("after the refused file: %s", out)
		}
	})
}
