package web

import (
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

type voteRow struct {
	Voter    view.Person
	Choice   string
	Revision int
	Comment  string
	At       time.Time
	Counted  bool
}

type amendmentRow struct {
	From, To int
	Author   view.Person
	// Coauthors: "avec A et B" for an amendment the board wrote together.
	Coauthors template.HTML
	At        time.Time
}

type reviewPage struct {
	Base
	Bundle      *read.Review
	Sheet       *model.Sheet
	Review      *model.Review
	Revision    *model.Revision
	HTML        template.HTML
	SubmittedBy view.Person
	Votes       []voteRow
	Amendments  []amendmentRow
	Board       []view.Person
	// Compared is the revision the diff starts from: the published version,
	// or the sheet's first one if none is.
	Compared  int
	Changes   template.HTML // the body's diff, see diffBody
	Open      bool
	CanVote   bool
	CanAmend  bool
	CanWithdr bool
	MyChoice  string
	// RuleText is how the review is decided (the rule copied when it
	// opened); Voters, for a majority of votes cast, "N votants sur
	// quorum Q".
	RuleText      string
	Voters        string
	Deadline      string // when an open review closes undecided, if its rule says
	CommentsBlock commentsBlock
	Tabs          sheetTabs
	Error         string
}

func (h *handler) showReviewPage(c *fiber.Ctx) error {
	return h.renderReview(c, fiber.StatusOK, "")
}

func (h *handler) renderReview(c *fiber.Ctx, status int, message string) error {
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r := b.Review
	rev, err := h.read.RevisionAt(ctx, b.Sheet.ID, r.RevisionNumber)
	if err != nil {
		return err
	}
	user := request.User(c)
	p := reviewPage{
		Base: h.base(c, rev.Title), Bundle: b, Sheet: b.Sheet, Review: r, Revision: rev,
		HTML: h.markdown.Reader(rev.SHA256, rev.Body).HTML, SubmittedBy: view.PersonOf(b.Users[r.SubmittedBy]),
		Open: review.Open(r.State), Tabs: newSheetTabs(request.Lang(c), b.Sheet.Slug, tabReviews, user != nil), Error: message,
	}
	p.CanVote = p.Open && b.IsMember(user)
	p.RuleText = ruleText(p.Lang, b.Rule)
	if b.Rule.Kind == review.RuleCast {
		p.Voters = i18n.N(p.Lang, "review.voters", b.Tally.Voters, b.Rule.Quorum)
	}
	if p.Open && r.DeadlineAt != nil {
		p.Deadline = p.DateTime(*r.DeadlineAt)
	}
	p.CanAmend = p.Open && (b.IsMember(user) || (user != nil && user.ID == r.SubmittedBy))
	p.CanWithdr = p.Open && user != nil && (user.ID == r.SubmittedBy || user.IsAdmin())
	for _, u := range b.Board {
		p.Board = append(p.Board, view.PersonOf(&u))
	}
	for _, v := range b.Votes {
		ballot := review.Ballot{Voter: v.VoterID, Choice: v.Choice, Revision: v.RevisionNumber}
		counted := review.Counted(ballot, r.RevisionNumber, b.BoardIDs)
		p.Votes = append(p.Votes, voteRow{Voter: view.PersonOf(b.Users[v.VoterID]), Choice: v.Choice, Revision: v.RevisionNumber, Comment: v.Comment, At: v.UpdatedAt, Counted: counted})
		if user != nil && v.VoterID == user.ID && v.RevisionNumber == r.RevisionNumber {
			p.MyChoice = v.Choice
		}
	}
	if err := h.amendmentRows(c, &p); err != nil {
		return err
	}
	p.Compared = 1
	if b.Sheet.PublishedNumber != nil {
		p.Compared = *b.Sheet.PublishedNumber
	}
	if p.Compared != r.RevisionNumber {
		from, err := h.read.RevisionAt(ctx, b.Sheet.ID, p.Compared)
		if err != nil {
			return err
		}
		// Kept and bounded as on the comparison page: a large sheet under
		// review would otherwise be compared again at every reading.
		d, err := h.diffBody(c, from, rev, p.Lang, false)
		if err != nil {
			return err
		}
		p.Changes = d.HTML
	}
	comments, err := h.commentItems(c, b.Sheet, &r.ID, 0)
	if err != nil {
		return err
	}
	p.CommentsBlock = newCommentsBlock(p.Base, b.Sheet.Slug, r.ID, r.RevisionNumber, comments)
	return h.views.Render(c, status, pageReviewShow, p)
}

// amendmentRows lists the review's amendments, each with the co-writers
// of an amendment written together in a live session.
func (h *handler) amendmentRows(c *fiber.Ctx, p *reviewPage) error {
	b := p.Bundle
	if len(b.Amendments) == 0 {
		return nil
	}
	ctx := c.UserContext()
	numbers := make([]int, len(b.Amendments))
	for i, a := range b.Amendments {
		numbers[i] = a.ToNumber
	}
	stamps, err := h.read.RevisionStamps(ctx, b.Sheet.ID, numbers...)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(stamps))
	for _, st := range stamps {
		ids = append(ids, st.ID)
	}
	coauthors, err := h.read.Coauthors(ctx, ids)
	if err != nil {
		return err
	}
	for _, a := range b.Amendments {
		row := amendmentRow{From: a.FromNumber, To: a.ToNumber, Author: view.PersonOf(b.Users[a.AuthorID]), At: a.CreatedAt}
		row.Coauthors = withOthers(p.Lang, row.Author.Username, coauthors[stamps[a.ToNumber].ID])
		p.Amendments = append(p.Amendments, row)
	}
	return nil
}

