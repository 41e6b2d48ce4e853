package export

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"atlas/internal/auth"
	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
)

// The checks of restored rows. Each refuses what the API would not have
// stored; revisions and comments are checked by the sheet service's own
// rules (sheet.CheckStoredRevision, sheet.CheckStoredComment).

// maxDisplayNameRunes bounds the name pages and git commits show.
const maxDisplayNameRunes = 200

func checkUser(u *model.User) error {
	switch {
	case !auth.ValidUsername(u.Username):
		return fmt.Errorf("username %q is not a valid username", u.Username)
	case !auth.ValidEmail(u.Email):
		return fmt.Errorf("account %s: %q is not a valid email address", u.Username, u.Email)
	case u.Role != model.RoleContributor && u.Role != model.RoleAdmin:
		return fmt.Errorf("account %s: unknown role %q", u.Username, u.Role)
	case utf8.RuneCountInString(u.DisplayName) > maxDisplayNameRunes || !oneLine(u.DisplayName):
		return fmt.Errorf("account %s: the display name is not one line of at most %d characters", u.Username, maxDisplayNameRunes)
	}
	return nil
}

func checkSheet(sh *model.Sheet) error {
	if !sheet.ValidSlug(sh.Slug) {
		return fmt.Errorf("slug %q is not a valid sheet slug", sh.Slug)
	}
	if sh.HeadNumber < 1 || (sh.PublishedNumber != nil && (*sh.PublishedNumber < 1 || *sh.PublishedNumber > sh.HeadNumber)) {
		return fmt.Errorf("sheet %s: impossible head or published number", sh.Slug)
	}
	// The sheet row repeats its head's title: the same rules.
	if strings.TrimSpace(sh.Title) != sh.Title || sh.Title == "" || utf8.RuneCountInString(sh.Title) > sheet.MaxTitleRunes || !oneLine(sh.Title) {
		return fmt.Errorf("sheet %s: the title is not one line of at most %d characters", sh.Slug, sheet.MaxTitleRunes)
	}
	if utf8.RuneCountInString(sh.ArchiveReason) > sheet.MaxReasonRunes || !oneLine(sh.ArchiveReason) {
		return fmt.Errorf("sheet %s: the archive's reason is not one line of at most %d characters", sh.Slug, sheet.MaxReasonRunes)
	}
	if sh.ArchivedAt == nil && (sh.MergedInto != nil || sh.ArchiveReason != "") {
		return fmt.Errorf("sheet %s: merged or with a reason, yet not archived", sh.Slug)
	}
	return nil
}

// checkRedirect checks a former address: a slug a sheet could have had.
func checkRedirect(r *model.SheetRedirect) error {
	if !sheet.ValidSlug(r.Slug) {
		return fmt.Errorf("redirect %q is not a valid sheet slug", r.Slug)
	}
	return nil
}

func checkReview(r *model.Review) error {
	switch r.State {
	case review.StateSubmitted, review.StateValidated, review.StateRejected, review.StateWithdrawn, review.StateExpired:
	default:
		return fmt.Errorf("review %d: unknown state %q", r.ID, r.State)
	}
	if r.RevisionNumber < 1 {
		return fmt.Errorf("review %d: impossible revision number", r.ID)
	}
	return checkNote(r.Note)
}

// checkBoardRule refuses a rule no board could decide by; the quorum is
// checked against seats only when the rule is set, so any is kept here.
func checkBoardRule(r *model.BoardRule) error {
	if _, err := review.CheckRule(r.Rule, 0); err != nil {
		return fmt.Errorf("board rule of sheet %d: %w", r.SheetID, err)
	}
	return nil
}

func checkVote(v *model.Vote) error {
	if !review.ValidChoice(v.Choice) {
		return fmt.Errorf("vote %d: unknown choice %q", v.ID, v.Choice)
	}
	if v.RevisionNumber < 1 {
		return fmt.Errorf("vote %d: impossible revision number", v.ID)
	}
	return checkNote(v.Comment)
}

// checkNote bounds a review's note or a vote's comment, which the review
// service keeps shorter than a discussion message.
func checkNote(s string) error {
	if utf8.RuneCountInString(s) > sheet.MaxCommentRunes || !utf8.ValidString(s) || !document.Text(s) {
		return errors.New("a note is too long or not valid text")
	}
	return nil
}

// oneLine reports whether s is valid UTF-8 on one line, as the sheet
// service wants a title: no line break nor any other control character.
func oneLine(s string) bool {
	return utf8.ValidString(s) && document.OneLine(s)
}
