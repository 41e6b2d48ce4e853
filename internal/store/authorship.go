package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"atlas/internal/authorship"
	"atlas/internal/model"
)

// AuthorshipVersion is the version of the authorship algorithm whose rows
// this binary reads and writes. A newer algorithm adds rows under its own
// version; older rows stay, as revisions do.
const AuthorshipVersion = authorship.Version

// recentSources is how many revisions before the parent a new revision's
// attribution also looks at: text brought back by hand from a version a
// few edits old (a vandalism reverted by pasting) goes back to its
// authors, not to whoever pasted it.
const recentSources = 5

// insertAuthorship stores a revision's attribution. Two writers computing
// the same missing row (two blames at once) write the same bytes: the
// second insert does nothing.
//
//	INSERT INTO revision_authorship (revision_id, version, spans) VALUES (?, ?, ?)
//	ON CONFLICT (revision_id, version) DO NOTHING
func (s *Store) insertAuthorship(ctx context.Context, revisionID int64, a authorship.Attribution) error {
	err := s.conn(ctx).Exec(`INSERT INTO revision_authorship (revision_id, version, spans) VALUES (?, ?, ?)
		ON CONFLICT (revision_id, version) DO NOTHING`, revisionID, AuthorshipVersion, authorship.Encode(a)).Error
	return translate(err, "store authorship of revision %d", revisionID)
}

// attrSource is a revision as the algorithm reads it: its text and its
// attribution.
type attrSource struct {
	Number int
	SHA256 string
	Text   string
	Attr   authorship.Attribution
}

func (a *attrSource) source() authorship.Source {
	return authorship.Source{Text: a.Text, Spans: a.Attr}
}

// storedSources loads the revisions numbered numbers of a sheet that have
// an attribution, with their texts; the others are left out.
//
//	SELECT r.number, r.sha256, a.spans FROM revisions r
//	JOIN revision_authorship a ON a.revision_id = r.id AND a.version = ?
//	WHERE r.sheet_id = ? AND r.number IN (…)
func (s *Store) storedSources(ctx context.Context, sheetID int64, numbers []int) (map[int]*attrSource, error) {
	out := make(map[int]*attrSource, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	var rows []struct {
		Number int
		SHA256 string `gorm:"column:sha256"`
		Spans  []byte
	}
	err := s.conn(ctx).Raw(`SELECT r.number, r.sha256, a.spans FROM revisions r
		JOIN revision_authorship a ON a.revision_id = r.id AND a.version = ?
		WHERE r.sheet_id = ? AND r.number IN ?`, AuthorshipVersion, sheetID, numbers).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "authorship of revisions of sheet %d", sheetID)
	}
	for _, row := range rows {
		attr, err := authorship.Decode(row.Spans)
		if err != nil {
			continue // unreadable: treated as missing, recomputed by a fill
		}
		text, ok := s.bodies.Get(row.SHA256)
		if !ok {
			rev, err := s.Revision(ctx, sheetID, row.Number)
			if err != nil {
				return nil, err
			}
			text = rev.Body
		}
		out[row.Number] = &attrSource{Number: row.Number, SHA256: row.SHA256, Text: text, Attr: attr}
	}
	return out, nil
}

// restoredNumber is the revision whose words r brings back: the one r
// names (a restore's source, an undone revision's parent), else, for a
// restore saved before revisions named it, the newest earlier revision
// with the same body; 0 if none.
//
//	SELECT number FROM revisions WHERE sheet_id = ? AND sha256 = ? AND number < ?
//	ORDER BY number DESC LIMIT 1
func (s *Store) restoredNumber(ctx context.Context, r *model.Revision) (int, error) {
	if r.Reverts != nil {
		// A restore of K and an undo of N (N's parent) say which text they
		// bring back; the search below is for restores saved before they did.
		return *r.Reverts, nil
	}
	if r.Origin != model.OriginRestore {
		return 0, nil
	}
	var numbers []int
	err := s.conn(ctx).Model(&revisionRow{}).Where("sheet_id = ? AND sha256 = ? AND number < ?", r.SheetID, r.SHA256, r.Number).
		Order("number DESC").Limit(1).Pluck("number", &numbers).Error
	if err != nil || len(numbers) == 0 {
		return 0, translate(err, "restored revision of %d of sheet %d", r.Number, r.SheetID)
	}
	return numbers[0], nil
}

