package store

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"atlas/internal/model"
)

// summaryColumns are what history lists need: everything but the content.
var summaryColumns = []string{"id", "sheet_id", "number", "parent", "author_id", "summary", "origin", "minor", "title", "sha256", "size", "created_at", "reverts"}

// CreateRevision appends a revision. A second revision with the same number
// for the sheet is ErrConflict: the database's unique key is the last guard
// against two writers claiming one number.
//
// The body is stored as a delta or a keyframe (revision_storage.go); its
// SHA-256 must match it, or nothing is written.
//
// Every revision comes through here (saves, merges, restores, amendments,
// imports, archives), so here its attribution is computed and stored, in
// the caller's transaction: which earlier revision introduced each part of
// its body (authorship.go).
func (s *Store) CreateRevision(ctx context.Context, r *model.Revision) error {
	row, err := s.encodeRevision(ctx, r)
	if err != nil {
		return err
	}
	if err := s.conn(ctx).Create(row).Error; err != nil {
		return translate(err, "create revision %d of sheet %d", r.Number, r.SheetID)
	}
	r.ID = row.ID
	if err := s.attributeNew(ctx, r); err != nil {
		return err
	}
	// The next save of this sheet deltas against this body: keep it at hand.
	// Kept as given: callers hand the store strings they own (the web layer
	// copies a form's texts where it reads them, see readEditForm).
	s.bodies.Add(r.SHA256, r.Body)
	return nil
}

// Revision loads one revision of a sheet, content included.
func (s *Store) Revision(ctx context.Context, sheetID int64, number int) (*model.Revision, error) {
	// Numbers are 32-bit in both databases; a larger one names nothing, and
	// PostgreSQL would refuse the query rather than find no row.
	if number < 1 || number > math.MaxInt32 {
		return nil, translate(ErrNotFound, "revision %d of sheet %d", number, sheetID)
	}
	var row revisionRow
	if err := s.conn(ctx).Where("sheet_id = ? AND number = ?", sheetID, number).Take(&row).Error; err != nil {
		return nil, translate(err, "revision %d of sheet %d", number, sheetID)
	}
	return s.decode(ctx, &row)
}

// RevisionPage is one page of a sheet's history, newest first.
type RevisionPage = model.RevisionPage

// ListRevisions pages a sheet's history newest first, without bodies. It is
// a keyset walk on (sheet_id, number), so page 200 costs what page 1 does.
// Every history page, of the site or the API, starts with it: the query is
// prepared and its fifty rows scanned by hand (gorm's reflection cost more
// than the query).
//
//	SELECT … FROM revisions WHERE sheet_id = ? AND number < ? ORDER BY number DESC LIMIT ?
func (s *Store) ListRevisions(ctx context.Context, sheetID int64, before, limit int) (RevisionPage, error) {
	q, args := listRevisionsNewest, []any{sheetID, limit + 1}
	if before > 0 {
		q, args = listRevisionsBefore, []any{sheetID, before, limit + 1}
	}
	rows, err := s.queryRows(ctx, q, args...)
	if err != nil {
		return RevisionPage{}, translate(err, "list revisions of sheet %d", sheetID)
	}
	list, err := scanSummaries(rows)
	if err != nil {
		return RevisionPage{}, translate(err, "list revisions of sheet %d", sheetID)
	}
	page := RevisionPage{Revisions: list}
	if len(list) > limit {
		page.Revisions = list[:limit]
		page.Next = list[limit-1].Number
	}
	return page, nil
}

// The two queries of ListRevisions; their columns are summaryColumns, in
// scanSummaries' order.
const (
	summarySelect       = `SELECT id, sheet_id, number, parent, author_id, summary, origin, minor, title, sha256, size, created_at, reverts FROM revisions `
	listRevisionsNewest = summarySelect + `WHERE sheet_id = ? ORDER BY number DESC LIMIT ?`
	listRevisionsBefore = summarySelect + `WHERE sheet_id = ? AND number < ? ORDER BY number DESC LIMIT ?`
)

