package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/store"
)

// maxSlugBytes matches document.Slug's cut.
const maxSlugBytes = 80

// ValidSlug reports whether s can name a sheet: lowercase ASCII words
// joined by "-", at most 80 bytes, and no word the routes use
// (ReservedSlug). Restoring an archive checks every slug with it, since
// slugs become URLs and file names.
func ValidSlug(s string) bool {
	return len(s) <= maxSlugBytes && slugPattern.MatchString(s) && !ReservedSlug(s)
}

// CheckStoredRevision checks a revision that comes from elsewhere (an
// archive being restored) against the rules a save applies, so a restore
// keeps nothing the API would refuse. Unlike a save it changes nothing: a
// revision is kept byte for byte, so text a save would have trimmed is
// refused rather than fixed.
func CheckStoredRevision(r *model.Revision) error {
	title := strings.TrimSpace(r.Title)
	switch {
	case title == "":
		return invalid("title", "title_required", "error.title_required")
	case title != r.Title:
		return invalid("title", "invalid_title", "error.title_invalid")
	}
	if err := checkText(r.Title, r.Body); err != nil {
		return err
	}
	if s, err := checkSummary(r.Summary); err != nil {
		return err
	} else if s != r.Summary {
		return invalid("summary", "invalid_summary", "error.summary_invalid", MaxSummaryRune)
	}
	switch r.Origin {
	case model.OriginEdit, model.OriginMerge, model.OriginRestore, model.OriginAmendment, model.OriginImport, model.OriginUndo:
	default:
		return fmt.Errorf("sheet: revision %d: unknown origin %q", r.Number, r.Origin)
	}
	// NormalizeMeta trims the place it points to: give it a copy.
	meta := r.Meta
	if meta.Place != nil {
		p := *meta.Place
		meta.Place = &p
	}
	if _, err := NormalizeMeta(meta); err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(r.Body))
	if r.SHA256 != hex.EncodeToString(sum[:]) || r.Size != len(r.Body) {
		return fmt.Errorf("sheet: revision %d: its SHA-256 or size does not match its body: %w", r.Number, store.ErrCorruptRevision)
	}
	if r.Number < 1 || (r.Parent != nil && (*r.Parent < 1 || *r.Parent >= r.Number)) {
		return fmt.Errorf("sheet: revision %d: its number or parent is impossible", r.Number)
	}
	if r.Reverts != nil && (*r.Reverts < 1 || *r.Reverts >= r.Number) {
		return fmt.Errorf("sheet: revision %d: it cannot bring back the text of revision %d", r.Number, *r.Reverts)
	}
	return nil
}

// CheckStoredComment checks a message of a discussion that comes from
// elsewhere as Comment checks a new one.
func CheckStoredComment(body string) error {
	switch {
	case strings.TrimSpace(body) == "":
		return invalid("body", "comment_required", "error.comment_required")
	case utf8.RuneCountInString(body) > MaxCommentRunes:
		return invalid("body", "comment_too_long", "error.comment_too_long")
	case !cleanText(body):
		return invalid("body", "invalid_body", "error.comment_invalid")
	case !document.Text(body):
		return invalid("body", "control_character", "error.control_character.message")
	}
	return nil
}
