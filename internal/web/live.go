package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// liveSocket is a sheet's live co-writing session over a WebSocket (see
// internal/live and docs/LIVE.md). Only a signed-in browser of this site
// that may edit the sheet joins; the right is checked again on every
// write and every few seconds, so a disabled account, a closed session or
// an archived sheet is dropped. A refusal after the upgrade is an error
// frame and a close code (4001 not allowed, 4003 account disabled), which
// a browser's script can read, unlike an HTTP status.
func (h *handler) liveSocket(c *fiber.Ctx) error {
	user := request.User(c)
	if user == nil {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.authentication_required")
	}
	if !websocket.IsWebSocketUpgrade(c) {
		return httpx.NewError(fiber.StatusBadRequest, "upgrade_required", "error.live_upgrade_required")
	}
	if !h.sameOrigin(c) {
		return httpx.NewError(fiber.StatusForbidden, "cross_origin", "error.live_cross_origin")
	}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return h.joinLive(c, user, sh, nil)
}

// amendLiveSocket is the live session of a review's amendment page: the
// board writing its amendment together (docs/LIVE.md). Its text starts
// from the reviewed revision and is its own session, apart from the
// sheet's. Only an account that may amend the review (a member of the
// sheet's board or the submitter, while the review is open) joins and
// writes; the right is checked as on the sheet's session, so a review
// decided meanwhile closes every connection with 4001.
func (h *handler) amendLiveSocket(c *fiber.Ctx) error {
	user := request.User(c)
	if user == nil {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.authentication_required")
	}
	if !websocket.IsWebSocketUpgrade(c) {
		return httpx.NewError(fiber.StatusBadRequest, "upgrade_required", "error.live_upgrade_required")
	}
	if !h.sameOrigin(c) {
		return httpx.NewError(fiber.StatusForbidden, "cross_origin", "error.live_cross_origin")
	}
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return err
	}
	rv := *b.Review
	return h.joinLive(c, user, b.Sheet, &rv)
}

// joinLive checks the client id and upgrades into the sheet's session, or
// the review's amendment session when rv is set.
func (h *handler) joinLive(c *fiber.Ctx, user *model.User, sh *model.Sheet, rv *model.Review) error {
	client, err := strconv.ParseInt(c.Query("client"), 10, 64)
	if err != nil || client <= 0 || client > 1<<53 {
		return httpx.NewError(fiber.StatusBadRequest, "bad_client", "error.live_bad_client")
	}
	token, _ := c.Locals(localSessionToken).(string)
	token = strings.Clone(token)
	u, sheetID := *user, sh.ID
	sheetCopy := *sh
	authSvc, st := h.auth, h.read
	authorize := func(ctx context.Context) error {
		_, now, err := authSvc.Session(ctx, token)
		if errors.Is(err, auth.ErrNoSession) || (err == nil && (now == nil || now.ID != u.ID || !now.CanSignIn())) {
			return live.ErrDisabled
		}
		if err != nil {
			return err
		}
		cur, err := st.SheetByID(ctx, sheetID)
		if errors.Is(err, model.ErrNotFound) || (err == nil && !mayEdit(now, cur)) {
			return live.ErrNotAllowed
		}
		if err != nil || rv == nil {
			return err
		}
		return mayAmendLive(ctx, st, now, rv.ID)
	}
	svc := h.live
	return websocket.New(func(conn *websocket.Conn) {
		svc.Serve(conn.Conn, live.Join{Sheet: &sheetCopy, Review: rv, User: &u, Client: client, Authorize: authorize})
	})(c)
}

// mayAmendLive is the amendment's rule, read again: the review is open
// and the account sits on the sheet's board or submitted it.
func mayAmendLive(ctx context.Context, st *read.Reader, u *model.User, reviewID int64) error {
	cur, err := st.ReviewByID(ctx, reviewID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && !review.Open(cur.State)) {
		return live.ErrReviewClosed
	}
	if err != nil {
		return err
	}
	if cur.SubmittedBy == u.ID {
		return nil
	}
	member, err := st.IsBoardMember(ctx, cur.SheetID, u.ID)
	if err == nil && !member {
		return live.ErrNotAllowed
	}
	return err
}

// liveAmend saves an amendment session left by its last participant as
// its review's amendment (live.Service.Amend).
func (h *handler) liveAmend(ctx context.Context, author *model.User, reviewID int64, in sheet.SaveInput) (*model.Revision, error) {
	_, rev, err := h.reviews.Amend(ctx, author, reviewID, review.AmendInput{Base: in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta,
		Live: sheet.SaveInput{Coauthors: in.Coauthors, Session: in.Session, Saved: in.Saved}})
	if errors.Is(err, review.ErrClosed) || errors.Is(err, auth.ErrForbidden) || errors.Is(err, model.ErrNotFound) {
		return nil, live.ErrReviewGone
	}
	return rev, err
}

// mayEdit is the editor's rule: a signed-in, enabled account, and a sheet
// that is not archived.
func mayEdit(u *model.User, sh *model.Sheet) bool {
	return u.CanSignIn() && !sh.Archived()
}