// sourceNumbers are the revisions r's attribution reads: its parent, the
// revision a restore brings back, and the few before the parent.
func sourceNumbers(r *model.Revision, restored int) (parent int, others []int) {
	if r.Parent != nil {
		parent = *r.Parent
	}
	if restored > 0 && restored != parent {
		others = append(others, restored)
	}
	for n := r.Number - 2; n >= 1 && n >= r.Number-1-recentSources; n-- {
		if n != parent && n != restored {
			others = append(others, n)
		}
	}
	return parent, others
}

// errNoParentAttribution means a revision's parent has no stored
// attribution yet: the revision's own waits for a fill (FillAuthorship).
var errNoParentAttribution = errors.New("parent has no attribution")

// attribute computes r's attribution from the sources at hand. lookup
// finds a source already loaded; the missing ones are read from the
// database.
func (s *Store) attribute(ctx context.Context, r *model.Revision, lookup func(int) *attrSource) (authorship.Attribution, error) {
	restored, err := s.restoredNumber(ctx, r)
	if err != nil {
		return nil, err
	}
	parent, others := sourceNumbers(r, restored)
	want := others
	if parent > 0 {
		want = append([]int{parent}, others...)
	}
	got := make(map[int]*attrSource, len(want))
	var missing []int
	for _, n := range want {
		if src := lookup(n); src != nil {
			got[n] = src
		} else {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		loaded, err := s.storedSources(ctx, r.SheetID, missing)
		if err != nil {
			return nil, err
		}
		for n, src := range loaded {
			got[n] = src
		}
	}
	var base authorship.Source
	if parent > 0 {
		p := got[parent]
		if p == nil {
			return nil, errNoParentAttribution
		}
		base = p.source()
	}
	list := make([]authorship.Source, 0, len(others))
	for _, n := range others {
		// The revision a restore brings back is always read; the recent
		// ones only when they hold some of the new text (reading one costs
		// about what the parent does).
		if src := got[n]; src != nil && (n == restored || bringsBack(r.Body, base.Text, src.Text)) {
			list = append(list, src.source())
		}
	}
	return authorship.Attribute(base, r.Body, r.Number, list...), nil
}

// Bounds of bringsBack: pieces shorter than minPiece prove nothing (a
// common phrase), and at most maxPieces are looked for, so a text rewritten
// whole costs a bounded search.
const (
	minPiece  = 24
	maxPieces = 48
)

// bringsBack reports whether an older text holds some of what text adds
// to its parent: a line (or a sentence of a long line) of the part that
// changed, found in old and not in parent. Only then can old give words
// back to their authors, as when a vandalized text is pasted back by hand;
// for the common edit nothing is found and old is not read at all.
func bringsBack(text, parent, old string) bool {
	// The part that changed: text without what it shares with the parent
	// at both ends.
	p := 0
	for p < len(text) && p < len(parent) && text[p] == parent[p] {
		p++
	}
	q := 0
	for q < len(text)-p && q < len(parent)-p && text[len(text)-1-q] == parent[len(parent)-1-q] {
		q++
	}
	changed := text[p : len(text)-q]
	looked := 0
	for line := range strings.SplitSeq(changed, "\n") {
		for piece := range strings.SplitSeq(line, ". ") {
			if len(piece) < minPiece {
				continue
			}
			if looked++; looked > maxPieces {
				return false
			}
			if strings.Contains(old, piece) && !strings.Contains(parent, piece) {
				return true
			}
		}
	}
	return false
}

// attributeNew stores the attribution of a revision just created, in its
// transaction. When its parent has none yet (an atlas from before
// authorship, not reindexed), it stores nothing: a blame or `atlas
// reindex` fills the chain later, from the last revision that has one.
func (s *Store) attributeNew(ctx context.Context, r *model.Revision) error {
	a, err := s.attribute(ctx, r, func(int) *attrSource { return nil })
	if errors.Is(err, errNoParentAttribution) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.insertAuthorship(ctx, r.ID, a)
}

// fillBatch is how many revisions FillAuthorship reads at a time.
const fillBatch = 200

// FillAuthorship computes and stores the attribution of every revision of
// a sheet up to number upTo that has none, in revision order, each from
// the one before. Each row is stored as soon as it is computed, so work a
// deadline cut short is not lost; concurrent fills write the same rows
// once. It returns how many rows it stored.
func (s *Store) FillAuthorship(ctx context.Context, sheetID int64, upTo int) (int, error) {
	first, err := s.firstUnattributed(ctx, sheetID, upTo)
	if err != nil || first == 0 {
		return 0, err
	}
	// The window holds the last revisions walked, as sources of the next.
	window := map[int]*attrSource{}
	lookup := func(n int) *attrSource { return window[n] }
	stored := 0
	from := max(1, first-1-recentSources)
	var prev *model.Revision
	for from <= upTo {
		var rows []revisionRow
		err := s.conn(ctx).Where("sheet_id = ? AND number >= ? AND number <= ?", sheetID, from, upTo).
			Order("number").Limit(fillBatch).Find(&rows).Error
		if err != nil {
			return stored, translate(err, "revisions of sheet %d from %d", sheetID, from)
		}
		if len(rows) == 0 {
			break
		}
		numbers := make([]int, len(rows))
		for i := range rows {
			numbers[i] = rows[i].Number
		}
		have, err := s.storedSources(ctx, sheetID, numbers)
		if err != nil {
			return stored, err
		}
		for i := range rows {
			rev, err := s.decodeAfter(ctx, &rows[i], prev)
			if err != nil {
				return stored, err
			}
			prev = rev
			src := have[rev.Number]
			if src == nil {
				a, err := s.attribute(ctx, rev, lookup)
				if err != nil {
					return stored, fmt.Errorf("store: authorship of revision %d of sheet %d: %w", rev.Number, sheetID, err)
				}
				if err := s.insertAuthorship(ctx, rev.ID, a); err != nil {
					return stored, err
				}
				stored++
				src = &attrSource{Number: rev.Number, SHA256: rev.SHA256, Text: rev.Body, Attr: a}
			}
			window[rev.Number] = src
			delete(window, rev.Number-2-recentSources)
		}
		from = rows[len(rows)-1].Number + 1
	}
	return stored, nil
}

// firstUnattributed is the first revision of a sheet up to upTo without an
// attribution, 0 if none lacks one.
//
//	SELECT MIN(r.number) FROM revisions r LEFT JOIN revision_authorship a
//	  ON a.revision_id = r.id AND a.version = ?
//	WHERE r.sheet_id = ? AND r.number <= ? AND a.revision_id IS NULL
func (s *Store) firstUnattributed(ctx context.Context, sheetID int64, upTo int) (int, error) {
	var first *int
	err := s.conn(ctx).Raw(`SELECT MIN(r.number) FROM revisions r LEFT JOIN revision_authorship a
		ON a.revision_id = r.id AND a.version = ?
		WHERE r.sheet_id = ? AND r.number <= ? AND a.revision_id IS NULL`, AuthorshipVersion, sheetID, upTo).Scan(&first).Error
	if err != nil {
		return 0, translate(err, "unattributed revisions of sheet %d", sheetID)
	}
	if first == nil {
		return 0, nil
	}
	return *first, nil
}

// Authorship returns the attribution of revision number of a sheet,
// filling the chain of missing ones up to it first if need be.
func (s *Store) Authorship(ctx context.Context, sheetID int64, number int) (authorship.Attribution, error) {
	got, err := s.storedSources(ctx, sheetID, []int{number})
	if err != nil {
		return nil, err
	}
	if src := got[number]; src != nil {
		return src.Attr, nil
	}
	if _, err := s.FillAuthorship(ctx, sheetID, number); err != nil {
		return nil, err
	}
	if got, err = s.storedSources(ctx, sheetID, []int{number}); err != nil {
		return nil, err
	}
	if src := got[number]; src != nil {
		return src.Attr, nil
	}
	return nil, translate(ErrNotFound, "authorship of revision %d of sheet %d", number, sheetID)
}

// AuthorshipRows counts a sheet's revisions with and without a stored
// attribution, for tests and `atlas reindex`.
func (s *Store) AuthorshipRows(ctx context.Context, sheetID int64) (with, without int, err error) {
	var rows []struct {
		Has bool
		N   int
	}
	err = s.conn(ctx).Raw(`SELECT a.revision_id IS NOT NULL AS has, COUNT(*) AS n FROM revisions r
		LEFT JOIN revision_authorship a ON a.revision_id = r.id AND a.version = ?
		WHERE r.sheet_id = ? GROUP BY a.revision_id IS NOT NULL`, AuthorshipVersion, sheetID).Scan(&rows).Error
	if err != nil {
		return 0, 0, translate(err, "authorship rows of sheet %d", sheetID)
	}
	for _, r := range rows {
		if r.Has {
			with += r.N
		} else {
			without += r.N
		}
	}
	return with, without, nil
}

// RevisionAuthors are the authors of some revisions of a sheet, by
// number: who wrote each passage of a blame, which may name a thousand
// revisions of a history of ten thousand. Numbers close together are read
// as one range by a prepared query; scattered ones by lists of 500, so a
// long history is not read whole for the few revisions a text still
// holds. Two integers a row, scanned by hand.
//
//	SELECT number, author_id FROM revisions WHERE sheet_id = ? AND number >= ? AND number <= ?
//	SELECT number, author_id FROM revisions WHERE sheet_id = ? AND number IN (?, ?, …)
func (s *Store) RevisionAuthors(ctx context.Context, sheetID int64, numbers []int) (map[int]int64, error) {
	numbers = slices.Clone(numbers)
	slices.Sort(numbers)
	numbers = slices.Compact(numbers)
	out := make(map[int]int64, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	scan := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var n int
			var author int64
			if err := rows.Scan(&n, &author); err != nil {
				return err
			}
			out[n] = author
		}
		return rows.Err()
	}
	first, last := numbers[0], numbers[len(numbers)-1]
	if last-first < 4*len(numbers) {
		err := scan(s.queryRows(ctx, revisionAuthorsRange, sheetID, first, last))
		return out, translate(err, "authors of revisions of sheet %d", sheetID)
	}
	for chunk := range slices.Chunk(numbers, 500) {
		q := revisionAuthorsIn + strings.Repeat(", ?", len(chunk)-1) + ")"
		args := make([]any, 0, len(chunk)+1)
		args = append(args, sheetID)
		for _, n := range chunk {
			args = append(args, n)
		}
		if err := scan(s.conn(ctx).Raw(q, args...).Rows()); err != nil {
			return nil, translate(err, "authors of revisions of sheet %d", sheetID)
		}
	}
	return out, nil
}

