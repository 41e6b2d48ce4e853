// Package sheet is the service that writes sheets: creating one, saving an
// edit (with the compare-and-swap and three-way merge that keep every edit),
// and restoring an old version. Every write is one transaction.
package sheet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"atlas/internal/db"
	"atlas/internal/diff"
	"atlas/internal/document"
	"atlas/internal/events"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/search"
	"atlas/internal/store"
)

// Limits of a sheet.
const (
	MaxBodyBytes   = 1 << 20
	MaxTitleRunes  = 200
	MaxSummaryRune = 500
)

// Errors callers map to statuses.
var (
	ErrBaseRequired = errors.New("sheet: the base revision is required")
	ErrUnchanged    = errors.New("sheet: nothing to change")
)

// InvalidError is refused input, naming the field, with a stable code for
// programs and the catalogue key (and arguments) of the message for people:
// the web layer translates it into the reader's language.
type InvalidError struct {
	Field string
	Code  string
	Key   string
	Args  []any
}

func (e *InvalidError) Error() string { return "sheet: " + e.Field + ": " + e.Code }

func invalid(field, code, key string, args ...any) error {
	return &InvalidError{Field: field, Code: code, Key: key, Args: args}
}

// ConflictError is an edit that overlaps what others saved meanwhile.
// Nothing was stored; Mine hands the user's text back intact. Merged is
// the three-way merge of base→mine onto Head with mine's text wherever the
// two overlap: others' changes elsewhere are in it, so a save of Merged
// from Head keeps everyone's work.
type ConflictError struct {
	Head      int
	Mine      Content
	Merged    Content
	Conflicts []diff.Conflict
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("sheet: %d conflict(s) with revision %d", len(e.Conflicts), e.Head)
}

// Content is what a revision holds besides its bookkeeping.
type Content struct {
	Title string     `json:"title"`
	Body  string     `json:"body"`
	Meta  model.Meta `json:"meta"`
}

func contentOf(r *model.Revision) Content { return Content{Title: r.Title, Body: r.Body, Meta: r.Meta} }

func (c Content) equal(o Content) bool {
	if c.Title != o.Title || c.Body != o.Body {
		return false
	}
	// Categories are a set: compare them in one order.
	cm, om := c.Meta, o.Meta
	cm.Categories, om.Categories = sortCategories(cm.Categories), sortCategories(om.Categories)
	a, _ := json.Marshal(cm)
	b, _ := json.Marshal(om)
	return string(a) == string(b)
}

// Service writes sheets.
type Service struct {
	store    *store.Store
	notify   *notify.Service
	searcher search.Searcher
	events   *events.Hub
	log      *slog.Logger
	now      func() time.Time
	// commentLimits bound how fast one account may comment (see
	// commentRate).
	commentLimits []CommentLimit
}

// WithLog makes the service report what it lets pass, such as a search
// index it could not write.
func (s *Service) WithLog(log *slog.Logger) *Service {
	s.log = log
	return s
}

// WithEvents makes the service announce new revisions live.
func (s *Service) WithEvents(h *events.Hub) *Service {
	s.events = h
	return s
}

// NewService builds the service. n tells watchers about new revisions; nil
// keeps them uninformed (tests of storage alone).
func NewService(s *store.Store, n *notify.Service) *Service {
	return &Service{
		store: s, notify: n, searcher: search.New(s.DB()), log: slog.New(slog.DiscardHandler), now: func() time.Time { return time.Now().UTC() },
		commentLimits: DefaultCommentLimits,
	}
}

