package read

import (
	"context"
	"time"

	"atlas/internal/cache"
	"atlas/internal/model"
	"atlas/internal/store"
)

// The lookups below are the single rows and short lists pages and the API
// name things by. Each is already one query (or one prepared statement)
// in the store, so the reader only passes it on: the web asks the read
// side for everything it shows and never holds the store itself.

// SheetBySlug is the sheet of that URL name.
func (r *Reader) SheetBySlug(ctx context.Context, slug string) (*model.Sheet, error) {
	return r.store.SheetBySlug(ctx, slug)
}

// SheetByID is the sheet of that id.
func (r *Reader) SheetByID(ctx context.Context, id int64) (*model.Sheet, error) {
	return r.store.SheetByID(ctx, id)
}

// RedirectOf is the sheet an old slug of a renamed sheet now names.
func (r *Reader) RedirectOf(ctx context.Context, slug string) (id int64, ok bool, err error) {
	return r.store.RedirectOf(ctx, slug)
}

// MergedInto lists the duplicates merged into a sheet, oldest first.
func (r *Reader) MergedInto(ctx context.Context, sheetID int64) ([]model.Sheet, error) {
	return r.store.MergedInto(ctx, sheetID)
}

// RevisionAt is revision n of a sheet with its body. Unlike Revision it
// applies no policy and reads no authors: callers that need a base or a
// head to merge or compare with use it.
func (r *Reader) RevisionAt(ctx context.Context, sheetID int64, n int) (*model.Revision, error) {
	return r.store.Revision(ctx, sheetID, n)
}

// RevisionsByKeys reads several revisions of several sheets in one query.
func (r *Reader) RevisionsByKeys(ctx context.Context, keys []model.RevisionKey) (map[model.RevisionKey]*model.Revision, error) {
	return r.store.RevisionsByKeys(ctx, keys)
}

// ListRevisions pages a sheet's history newest first, without bodies.
func (r *Reader) ListRevisions(ctx context.Context, sheetID int64, before, limit int) (model.RevisionPage, error) {
	return r.store.ListRevisions(ctx, sheetID, before, limit)
}

// Coauthors are the people who wrote each revision beside its author, in
// one query for all of them.
func (r *Reader) Coauthors(ctx context.Context, revisionIDs []int64) (map[int64][]model.User, error) {
	return r.store.Coauthors(ctx, revisionIDs)
}

// UserByID is the account of that id.
func (r *Reader) UserByID(ctx context.Context, id int64) (*model.User, error) {
	return r.store.UserByID(ctx, id)
}

// UserByUsername is the account of that username.
func (r *Reader) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	return r.store.UserByUsername(ctx, username)
}

// UsersByIDs reads several accounts in one query.
func (r *Reader) UsersByIDs(ctx context.Context, ids []int64) (map[int64]*model.User, error) {
	return r.store.UsersByIDs(ctx, ids)
}

// ListUsers is every account.
func (r *Reader) ListUsers(ctx context.Context) ([]model.User, error) {
	return r.store.ListUsers(ctx)
}

// PeopleMatching finds accounts by part of their name.
func (r *Reader) PeopleMatching(ctx context.Context, q string, limit int) ([]model.Match, error) {
	return r.store.PeopleMatching(ctx, q, limit)
}

// SheetsMatching finds sheets by part of their title or slug.
func (r *Reader) SheetsMatching(ctx context.Context, q string, limit int) ([]model.Match, error) {
	return r.store.SheetsMatching(ctx, q, limit)
}

// BoardOf is a sheet's board, by username.
func (r *Reader) BoardOf(ctx context.Context, sheetID int64) ([]model.User, error) {
	return r.store.BoardOf(ctx, sheetID)
}

// ReviewByID is the review of that id.
func (r *Reader) ReviewByID(ctx context.Context, id int64) (*model.Review, error) {
	return r.store.ReviewByID(ctx, id)
}

// AuditPage is a page of the audit log, newest first.
func (r *Reader) AuditPage(ctx context.Context, before int64, limit int) ([]model.AuditEntry, error) {
	return r.store.AuditPage(ctx, before, limit)
}

// AuditOfReview is what the audit log holds of one review.
func (r *Reader) AuditOfReview(ctx context.Context, reviewID int64) ([]model.AuditEntry, error) {
	return r.store.AuditOfReview(ctx, reviewID)
}

// CommentPage is a page of a discussion (of one review, or of the sheet
// itself when reviewID is nil) older than before (any when 0), newest
// first.
func (r *Reader) CommentPage(ctx context.Context, sheetID int64, reviewID *int64, before int64, limit int) ([]model.Comment, error) {
	return r.store.CommentPage(ctx, sheetID, reviewID, before, limit)
}