const revisionAuthorsIn = `SELECT number, author_id FROM revisions WHERE sheet_id = ? AND number IN (?`

const revisionAuthorsRange = `SELECT number, author_id FROM revisions WHERE sheet_id = ? AND number >= ? AND number <= ?`

// RevisionNotes are the summaries of some revisions of a sheet, without
// their content, by number; a blame names the revision of each passage.
//
//	SELECT number, author_id, summary, origin, created_at FROM revisions
//	WHERE sheet_id = ? AND number IN (…)
func (s *Store) RevisionNotes(ctx context.Context, sheetID int64, numbers []int) (map[int]model.Revision, error) {
	out := make(map[int]model.Revision, len(numbers))
	numbers = slices.Clone(numbers)
	slices.Sort(numbers)
	numbers = slices.Compact(numbers)
	// Bounded lists: a blame of a long history names thousands.
	for chunk := range slices.Chunk(numbers, 500) {
		var rows []model.Revision
		err := s.conn(ctx).Model(&revisionRow{}).Select("number, author_id, summary, origin, created_at").
			Where("sheet_id = ? AND number IN ?", sheetID, chunk).Scan(&rows).Error
		if err != nil {
			return nil, translate(err, "notes of revisions of sheet %d", sheetID)
		}
		for _, r := range rows {
			out[r.Number] = r
		}
	}
	return out, nil
}