// scanSummaries reads revision summaries and closes the rows.
func scanSummaries(rows *sql.Rows) (list []model.Revision, err error) {
	defer func() { err = errors.Join(err, rows.Close()) }()
	for rows.Next() {
		var r model.Revision
		var parent, reverts sql.NullInt64
		if err := rows.Scan(&r.ID, &r.SheetID, &r.Number, &parent, &r.AuthorID, &r.Summary, &r.Origin,
			&r.Minor, &r.Title, &r.SHA256, &r.Size, &r.CreatedAt, &reverts); err != nil {
			return nil, err
		}
		if parent.Valid {
			n := int(parent.Int64)
			r.Parent = &n
		}
		if reverts.Valid {
			n := int(reverts.Int64)
			r.Reverts = &n
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// Contributor is one author of a sheet, with when they first wrote.
type Contributor struct {
	AuthorID    int64
	FirstNumber int
	Revisions   int
}

// Contributors lists a sheet's authors in the order they first contributed.
//
//	SELECT author_id, MIN(number), COUNT(*) FROM revisions
//	WHERE sheet_id = ? GROUP BY author_id ORDER BY MIN(number)
func (s *Store) Contributors(ctx context.Context, sheetID int64) ([]Contributor, error) {
	type row struct {
		AuthorID    int64
		FirstNumber int
		Revisions   int
	}
	var rows []row
	// A version written together counts for each of its co-authors.
	err := s.conn(ctx).Raw(`SELECT author_id, MIN(number) AS first_number, COUNT(*) AS revisions FROM (
			SELECT author_id, number FROM revisions WHERE sheet_id = ?
			UNION SELECT c.user_id, r.number FROM revision_coauthors c JOIN revisions r ON r.id = c.revision_id WHERE r.sheet_id = ?
		) w GROUP BY author_id ORDER BY first_number, author_id`, sheetID, sheetID).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "contributors of sheet %d", sheetID)
	}
	list := make([]Contributor, len(rows))
	for i, r := range rows {
		list[i] = Contributor(r)
	}
	return list, nil
}

// RevisionKey names one revision of one sheet.
type RevisionKey = model.RevisionKey

// RevisionsByKeys loads several revisions of several sheets in one query.
//
//	SELECT … FROM revisions WHERE (sheet_id = ? AND number = ?) OR (…)
func (s *Store) RevisionsByKeys(ctx context.Context, keys []RevisionKey) (map[RevisionKey]*model.Revision, error) {
	out := map[RevisionKey]*model.Revision{}
	if len(keys) == 0 {
		return out, nil
	}
	q := s.conn(ctx).Model(&revisionRow{})
	cond := s.conn(ctx)
	for i, k := range keys {
		if i == 0 {
			cond = cond.Where("sheet_id = ? AND number = ?", k.SheetID, k.Number)
		} else {
			cond = cond.Or("sheet_id = ? AND number = ?", k.SheetID, k.Number)
		}
	}
	var rows []revisionRow
	if err := q.Where(cond).Find(&rows).Error; err != nil {
		return nil, translate(err, "revisions by keys")
	}
	for i := range rows {
		r, err := s.decode(ctx, &rows[i])
		if err != nil {
			return nil, err
		}
		out[RevisionKey{SheetID: r.SheetID, Number: r.Number}] = r
	}
	return out, nil
}

// RevisionOrder is the order EachRevision walks the history in.
type RevisionOrder int

const (
	// BySheet walks each sheet's revisions in number order, one sheet after
	// the other: every delta applies to the revision just read.
	BySheet RevisionOrder = iota
	// ByID walks revisions in the order they were written, across sheets.
	ByID
)

// EachRevision streams every revision with its body, a batch at a time,
// each body checked against its SHA-256 on the way: an export is also an
// integrity check of the whole history.
//
//	SELECT … FROM revisions WHERE (sheet_id, number) > (?, ?) ORDER BY sheet_id, number LIMIT 200
func (s *Store) EachRevision(ctx context.Context, order RevisionOrder, fn func([]model.Revision) error) error {
	const batch = 200
	var lastSheet, lastID int64
	lastNumber := 0
	var prev *model.Revision
	for {
		q := s.conn(ctx).Limit(batch)
		if order == BySheet {
			// A row-value comparison, so both databases seek the
			// (sheet_id, number) index instead of filtering from its start.
			q = q.Where("(sheet_id, number) > (?, ?)", lastSheet, lastNumber).Order("sheet_id, number")
		} else {
			q = q.Where("id > ?", lastID).Order("id")
		}
		var rows []revisionRow
		if err := q.Find(&rows).Error; err != nil {
			return translate(err, "revisions after %d", lastID)
		}
		if len(rows) == 0 {
			return nil
		}
		list := make([]model.Revision, len(rows))
		for i := range rows {
			r, err := s.decodeAfter(ctx, &rows[i], prev)
			if err != nil {
				return err
			}
			list[i], prev = *r, r
		}
		if err := fn(list); err != nil {
			return err
		}
		last := rows[len(rows)-1]
		lastSheet, lastNumber, lastID = last.SheetID, last.Number, last.ID
	}
}
