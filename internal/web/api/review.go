package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

type apiBoardRequest struct {
	Members []string `json:"members"`
	// Rule, when present, sets how the board decides; absent, the board
	// keeps its rule.
	Rule *model.Rule `json:"rule"`
}

func (h *Handler) apiSetBoard(c *fiber.Ctx) error {
	var in apiBoardRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Members == nil {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "members_required", "error.members_required")
	}
	members, rule, err := h.reviews.SetBoardWithRule(c.UserContext(), request.User(c), c.Params("slug"), in.Members, in.Rule)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(members))
	for _, u := range members {
		names = append(names, u.Username)
	}
	return c.JSON(fiber.Map{"members": names, "rule": rule})
}

type apiSubmitRequest struct {
	Revision int    `json:"revision"`
	Note     string `json:"note"`
}

func (h *Handler) apiSubmitReview(c *fiber.Ctx) error {
	var in apiSubmitRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Revision < 1 {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "revision_required", "error.review_revision_required")
	}
	r, err := h.reviews.Submit(c.UserContext(), request.User(c), c.Params("slug"), in.Revision, in.Note)
	if err != nil {
		return err
	}
	return h.sendReview(c, fiber.StatusCreated, r.ID)
}

func (h *Handler) sendReview(c *fiber.Ctx, status int, id int64) error {
	b, err := h.load.Review(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(site.ToAPIReview(b))
}

func (h *Handler) apiShowReview(c *fiber.Ctx) error {
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return err
	}
	return c.JSON(site.ToAPIReview(b))
}

func (h *Handler) apiListReviews(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	bundles, err := h.read.SheetReviews(ctx, sh)
	if err != nil {
		return err
	}
	out := make([]site.APIReview, 0, len(bundles))
	for _, b := range bundles {
		out = append(out, site.ToAPIReview(b))
	}
	return c.JSON(fiber.Map{"reviews": out})
}

type apiVoteRequest struct {
	Choice   string `json:"choice"`
	Revision int    `json:"revision"`
	Comment  string `json:"comment"`
}

func (h *Handler) apiVote(c *fiber.Ctx) error {
	var in apiVoteRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.reviews.Vote(c.UserContext(), request.User(c), int64(id), in.Choice, in.Revision, in.Comment); err != nil {
		return err
	}
	h.counts.Votes.Inc()
	return h.sendReview(c, fiber.StatusOK, int64(id))
}

type apiAmendRequest struct {
	Base    *int     `json:"base"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Summary string   `json:"summary"`
	Meta    *apiMeta `json:"meta"`
}

func (h *Handler) apiAmend(c *fiber.Ctx) error {
	var in apiAmendRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Base == nil {
		return sheet.ErrBaseRequired
	}
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	user := request.User(c)
	_, rev, err := h.reviews.Amend(c.UserContext(), user, int64(id), review.AmendInput{
		Base: *in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta,
	})
	h.counts.Change(err)
	if conflict, ok := errors.AsType[*sheet.ConflictError](err); ok {
		return site.SendConflict(c, conflict)
	}
	if err != nil {
		return err
	}
	b, err := h.load.Review(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"revision": toAPIRevision(rev, user, review.RevisionSubmitted), "review": site.ToAPIReview(b),
	})
}

func (h *Handler) apiWithdraw(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.reviews.Withdraw(c.UserContext(), request.User(c), int64(id)); err != nil {
		return err
	}
	return h.sendReview(c, fiber.StatusOK, int64(id))
}
