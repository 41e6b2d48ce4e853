package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"atlas/internal/app"
	"atlas/internal/auth"
	"atlas/internal/config"
	"atlas/internal/demo"
	"atlas/internal/export"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// exportCommand writes the whole atlas as an archive (--out) or the
// history of every sheet as a git repository (--git).
func exportCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "archive file to write")
	gitDir := fs.String("git", "", "directory to make a git repository of the history")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if (*out == "") == (*gitDir == "") {
		return errors.New("usage: atlas export --out FILE.zip | --git DIR")
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if *gitDir != "" {
		n, err := export.WriteGit(ctx, a.Store, *gitDir, export.GitOptions{BaseURL: cfg.BaseURL})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%d revisions written to %s\n", n, *gitDir)
		return err
	}
	// Write next to the target and rename, so a failed export never leaves
	// a truncated archive under the expected name.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".atlas-export-*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// Gone once renamed; removed here if the export failed.
	defer func() { _ = os.Remove(tmp.Name()) }()
	m, err := export.WriteArchive(ctx, a.Store, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "archive written to %s: %d sheets, %d revisions, %d reviews, %d accounts\n",
		*out, m.Counts["sheets"], m.Counts["revisions"], m.Counts["reviews"], m.Counts["users"])
	return err
}

func importArchiveCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) (err error) {
	if len(args) != 1 {
		return errors.New("usage: atlas import-archive FILE.zip")
	}
	f, err := os.Open(args[0]) //nolint:gosec // G703: the file to read is the one its user named
	if err != nil {
		return fmt.Errorf("import-archive: %w", err)
	}
	defer func() { _ = f.Close() }() // only read
	info, err := f.Stat()
	if err != nil {
		return err
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	m, err := export.RestoreArchive(ctx, a.Store, a.Sheets, f, info.Size())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "restored %d sheets, %d revisions, %d reviews, %d accounts (set their passwords with atlas user password)\n",
		m.Counts["sheets"], m.Counts["revisions"], m.Counts["reviews"], m.Counts["users"])
	return err
}

// importCommand stores Markdown sheets (or, with --geojson, the places of
// a uMap export or backup), each as one revision of origin import; a map
// file ends with its summary: created, updated, unchanged, refused.
func importCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	as := fs.String("as", "", "account the revisions are signed by (default: the first admin)")
	geo := fs.Bool("geojson", false, "the files are GeoJSON (uMap) places, not Markdown sheets")
	pad := fs.Bool("etherpad", false, "the file is an Etherpad export (.etherpad), history included")
	title := fs.String("title", "", "with --etherpad: the new sheet's title (default: the pad's name)")
	slug := fs.String("slug", "", "with --etherpad: the new sheet's address (default: made from the title)")
	into := fs.String("into", "", "with --etherpad: an existing sheet whose history the pad continues")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if *pad {
		if *geo || fs.NArg() != 1 {
			return errors.New("usage: atlas import --etherpad [--as USER] [--title T] [--slug S | --into SLUG] FILE.etherpad")
		}
		return importEtherpadCommand(ctx, cfg, log, *as, export.EtherpadOptions{Title: *title, Slug: *slug, Into: *into}, fs.Arg(0), stdout)
	}
	if *title != "" || *slug != "" || *into != "" {
		return errors.New("import: --title, --slug and --into go with --etherpad")
	}
	if fs.NArg() == 0 {
		return errors.New("usage: atlas import [--as USER] [--geojson | --etherpad] FILE [FILE ...]")
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	author, err := importAuthor(ctx, a.Store, *as)
	if err != nil {
		return err
	}
	for _, path := range fs.Args() {
		limit := int64(export.MaxSheetFileBytes)
		if *geo {
			limit = export.MaxGeoJSONFileBytes
		}
		data, err := export.ReadImportFile(path, limit)
		var tooLarge *export.FileTooLargeError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("import %s: %w", path, err)
		}
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		var results []export.ImportResult
		summary := ""
		if *geo {
			var m export.MapImport
			m, err = export.ImportGeoJSON(ctx, a.Store, a.Sheets, author, data)
			results = m.Results
			summary = fmt.Sprintf("%s: created %d, updated %d, unchanged %d, refused 0\n", path, m.Created, m.Updated, m.Unchanged)
			var refused *export.RefusedError
			if errors.As(err, &refused) {
				// The whole file is refused: say so in the summary's terms.
				if _, werr := fmt.Fprintf(stdout, "%s: created 0, updated 0, unchanged 0, refused %d\n", path, len(refused.Features)); werr != nil {
					return werr
				}
			}
		} else {
			var f export.SheetFile
			if f, err = export.ReadMarkdown(data); err == nil {
				var r export.ImportResult
				r, err = export.ImportSheet(ctx, a.Store, a.Sheets, author, f)
				results = append(results, r)
			}
		}
		if err != nil {
			return fmt.Errorf("import %s: %s", path, describe(err))
		}
		for _, r := range results {
			verb := "revision"
			if *geo {
				verb = "updated"
			}
			switch {
			case r.Created:
				verb = "created"
			case r.Unchanged:
				verb = "unchanged"
			}
			if _, err := fmt.Fprintf(stdout, "%s: %s %s (revision %d)\n", path, verb, r.Slug, r.Revision); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(stdout, summary); err != nil {
			return err
		}
	}
	return nil
}

