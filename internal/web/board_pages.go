package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

type boardPage struct {
	Base
	Sheet   *model.Sheet
	Options []boardOption
	Rule    ruleForm
	Tabs    sheetTabs
	Error   string
}

// ruleForm is the board's rule as the form shows it: the quorum and the
// deadline as typed (empty when none).
type ruleForm struct {
	Cast     bool
	Quorum   string
	TieOpen  bool
	Deadline string
}

func newRuleForm(r model.Rule) ruleForm {
	f := ruleForm{Cast: r.Kind == review.RuleCast, TieOpen: r.Tie == review.TieOpen}
	if r.Quorum > 0 {
		f.Quorum = strconv.Itoa(r.Quorum)
	}
	if r.DeadlineDays != nil {
		f.Deadline = strconv.Itoa(*r.DeadlineDays)
	}
	return f
}

// ruleOfForm reads the rule fields of the board form; a form without them
// (an older page) keeps the board's rule.
func ruleOfForm(c *fiber.Ctx) (*model.Rule, ruleForm, error) {
	f := ruleForm{Cast: c.FormValue("rule_kind") == review.RuleCast, TieOpen: c.FormValue("rule_tie") == review.TieOpen,
		Quorum: strings.TrimSpace(c.FormValue("rule_quorum")), Deadline: strings.TrimSpace(c.FormValue("rule_deadline_days"))}
	if c.FormValue("rule_kind") == "" {
		return nil, f, nil
	}
	r := model.Rule{Kind: review.RuleSeats, Tie: review.TieReject}
	if f.Cast {
		r.Kind = review.RuleCast
		n, err := strconv.Atoi(f.Quorum)
		if err != nil {
			return nil, f, review.ErrInvalidRule
		}
		r.Quorum = n
		if f.TieOpen {
			r.Tie = review.TieOpen
		}
	}
	if f.Deadline != "" {
		n, err := strconv.Atoi(f.Deadline)
		if err != nil {
			return nil, f, review.ErrInvalidRule
		}
		r.DeadlineDays = &n
	}
	return &r, f, nil
}

type boardOption struct {
	Username string
	Name     string
	Checked  bool
}

func (h *handler) renderBoard(c *fiber.Ctx, status int, checked []string, form *ruleForm, message string) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	if form == nil {
		rule, err := h.reviews.BoardRule(ctx, sh.ID)
		if err != nil {
			return err
		}
		f := newRuleForm(rule)
		form = &f
	}
	if checked == nil {
		board, err := h.read.BoardOf(ctx, sh.ID)
		if err != nil {
			return err
		}
		for _, u := range board {
			checked = append(checked, u.Username)
		}
	}
	users, err := h.read.ListUsers(ctx)
	if err != nil {
		return err
	}
	p := boardPage{Base: h.base(c, sh.Title), Sheet: sh, Tabs: newSheetTabs(request.Lang(c), sh.Slug, tabReviews, true), Error: message, Rule: *form}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		p.Options = append(p.Options, boardOption{Username: u.Username, Name: u.Name(), Checked: slices.Contains(checked, u.Username)})
	}
	return h.views.Render(c, status, pageBoard, p)
}

func (h *handler) showBoardPage(c *fiber.Ctx) error {
	return h.renderBoard(c, fiber.StatusOK, nil, nil, "")
}

func (h *handler) updateBoard(c *fiber.Ctx) error {
	var members []string
	for _, v := range c.Request().PostArgs().PeekMulti("members") {
		members = append(members, string(v))
	}
	if members == nil {
		members = []string{}
	}
	rule, form, err := ruleOfForm(c)
	if err == nil {
		_, _, err = h.reviews.SetBoardWithRule(c.UserContext(), request.User(c), c.Params("slug"), members, rule)
	}
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderBoard(c, he.Status, members, &form, he.Message(request.Lang(c)))
	}
	h.flash(c, "success", "board_updated")
	return redirect(c, "/sheets/"+c.Params("slug"))
}