// CreateInput is a new sheet.
type CreateInput struct {
	Title   string
	Body    string
	Summary string
	Meta    *model.Meta
	Slug    string // optional; made from the title when empty
	Origin  string // edit (default) or import
	// Draft is the saved_at of the author's draft of a new sheet this text
	// was written from: creating the sheet spends it. nil names none, and
	// the draft is kept.
	Draft *time.Time
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Create makes a sheet and its first revision in one transaction.
func (s *Service) Create(ctx context.Context, author *model.User, in CreateInput) (*model.Sheet, *model.Revision, error) {
	meta := model.Meta{}
	if in.Meta != nil {
		meta = *in.Meta
	}
	content, err := checkContent(Content{Title: in.Title, Body: in.Body, Meta: meta})
	if err != nil {
		return nil, nil, err
	}
	summary, err := checkSummary(in.Summary)
	if err != nil {
		return nil, nil, err
	}
	origin := in.Origin
	if origin == "" {
		origin = model.OriginEdit
	}
	base := strings.TrimSpace(in.Slug)
	if base != "" && (len(base) > 80 || !slugPattern.MatchString(base)) {
		return nil, nil, invalid("slug", "invalid_slug", "error.slug_invalid")
	}
	if ReservedSlug(base) {
		return nil, nil, invalid("slug", "slug_reserved", "error.slug_reserved", base)
	}
	if base == "" {
		if base = document.Slug(content.Title); base == "" {
			base = "fiche"
		}
	}

	var sh *model.Sheet
	var rev *model.Revision
	var queued []model.Notification
	// A slug taken by a concurrent creation shows up as a unique violation
	// at insert time; the next suffix is then tried.
	for attempt := 0; attempt < 50; attempt++ {
		slug, err := s.freeSlug(ctx, base)
		if err != nil {
			return nil, nil, err
		}
		err = s.store.WithTx(ctx, func(ctx context.Context) error {
			now := s.now()
			sh = &model.Sheet{Slug: slug, Title: content.Title, CreatedBy: author.ID, CreatedAt: now, UpdatedAt: now}
			if err := s.store.CreateSheet(ctx, sh); err != nil {
				return err
			}
			if err := s.spendDraft(ctx, author, nil, in.Draft); err != nil {
				return err
			}
			rev = newRevision(sh.ID, 1, nil, author.ID, summary, origin, false, content, now)
			if err := s.store.CreateRevision(ctx, rev); err != nil {
				return err
			}
			sh.HeadNumber = 1
			if err := s.store.AdvanceHead(ctx, sh.ID, 0, 1, content.Title, now); err != nil {
				return err
			}
			if err := s.refresh(ctx, sh, rev); err != nil {
				return err
			}
			queued, err = s.announce(ctx, sh, rev, author)
			return err
		})
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		s.mail(ctx, queued)
		return sh, rev, nil
	}
	return nil, nil, fmt.Errorf("sheet: no free slug for %q", base)
}

// freeSlug returns base, or base-2, base-3… whichever is free now. A
// route word (ReservedSlug) counts as taken: the title "New" makes new-2.
func (s *Service) freeSlug(ctx context.Context, base string) (string, error) {
	for n := 1; ; n++ {
		slug := base
		if n > 1 {
			slug = fmt.Sprintf("%s-%d", base, n)
		}
		if ReservedSlug(slug) {
			continue
		}
		taken, err := s.store.SlugTaken(ctx, slug)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
}

// SaveInput is an edit. Base is the revision the editor started from;
// a nil Meta keeps the base's metadata.
type SaveInput struct {
	Base    int
	Title   string
	Body    string
	Summary string
	Meta    *model.Meta
	Minor   bool
	Origin  string // edit (default) or amendment
	// Draft is the saved_at of the author's draft of the sheet this text
	// was written from: saving spends that draft, and only that one (not
	// one another tab wrote since). nil names none, and the draft is kept.
	Draft *time.Time
	// Coauthors credits a version written together (a live session): the
	// accounts of every writer, the author among them; empty for one
	// writer. Session names the live session it comes from, so that the
	// session is not told of it as an edit made outside; Saved, when set,
	// runs inside the save's transaction with the new revision.
	Coauthors []int64
	Session   int64
	Saved     func(ctx context.Context, rev *model.Revision) error
}

// SaveResult says what a save did.
type SaveResult struct {
	Revision  *model.Revision
	Merged    bool
	Unchanged bool
}

// Save stores an edit as the sheet's next revision. The sheet row is locked
// for the length of the transaction and its head advanced by a
// compare-and-swap, so two saves can never both become revision N, on one
// process or many. If the head moved past Base, the edit is merged onto it;
// overlapping edits come back as *ConflictError with nothing stored.
func (s *Service) Save(ctx context.Context, author *model.User, slug string, in SaveInput) (SaveResult, error) {
	if in.Base <= 0 {
		return SaveResult{}, ErrBaseRequired
	}
	summary, err := checkSummary(in.Summary)
	if err != nil {
		return SaveResult{}, err
	}
	origin := in.Origin
	if origin == "" {
		origin = model.OriginEdit
	}
	var result SaveResult
	var queued []model.Notification
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		// Saving from the author's draft spends it; a refused save rolls
		// this back and keeps it.
		if err := s.spendDraft(ctx, author, &sh.ID, in.Draft); err != nil {
			return err
		}
		if in.Base > sh.HeadNumber {
			return invalid("base", "unknown_base", "error.base_missing", in.Base)
		}
		baseRev, err := s.store.Revision(ctx, sh.ID, in.Base)
		if err != nil {
			return err
		}
		mine := Content{Title: in.Title, Body: in.Body, Meta: baseRev.Meta}
		if in.Meta != nil {
			mine.Meta = *in.Meta
		}
		if mine, err = checkContent(mine); err != nil {
			return err
		}
		head := baseRev
		if sh.HeadNumber != in.Base {
			if head, err = s.store.Revision(ctx, sh.ID, sh.HeadNumber); err != nil {
				return err
			}
		}
		next := mine
		if head.Number != baseRev.Number {
			merged, conflicts := merge(contentOf(baseRev), mine, contentOf(head))
			if len(conflicts) > 0 {
				return &ConflictError{Head: head.Number, Mine: mine, Merged: merged, Conflicts: conflicts}
			}
			if len(merged.Body) > MaxBodyBytes {
				return invalid("body", "merge_too_large", "error.merge_too_large")
			}
			next = merged
			result.Merged = !merged.equal(mine)
		}
		if next.equal(contentOf(head)) {
			result = SaveResult{Revision: head, Unchanged: true}
			return nil
		}
		if result.Merged && origin == model.OriginEdit {
			origin = model.OriginMerge
		}
		result.Revision, queued, err = s.append(ctx, sh, head, author, summary, origin, in.Minor, next)
		if err != nil {
			return err
		}
		if len(in.Coauthors) > 1 {
			if err := s.store.AddCoauthors(ctx, result.Revision.ID, in.Coauthors); err != nil {
				return err
			}
		}
		if in.Saved != nil {
			return in.Saved(ctx, result.Revision)
		}
		return nil
	})
	if err == nil {
		s.mail(ctx, queued)
		if !result.Unchanged {
			s.publishedFrom(ctx, result.Revision, author, in.Session)
		}
	}
	return result, err
}