// describe turns a refused sheet into its French reason.
func describe(err error) string {
	var invalid *sheet.InvalidError
	if errors.As(err, &invalid) {
		return invalid.Field + ": " + i18n.T(i18n.Default, invalid.Key, invalid.Args...)
	}
	return err.Error()
}

func importAuthor(ctx context.Context, st *store.Store, username string) (*model.User, error) {
	if username != "" {
		u, err := st.UserByUsername(ctx, username)
		if err != nil {
			return nil, fmt.Errorf("import: no account %q", username)
		}
		return u, nil
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].IsAdmin() && !users[i].Disabled {
			return &users[i], nil
		}
	}
	return nil, errors.New("import: no admin account: create one (atlas user create) or pass --as")
}

func demoCommand(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) (err error) {
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	accounts, err := demo.Load(ctx, a.Store, a.Auth, a.Sheets, a.Reviews)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(stdout, "demo atlas loaded; accounts:"); err != nil {
		return err
	}
	for _, acc := range accounts {
		if _, err := fmt.Fprintf(stdout, "  %-11s %-12s password: %s\n", acc.Username, acc.Role, acc.Password); err != nil {
			return err
		}
	}
	return nil
}

// reindexCommand rebuilds every sheet's card and search entry from its
// readers' version, after an upgrade or a restore by other means.
func reindexCommand(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) (err error) {
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	n, attributed := 0, 0
	err = store.Each(ctx, a.Store, func(list []model.Sheet) error {
		for i := range list {
			if err := a.Sheets.RefreshVisible(ctx, &list[i]); err != nil {
				return err
			}
			// Who wrote which words, for revisions saved before the
			// atlas computed it: each sheet in revision order, each
			// revision from the one before.
			added, err := a.Store.FillAuthorship(ctx, list[i].ID, list[i].HeadNumber)
			if err != nil {
				return err
			}
			n, attributed = n+1, attributed+added
		}
		return nil
	})
	if err == nil {
		_, err = fmt.Fprintf(stdout, "%d sheets reindexed, %d revisions attributed\n", n, attributed)
	}
	return err
}

// passwordCommand sets an account's password (from standard input) and
// ends its sessions and API tokens, under the same rule as the account
// page; restored archives need it, having no passwords.
func passwordCommand(ctx context.Context, a *app.App, username string, stdin io.Reader, stdout io.Writer) error {
	data, err := io.ReadAll(io.LimitReader(stdin, 4096))
	if err != nil {
		return err
	}
	password := strings.TrimRight(string(data), "\r\n")
	u, err := a.Store.UserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("user password: no account %q", username)
	}
	ended, err := a.Auth.ResetPassword(ctx, nil, u, password)
	var invalid *auth.InvalidError
	switch {
	case errors.As(err, &invalid):
		return fmt.Errorf("user password: %s", i18n.T("en", invalid.Key, invalid.Args...))
	case err != nil:
		return err
	}
	_, err = fmt.Fprintf(stdout, "password of %s changed; its sessions and %d API token(s) ended\n", username, ended)
	return err
}

// backupCommand copies the SQLite database while the atlas runs.
func backupCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "file to write")
	if err := fs.Parse(args); err != nil || *out == "" {
		return errors.New("usage: atlas backup --out FILE.db")
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if err := a.DB.Backup(ctx, *out); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "backup written to %s (integrity check ok)\n", *out)
	return err
}
