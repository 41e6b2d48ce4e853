package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig of restored pictures
	_ "image/jpeg"
	_ "image/png"
	"slices"
	"strings"
	"unicode/utf8"

	"atlas/internal/auth"
	"atlas/internal/document"
	"atlas/internal/media"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
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

// A restored picture must be what an upload would have stored: named by
// the SHA-256 of its bytes, one of the stored types by its content, of the
// size it says, within the limits. A copy must be one of the widths made.

func checkMedia(m *store.MediaRow) error {
	sum := sha256.Sum256(m.Data)
	switch {
	case !media.ValidHash(m.SHA256) || hex.EncodeToString(sum[:]) != m.SHA256:
		return fmt.Errorf("picture %q: the name is not the SHA-256 of its bytes", m.SHA256)
	case m.Bytes != int64(len(m.Data)) || len(m.Data) > media.MaxStoredBytes:
		return fmt.Errorf("picture %s: wrong or too large size", m.SHA256)
	}
	return checkPictureBytes(m.SHA256, m.Type, m.Data, m.Width, m.Height)
}

func checkMediaVariant(v *store.MediaVariantRow) error {
	if !media.ValidHash(v.SHA256) || !slices.Contains(media.Widths, v.Width) || len(v.Data) > media.MaxStoredBytes {
		return fmt.Errorf("copy of picture %q at %d px: not a copy the atlas makes", v.SHA256, v.Width)
	}
	return checkPictureBytes(v.SHA256, v.Type, v.Data, v.Width, -1)
}

// checkPictureBytes checks a file's type by its content and its size in
// pixels from its header (height -1: any).
func checkPictureBytes(sha, typ string, data []byte, width, height int) error {
	if typ != media.TypeJPEG && typ != media.TypePNG && typ != media.TypeGIF || media.Sniff(data) != typ {
		return fmt.Errorf("picture %s: not a %s file", sha, typ)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != width || (height >= 0 && cfg.Height != height) || cfg.Width > media.MaxSide || cfg.Height > media.MaxSide {
		return fmt.Errorf("picture %s: its header does not give its size", sha)
	}
	return nil
}

func checkSheetMedia(l *store.SheetMediaRow) error {
	if !media.ValidHash(l.SHA256) || strings.TrimSpace(l.Alt) == "" || utf8.RuneCountInString(l.Alt) > media.MaxAltRunes || !oneLine(l.Alt) {
		return fmt.Errorf("picture %q of sheet %d: no valid description", l.SHA256, l.SheetID)
	}
	return nil
}
