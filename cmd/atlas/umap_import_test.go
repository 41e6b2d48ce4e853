package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMapImportPrintsItsSummary: atlas import --geojson reads a uMap
// export and a .umap backup, prints what it did and a summary line, adds
// nothing the second time, and refuses a file with a bad feature whole.
func TestMapImportPrintsItsSummary(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *atlas) {
		a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
		fixtures := filepath.Join("..", "..", "internal", "export", "testdata", "umap")
		export, backup := filepath.Join(fixtures, "brest.geojson"), filepath.Join(fixtures, "brest.umap")

		out := a.ok(t, "", "import", "--geojson", export, backup)
		for _, want := range []string{
			export + ": created boite-a-livres-2 (revision 1)\n",
			export + ": created 8, updated 0, unchanged 0, refused 0\n",
			backup + ": created 3, updated 0, unchanged 0, refused 0\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("first import: want %q in\n%s", want, out)
			}
		}
		out = a.ok(t, "", "import", "--geojson", export)
		if !strings.HasSuffix(out, export+": created 0, updated 0, unchanged 8, refused 0\n") || strings.Contains(out, "created boite") {
			t.Errorf("second import printed\n%s", out)
		}

		bad := filepath.Join(t.TempDir(), "bad.geojson")
		file := `{"type": "FeatureCollection", "features": [
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.41, 48.41]}, "properties": {"name": "Nouveau jardin"}},
			{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "properties": {"name": "Parc ouvert"}}
		]}`
		if err := os.WriteFile(bad, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		a.fails(t, "", `feature 2 "Parc ouvert": geometry: géométrie invalide : un contour de polygone n'est pas fermé`, "import", "--geojson", bad)
		stdout, _, _ := a.command("", "import", "--geojson", bad)
		if stdout != bad+": created 0, updated 0, unchanged 0, refused 1\n" {
			t.Errorf("refused file printed %q", stdout)
		}
		if out := a.ok(t, "", "import", "--geojson", export); !strings.Contains(out, "unchanged 8") {
			t.Errorf("after the refused file: %s", out)
		}
	})
}