// submitReview is the "Soumettre au CA" form of a sheet page.
func (h *handler) submitReview(c *fiber.Ctx) error {
	slug := c.Params("slug")
	n, err := request.ParsePositive(c.FormValue("revision"))
	if err != nil {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "revision_required", "error.submit_revision_required")
	}
	r, err := h.reviews.Submit(c.UserContext(), request.User(c), slug, n, c.FormValue("note"))
	if err != nil {
		return err
	}
	h.flash(c, "success", "submitted")
	return redirect(c, fmt.Sprintf("/sheets/%s/reviews/%d", slug, r.ID))
}

func (h *handler) castVote(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.load.ReviewForPath(c); err != nil {
		return err
	}
	n, _ := strconv.Atoi(c.FormValue("revision"))
	_, err = h.reviews.Vote(c.UserContext(), request.User(c), int64(id), c.FormValue("choice"), n, c.FormValue("comment"))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderReview(c, he.Status, he.Message(request.Lang(c)))
	}
	h.metrics.counts.Votes.Inc()
	h.flash(c, "success", "voted")
	return redirect(c, fmt.Sprintf("/sheets/%s/reviews/%d", c.Params("slug"), id))
}

func (h *handler) withdrawReview(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.load.ReviewForPath(c); err != nil {
		return err
	}
	if _, err := h.reviews.Withdraw(c.UserContext(), request.User(c), int64(id)); err != nil {
		return err
	}
	h.flash(c, "info", "withdrawn")
	return redirect(c, fmt.Sprintf("/sheets/%s/reviews/%d", c.Params("slug"), id))
}

// showAmendPage opens the editor on the review's pinned revision.
func (h *handler) showAmendPage(c *fiber.Ctx) error {
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return err
	}
	if !review.Open(b.Review.State) {
		return review.ErrClosed
	}
	if user := request.User(c); !b.IsMember(user) && user.ID != b.Review.SubmittedBy {
		return auth.ErrForbidden
	}
	rev, err := h.read.RevisionAt(c.UserContext(), b.Sheet.ID, b.Review.RevisionNumber)
	if err != nil {
		return err
	}
	p := editPage{
		Base: h.base(c, rev.Title), Sheet: b.Sheet, BaseNumber: rev.Number, Section: -1, Form: formFromRevision(rev),
		Categories: h.categoryOptions(request.Lang(c), rev.Meta.Categories), Tabs: newSheetTabs(request.Lang(c), b.Sheet.Slug, tabReviews, true),
		Amend: b.Review,
	}
	if err := h.offerDraft(c, &p, b.Sheet.Slug, rev); err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, pageSheetEdit, p)
}