// append writes revision head+1, advances the sheet's head onto it and
// tells the sheet's watchers.
func (s *Service) append(ctx context.Context, sh *model.Sheet, head *model.Revision, author *model.User, summary, origin string, minor bool, c Content) (*model.Revision, []model.Notification, error) {
	now := s.now()
	parent := head.Number
	rev := newRevision(sh.ID, head.Number+1, &parent, author.ID, summary, origin, minor, c, now)
	if err := s.store.CreateRevision(ctx, rev); err != nil {
		return nil, nil, err
	}
	if err := s.store.AdvanceHead(ctx, sh.ID, head.Number, rev.Number, c.Title, now); err != nil {
		return nil, nil, err
	}
	sh.HeadNumber = rev.Number
	if sh.PublishedNumber == nil {
		// Readers see the head of a sheet never validated.
		if err := s.refresh(ctx, sh, rev); err != nil {
			return nil, nil, err
		}
	}
	queued, err := s.announce(ctx, sh, rev, author)
	return rev, queued, err
}

// announce makes the author a watcher of the sheet and puts the new
// revision in the other watchers' inboxes, inside the save's transaction.
func (s *Service) announce(ctx context.Context, sh *model.Sheet, rev *model.Revision, author *model.User) ([]model.Notification, error) {
	if s.notify == nil {
		return nil, nil
	}
	if err := s.store.Watch(ctx, author.ID, sh.ID, rev.CreatedAt); err != nil {
		return nil, err
	}
	watchers, err := s.store.Watchers(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	list := make([]model.Notification, 0, len(watchers))
	for _, id := range watchers {
		list = append(list, model.Notification{UserID: id, Kind: model.NotifyNewRevision, ActorID: &author.ID,
			SheetID: &sh.ID, RevisionNumber: &rev.Number, CreatedAt: rev.CreatedAt})
	}
	return s.notify.Add(ctx, list)
}

// mail sends what announce queued, once the save committed. A save running
// inside a caller's transaction (an amendment) leaves mail to that caller:
// its transaction may still roll back.
func (s *Service) mail(ctx context.Context, queued []model.Notification) {
	if s.notify != nil && !db.InTx(ctx) {
		s.notify.Mail(queued)
	}
}

// published tells live editors about a committed revision.
func (s *Service) published(ctx context.Context, rev *model.Revision, author *model.User) {
	s.publishedFrom(ctx, rev, author, 0)
}

// publishedFrom is published for a revision saved from a live session.
func (s *Service) publishedFrom(ctx context.Context, rev *model.Revision, author *model.User, session int64) {
	if s.events != nil && rev != nil && !db.InTx(ctx) {
		s.events.Publish(ctx, events.Event{Kind: events.KindRevision, SheetID: rev.SheetID, Revision: rev.Number, UserID: author.ID, Name: author.Name(), Session: session})
	}
}

// Restore makes a new revision whose content is that of an older one.
func (s *Service) Restore(ctx context.Context, author *model.User, slug string, number int, summary string) (*model.Revision, error) {
	summary, err := checkSummary(summary)
	if err != nil {
		return nil, err
	}
	var rev *model.Revision
	var queued []model.Notification
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		old, err := s.store.Revision(ctx, sh.ID, number)
		if err != nil {
			return err
		}
		head, err := s.store.Revision(ctx, sh.ID, sh.HeadNumber)
		if err != nil {
			return err
		}
		if contentOf(old).equal(contentOf(head)) {
			return ErrUnchanged
		}
		if summary == "" {
			summary = i18n.T(i18n.Default, "summary.restored", number)
		}
		rev, queued, err = s.append(ctx, sh, head, author, summary, model.OriginRestore, false, contentOf(old))
		return err
	})
	if err == nil {
		s.mail(ctx, queued)
		s.published(ctx, rev, author)
	}
	return rev, err
}