// CommentByID is the comment of that id.
func (r *Reader) CommentByID(ctx context.Context, id int64) (*model.Comment, error) {
	return r.store.CommentByID(ctx, id)
}

// OwnCommentsSince lists the ids of a sheet's messages an author wrote at
// or after since and not hidden: those the author may still withdraw.
func (r *Reader) OwnCommentsSince(ctx context.Context, sheetID, authorID int64, since time.Time) ([]int64, error) {
	return r.store.OwnCommentsSince(ctx, sheetID, authorID, since)
}

// Cards lists sheets as readers see them, in slug order.
func (r *Reader) Cards(ctx context.Context, f model.CardFilter) ([]model.CardRow, error) {
	return r.store.Cards(ctx, f)
}

// CardsByIDs reads the cards of several sheets in one query.
func (r *Reader) CardsByIDs(ctx context.Context, ids []int64) (map[int64]model.CardRow, error) {
	return r.store.CardsByIDs(ctx, ids)
}

// MapCards are the cards the map shows, with their geometry.
func (r *Reader) MapCards(ctx context.Context, category string) ([]model.CardRow, error) {
	return r.store.MapCards(ctx, category)
}

// CardsVersion changes whenever a card does: caches of lists key on it.
func (r *Reader) CardsVersion(ctx context.Context) (string, error) {
	return r.store.CardsVersion(ctx)
}

// CategoryCounts counts the sheets of each category.
func (r *Reader) CategoryCounts(ctx context.Context) (map[string]int, error) {
	return r.store.CategoryCounts(ctx)
}

// RecentSheets are the sheets changed most recently.
func (r *Reader) RecentSheets(ctx context.Context, limit int) ([]model.Sheet, error) {
	return r.store.RecentSheets(ctx, limit)
}

// RecentlyValidated are the sheets whose boards last validated a version.
func (r *Reader) RecentlyValidated(ctx context.Context, limit int) ([]model.CardRow, error) {
	return r.store.RecentlyValidated(ctx, limit)
}

// UnreadCount counts an account's unread notifications, up to max.
func (r *Reader) UnreadCount(ctx context.Context, userID int64, limit int) (int, error) {
	return r.store.UnreadCount(ctx, userID, limit)
}

// Watching says whether an account follows a sheet.
func (r *Reader) Watching(ctx context.Context, userID, sheetID int64) (bool, error) {
	return r.store.Watching(ctx, userID, sheetID)
}

// APITokensOfUser lists an account's API tokens, newest first.
func (r *Reader) APITokensOfUser(ctx context.Context, userID int64) ([]model.APIToken, error) {
	return r.store.APITokensOfUser(ctx, userID)
}

// MediaOfSheet lists the pictures uploaded into a sheet.
func (r *Reader) MediaOfSheet(ctx context.Context, sheetID int64) ([]model.SheetMedia, error) {
	return r.store.MediaOfSheet(ctx, sheetID)
}

// MediaFile is the type and bytes served for a picture at a width: its
// copy of that width, or the picture itself (width 0, or no such copy).
func (r *Reader) MediaFile(ctx context.Context, sha string, width int) (string, []byte, error) {
	return r.store.MediaFile(ctx, sha, width)
}

// MediaSizes are the width and height of several pictures, in one query.
func (r *Reader) MediaSizes(ctx context.Context, shas []string) (map[string][2]int, error) {
	return r.store.MediaSizes(ctx, shas)
}

// AtlasID is the atlas's stable identity (feeds' ids derive from it).
func (r *Reader) AtlasID(ctx context.Context) (string, error) {
	return r.store.AtlasID(ctx)
}

// BodyCacheStats are the counters of the rebuilt revision bodies' cache,
// for the metrics.
func (r *Reader) BodyCacheStats() cache.Stats { return r.store.BodyCacheStats() }

// RevisionStamps are those revisions of a sheet without their bodies: ids,
// authors and dates, by number.
func (r *Reader) RevisionStamps(ctx context.Context, sheetID int64, numbers ...int) (map[int]store.RevisionStamp, error) {
	return r.store.RevisionStamps(ctx, sheetID, numbers...)
}

// IsBoardMember tells whether the account sits on the sheet's board.
func (r *Reader) IsBoardMember(ctx context.Context, sheetID, userID int64) (bool, error) {
	return r.store.IsBoardMember(ctx, sheetID, userID)
}
