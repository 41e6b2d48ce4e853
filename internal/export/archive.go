package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// ArchiveFormat names the archive layout; Restore refuses others.
const (
	ArchiveFormat  = "atlas-archive"
	ArchiveVersion = 1
)

// Manifest is the archive's first file.
type Manifest struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	CreatedAt time.Time      `json:"created_at"`
	Counts    map[string]int `json:"counts"`
	// AtlasID is the atlas's identity (see store.AtlasID), which a restore
	// keeps so feed ids survive a move; absent from older archives.
	AtlasID string `json:"atlas_id,omitempty"`
}

// uuidShape is the text form of a UUID, as the migrations write it.
var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// tablesWithIDs are the tables whose identity counter a restore resets.
var tablesWithIDs = []string{"users", "sheets", "revisions", "reviews", "votes", "review_amendments", "audit_log", "comments"}

// WriteArchive writes the whole atlas as a zip of JSON-lines files, one per
// table, streamed row by row. Accounts are written without their password
// hash; sessions, tokens and notifications are not written at all.
func WriteArchive(ctx context.Context, st *store.Store, w io.Writer) (Manifest, error) {
	zw := zip.NewWriter(w)
	m := Manifest{Format: ArchiveFormat, Version: ArchiveVersion, CreatedAt: time.Now().UTC(), Counts: map[string]int{}}
	// Tables go parents first, the order a restore needs.
	steps := []func() error{
		func() error {
			return dump(ctx, st, zw, m.Counts, "users", func(u *model.User) { u.PasswordHash = "" })
		},
		func() error { return dump[model.Sheet](ctx, st, zw, m.Counts, "sheets", nil) },
		func() error { return dump[model.SheetRedirect](ctx, st, zw, m.Counts, "sheet_redirects", nil) },
		func() error {
			// Revisions come sheet by sheet in number order, each checked
			// against its SHA-256 as it is rebuilt.
			return dumpRows(zw, m.Counts, "revisions", func(fn func([]model.Revision) error) error {
				return st.EachRevision(ctx, store.BySheet, fn)
			}, nil)
		},
		func() error { return dump[model.RevisionCoauthor](ctx, st, zw, m.Counts, "revision_coauthors", nil) },
		func() error { return writeCredits(ctx, st, zw, m.Counts) },
		func() error { return dump[model.BoardMember](ctx, st, zw, m.Counts, "board_members", nil) },
		func() error { return dump[model.BoardRule](ctx, st, zw, m.Counts, "board_rules", nil) },
		func() error { return dump[model.Review](ctx, st, zw, m.Counts, "reviews", nil) },
		func() error { return dump[model.Vote](ctx, st, zw, m.Counts, "votes", nil) },
		func() error { return dump[model.ReviewAmendment](ctx, st, zw, m.Counts, "review_amendments", nil) },
		func() error { return dump[model.AuditEntry](ctx, st, zw, m.Counts, "audit_log", nil) },
		func() error { return dump[model.Comment](ctx, st, zw, m.Counts, "comments", nil) },
		func() error { return dump[model.Watch](ctx, st, zw, m.Counts, "watches", nil) },
		// Pictures, their bytes included (base64 in JSON), one at a time.
		func() error {
			return dumpRows(zw, m.Counts, "media", func(fn func([]store.MediaRow) error) error { return st.EachMediaRow(ctx, fn) }, nil)
		},
		func() error {
			return dumpRows(zw, m.Counts, "media_variants", func(fn func([]store.MediaVariantRow) error) error { return st.EachMediaVariantRow(ctx, fn) }, nil)
		},
		func() error {
			return dumpRows(zw, m.Counts, "sheet_media", func(fn func([]store.SheetMediaRow) error) error { return st.EachSheetMediaRow(ctx, fn) }, nil)
		},
	}
	// Read every table in one transaction so the archive is one consistent
	// moment of the atlas even while people keep writing.
	err := st.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if m.AtlasID, err = st.AtlasID(ctx); err != nil {
			return err
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	mw, err := zw.Create("manifest.json")
	if err != nil {
		return m, err
	}
	if err := json.NewEncoder(mw).Encode(m); err != nil {
		return m, err
	}
	return m, zw.Close()
}

func dump[T any](ctx context.Context, st *store.Store, zw *zip.Writer, counts map[string]int, name string, scrub func(*T)) error {
	return dumpRows(zw, counts, name, func(fn func([]T) error) error { return store.Each(ctx, st, fn) }, scrub)
}

// dumpRows writes one table's rows as JSON lines, from whatever walks them.
func dumpRows[T any](zw *zip.Writer, counts map[string]int, name string, each func(func([]T) error) error, scrub func(*T)) error {
	w, err := zw.Create(name + ".jsonl")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	return each(func(rows []T) error {
		for i := range rows {
			if scrub != nil {
				scrub(&rows[i])
			}
			if err := enc.Encode(&rows[i]); err != nil {
				return err
			}
			counts[name]++
		}
		return nil
	})
}

// ErrNotEmpty refuses a restore over existing data.
var ErrNotEmpty = errors.New("export: the database is not empty: restore into a fresh one")

// RestoreArchive loads an archive into an empty database, in one
// transaction: every id, number, hash, author and date as it was. Accounts
// come back with no usable password (the archive has none): set them with
// `atlas user password`. Cards and the search index are rebuilt.
//
// The archive is untrusted: its entries are read as bounded streams (see
// archiveEntries) and every row is checked as the API checks what it
// stores. The first refused row names its entry and line and rolls the
// whole restore back, so a refused archive changes nothing.
func RestoreArchive(ctx context.Context, st *store.Store, sheets *sheet.Service, r io.ReaderAt, size int64) (Manifest, error) {
	var m Manifest
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return m, fmt.Errorf("export: not a zip archive: %w", err)
	}
	files, err := archiveEntries(zr, size)
	if err != nil {
		return m, err
	}
	if err := readJSON(files["manifest.json"], maxManifestBytes, &m); err != nil {
		return m, fmt.Errorf("export: manifest: %w", err)
	}
	if m.Format != ArchiveFormat || m.Version != ArchiveVersion {
		return m, fmt.Errorf("export: unknown archive format %q version %d", m.Format, m.Version)
	}
	if m.AtlasID != "" && !uuidShape.MatchString(m.AtlasID) {
		return m, fmt.Errorf("export: manifest: atlas_id %q is not a UUID", m.AtlasID)
	}
	err = st.WithTx(ctx, func(ctx context.Context) error {
		empty, err := st.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			return ErrNotEmpty
		}
		steps := []func() error{
			func() error {
				return load(ctx, st, files, "users", func(u *model.User) error {
					if err := checkUser(u); err != nil {
						return err
					}
					if u.State == "" {
						u.State = model.UserActive // an archive from before sign-up
					}
					// An unusable hash: a random one nobody knows the password of.
					hash, err := auth.HashPassword(auth.NewToken())
					u.PasswordHash = hash
					return err
				})
			},
			func() error {
				// A duplicate may have been merged into a sheet that comes
				// later: the links are set once every sheet is in.
				merged := map[int64]int64{}
				err := load(ctx, st, files, "sheets", func(sh *model.Sheet) error {
					if sh.MergedInto != nil {
						merged[sh.ID], sh.MergedInto = *sh.MergedInto, nil
					}
					return checkSheet(sh)
				})
				for id, into := range merged {
					if err == nil {
						err = st.SetMergedInto(ctx, id, into)
					}
				}
				return err
			},
			func() error {
				if files["sheet_redirects.jsonl"] == nil {
					return nil // an archive from before renames
				}
				return load(ctx, st, files, "sheet_redirects", checkRedirect)
			},
			func() error {
				// One at a time through the store, which stores the body
				// as a delta of the one before.
				return loadRows(files, "revisions", maxRevisionRowBytes, sheet.CheckStoredRevision, func(rows []model.Revision) error {
					for i := range rows {
						if err := st.CreateRevision(ctx, &rows[i]); err != nil {
							return err
						}
					}
					return nil
				})
			},
			func() error {
				// Co-writers of live sessions: absent from archives made
				// before them.
				return loadOptional(files, "revision_coauthors", maxRowBytes, nil, func(rows []model.RevisionCoauthor) error { return store.InsertRows(ctx, st, rows) })
			},
			func() error { return load[model.BoardMember](ctx, st, files, "board_members", nil) },
			func() error {
				// Archives written before boards had rules have none: their
				// boards decide by a majority of seats.
				if files["board_rules.jsonl"] == nil {
					return nil
				}
				return load(ctx, st, files, "board_rules", checkBoardRule)
			},
			func() error { return load(ctx, st, files, "reviews", checkReview) },
			func() error { return load(ctx, st, files, "votes", checkVote) },
			func() error { return load[model.ReviewAmendment](ctx, st, files, "review_amendments", nil) },
			func() error { return load[model.AuditEntry](ctx, st, files, "audit_log", nil) },
			// Archives of an older atlas lack the decisions' tallies and
			// the boards reviews closed with.
			func() error { return st.FillDecisionTallies(ctx) },
			func() error { return st.FillReviewBoards(ctx) },
			func() error {
				return load(ctx, st, files, "comments", func(c *model.Comment) error { return sheet.CheckStoredComment(c.Body) })
			},
			func() error { return load[model.Watch](ctx, st, files, "watches", nil) },
			// Pictures: absent from archives made before them.
			func() error {
				return loadOptional(files, "media", maxMediaRowBytes, checkMedia, func(rows []store.MediaRow) error { return st.InsertMediaRows(ctx, rows) })
			},
			func() error {
				return loadOptional(files, "media_variants", maxMediaRowBytes, checkMediaVariant, func(rows []store.MediaVariantRow) error { return st.InsertMediaVariantRows(ctx, rows) })
			},
			func() error {
				return loadOptional(files, "sheet_media", maxRowBytes, checkSheetMedia, func(rows []store.SheetMediaRow) error { return st.InsertSheetMediaRows(ctx, rows) })
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		if err := st.ResetSequences(ctx, tablesWithIDs); err != nil {
			return err
		}
		if m.AtlasID != "" {
			if err := st.SetAtlasID(ctx, m.AtlasID); err != nil {
				return err
			}
		}
		return store.Each(ctx, st, func(list []model.Sheet) error {
			for i := range list {
				if err := sheets.RefreshVisible(ctx, &list[i]); err != nil {
					return err
				}
			}
			return nil
		})
	})
	return m, err
}

// load reads one table's lines and inserts them in batches.
func load[T any](ctx context.Context, st *store.Store, files map[string]*zip.File, name string, fix func(*T) error) error {
	return loadRows(files, name, maxRowBytes, fix, func(rows []T) error { return store.InsertRows(ctx, st, rows) })
}

// loadOptional is loadRows for a table older archives lack.
func loadOptional[T any](files map[string]*zip.File, name string, maxLine int, fix func(*T) error, insert func([]T) error) error {
	if files[name+".jsonl"] == nil {
		return nil
	}
	return loadRows(files, name, maxLine, fix, insert)
}

// loadRows reads one table's lines, none longer than maxLine, checks each
// row with fix and hands them to insert in batches of a bounded size.
func loadRows[T any](files map[string]*zip.File, name string, maxLine int, fix func(*T) error, insert func([]T) error) error {
	entry := name + ".jsonl"
	f := files[entry]
	if f == nil {
		return fmt.Errorf("export: archive lacks %s", entry)
	}
	rc, err := f.Open()
	if err != nil {
		return &EntryError{Entry: entry, Err: err}
	}
	defer func() { _ = rc.Close() }() // as in readJSON
	// The zip reader already stops at the claimed size; say it here too.
	lines := newLineReader(io.LimitReader(rc, int64(f.UncompressedSize64)), maxLine) //nolint:gosec // G115: at most maxArchiveBytes, as archiveEntries checked
	batch := make([]T, 0, 200)
	batchBytes := 0
	for {
		line, err := lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &EntryError{Entry: entry, Line: lines.n, Err: err}
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var row T
		if err := decodeOne(line, &row); err != nil {
			return &EntryError{Entry: entry, Line: lines.n, Err: err}
		}
		if fix != nil {
			if err := fix(&row); err != nil {
				return &EntryError{Entry: entry, Line: lines.n, Err: err}
			}
		}
		batch = append(batch, row)
		batchBytes += len(line)
		if len(batch) == cap(batch) || batchBytes >= maxBatchBytes {
			if err := insert(batch); err != nil {
				return &EntryError{Entry: entry, Err: fmt.Errorf("rows up to line %d: %w", lines.n, err)}
			}
			clear(batch) // let the rows' text go
			batch, batchBytes = batch[:0], 0
		}
	}
	if err := insert(batch); err != nil {
		return &EntryError{Entry: entry, Err: err}
	}
	return nil
}