func newRevision(sheetID int64, number int, parent *int, authorID int64, summary, origin string, minor bool, c Content, now time.Time) *model.Revision {
	sum := sha256.Sum256([]byte(c.Body))
	return &model.Revision{
		SheetID: sheetID, Number: number, Parent: parent, AuthorID: authorID,
		Summary: summary, Origin: origin, Minor: minor,
		Title: c.Title, Body: c.Body, Meta: c.Meta,
		SHA256: hex.EncodeToString(sum[:]), Size: len(c.Body), CreatedAt: now,
	}
}

// checkText applies the bounds every kept text shares, a revision's or a
// draft's: a title on one line, a body of at most 1 MiB, valid UTF-8
// without control characters where they do not belong.
func checkText(title, body string) error {
	switch {
	case utf8.RuneCountInString(title) > MaxTitleRunes:
		return invalid("title", "title_too_long", "error.title_too_long", MaxTitleRunes)
	case strings.ContainsAny(title, "\r\n") || !cleanText(title):
		return invalid("title", "invalid_title", "error.title_invalid")
	case len(body) > MaxBodyBytes:
		return invalid("body", "body_too_large", "error.body_too_large")
	case !cleanText(body):
		return invalid("body", "invalid_body", "error.body_invalid")
	case !document.OneLine(title):
		return controlError("title")
	case !document.Text(body):
		return controlError("body")
	}
	return nil
}

// controlError refuses a field holding a control character
// (document.OneLine, document.Text): a 400 whose message names the field.
func controlError(field string) error {
	key := strings.TrimPrefix(field, "meta.")
	switch key {
	case "title", "summary", "body", "tags", "place":
	default:
		key = "meta" // subtitle, website, contact, legal status, licence
	}
	return invalid(field, "control_character", "error.control_character."+key)
}

// checkContent validates and normalizes what a revision will hold. The body
// is kept byte for byte: only its size and encoding are checked.
func checkContent(c Content) (Content, error) {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		return c, invalid("title", "title_required", "error.title_required")
	}
	if err := checkText(c.Title, c.Body); err != nil {
		return c, err
	}
	meta, err := NormalizeMeta(c.Meta)
	c.Meta = meta
	return c, err
}

func checkSummary(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxSummaryRune || strings.ContainsAny(s, "\r\n") || !cleanText(s) {
		return "", invalid("summary", "invalid_summary", "error.summary_invalid", MaxSummaryRune)
	}
	if !document.OneLine(s) {
		return "", controlError("summary")
	}
	return s, nil
}
