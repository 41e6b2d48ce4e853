package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"atlas/internal/config"
	"atlas/internal/export"
)

// importEtherpadCommand turns an Etherpad export into a sheet's history,
// one revision per writing burst, and says what it did and who each pad
// author's bursts are credited to.
func importEtherpadCommand(ctx context.Context, cfg config.Config, log *slog.Logger, as string, opt export.EtherpadOptions, path string, stdout io.Writer) (err error) {
	data, err := export.ReadImportFile(path, export.MaxEtherpadFileBytes)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if opt.Fallback, err = importAuthor(ctx, a.Store, as); err != nil {
		return err
	}
	res, err := export.ImportEtherpad(ctx, a.Store, a.Sheets, opt, data)
	if err != nil {
		return fmt.Errorf("import %s: nothing imported: %s", path, describe(err))
	}
	if res.Unchanged {
		_, err = fmt.Fprintf(stdout, "%s: unchanged %s (revision %d): the pad %q is already imported (%d pad revisions, %d bursts)\n",
			path, res.Slug, res.Head, res.Pad, res.PadRevisions, res.Bursts)
		return err
	}
	verb := "continued"
	if res.Created {
		verb = "created"
	}
	if _, err := fmt.Fprintf(stdout, "%s: %s %s (revisions %d to %d) from the pad %q: %d pad revisions, %d bursts, %d revisions added, skipped %d (formatting only)\n",
		path, verb, res.Slug, res.First, res.Head, res.Pad, res.PadRevisions, res.Bursts, res.Added, res.Skipped); err != nil {
		return err
	}
	for _, m := range res.Authors {
		name := m.Name
		switch {
		case name != "":
		case m.PadAuthor == "":
			name = "(the pad's server or API)"
		default:
			name = "(" + m.PadAuthor + ")"
		}
		line := fmt.Sprintf("  pad author %s: %s\n", name, m.User.Username)
		if !m.Matched {
			line = fmt.Sprintf("  pad author %s: %s (%s; the name is in the summaries)\n", name, m.User.Username, m.Why)
		}
		if _, err := io.WriteString(stdout, line); err != nil {
			return err
		}
	}
	return nil
}