func (h *handler) amendReview(c *fiber.Ctx) error {
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return err
	}
	form := readEditForm(c)
	base, _ := strconv.Atoi(c.FormValue("base"))
	p := editPage{Base: h.base(c, form.Title), Sheet: b.Sheet, BaseNumber: base, Section: -1, Form: form,
		Categories: h.categoryOptions(request.Lang(c), form.Categories), Tabs: newSheetTabs(request.Lang(c), b.Sheet.Slug, tabReviews, true),
		Amend: b.Review}
	if previewAsked(c) {
		return h.renderPreview(c, p)
	}
	meta, err := form.meta()
	if err != nil {
		h.keepRefused(c, &p, b.Sheet.Slug, base, -1, form)
		return h.renderEditError(c, p, err)
	}
	// A revision stored with CRLF comes back from the browser with LF:
	// unchanged, as a save of it would be (bodyOnBase).
	body := h.bodyOnBase(c.UserContext(), b.Sheet.ID, base, form.Body)
	in := review.AmendInput{Base: base, Title: form.Title, Body: body, Summary: form.Summary, Meta: &meta}
	// An amendment written together in a live session (the board at its
	// meeting) credits its co-writers; the review moves onto it as onto
	// any amendment.
	var session int64
	var coauthors []string
	if raw := c.FormValue("live_session"); raw != "" {
		if session, err = strconv.ParseInt(raw, 10, 64); err != nil || session <= 0 {
			return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.live_session_invalid")
		}
		in.Live.Base = base
		if coauthors, err = h.live.SaveFrom(c.UserContext(), b.Sheet.ID, b.Review.ID, session, &in.Live); err != nil {
			if errors.Is(err, live.ErrNoSession) {
				return httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_live_session", "error.live_session_invalid")
			}
			return err
		}
	}
	_, rev, err := h.reviews.Amend(c.UserContext(), request.User(c), b.Review.ID, in)
	h.metrics.counts.Change(err)
	if session > 0 && err == nil {
		h.live.Saved(c.UserContext(), b.Sheet.ID, session, rev, request.User(c).Username)
	}
	if wantsJSON(c) {
		res := sheet.SaveResult{Revision: rev}
		return h.answerLiveSave(c, fmt.Sprintf("/sheets/%s/reviews/%d", b.Sheet.Slug, b.Review.ID), res, err, coauthors)
	}
	var conflict *sheet.ConflictError
	switch {
	case errors.As(err, &conflict):
		h.keepRefused(c, &p, b.Sheet.Slug, base, -1, form)
		return h.renderConflict(c, p, conflict)
	case err != nil:
		if _, internal := httpx.Classify(err); !internal {
			h.keepRefused(c, &p, b.Sheet.Slug, base, -1, form)
		}
		return h.renderEditError(c, p, err)
	}
	h.markSpent(c)
	h.flash(c, "success", "amended")
	return redirect(c, fmt.Sprintf("/sheets/%s/reviews/%d", b.Sheet.Slug, b.Review.ID))
}

type reviewListPage struct {
	Base
	Sheet   *model.Sheet
	Reviews []reviewListRow
	Tabs    sheetTabs
}

type reviewListRow struct {
	Review      model.Review
	SubmittedBy view.Person
	Tally       review.Tally
}

func (h *handler) showReviewListPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	bundles, err := h.read.SheetReviews(ctx, sh)
	if err != nil {
		return err
	}
	p := reviewListPage{Base: h.base(c, sh.Title), Sheet: sh, Tabs: newSheetTabs(request.Lang(c), sh.Slug, tabReviews, request.User(c) != nil)}
	for _, b := range bundles {
		p.Reviews = append(p.Reviews, reviewListRow{Review: *b.Review, SubmittedBy: view.PersonOf(b.Users[b.Review.SubmittedBy]), Tally: b.Tally})
	}
	return h.views.Render(c, fiber.StatusOK, pageReviewList, p)
}
