package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// signupPage is the sign-up form, or (Waiting) the word that the account
// waits for an admin.
type signupPage struct {
	Base
	Form     auth.NewUser
	Approval bool
	Waiting  bool
	Error    string
}

// signupOpen says whether people may make their own account
// (ATLAS_SIGNUP approval or open).
func (h *handler) signupOpen() bool {
	return h.cfg.Signup == auth.SignupApproval || h.cfg.Signup == auth.SignupOpen
}

func (h *handler) renderSignup(c *fiber.Ctx, status int, p signupPage) error {
	p.Base = h.loginBase(c)
	p.Title = p.T("signup.title")
	p.Approval = h.cfg.Signup == auth.SignupApproval
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, status, pageSignup, p)
}

func (h *handler) showSignupPage(c *fiber.Ctx) error {
	if !h.signupOpen() {
		return fiber.ErrNotFound
	}
	if request.User(c) != nil {
		return redirect(c, "/")
	}
	return h.renderSignup(c, fiber.StatusOK, signupPage{})
}

// signUp makes the account: signed in at once when sign-up is open, told
// to wait when an admin must approve.
func (h *handler) signUp(c *fiber.Ctx) error {
	if !h.signupOpen() {
		return fiber.ErrNotFound
	}
	form := auth.NewUser{Username: c.FormValue("username"), Email: c.FormValue("email"), DisplayName: c.FormValue("display_name"),
		Password: c.FormValue("password")}
	u, err := h.auth.SignUp(c.UserContext(), h.cfg.Signup, form, h.client.IP(c))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		form.Password = ""
		return h.renderSignup(c, he.Status, signupPage{Form: form, Error: he.Message(request.Lang(c))})
	}
	if u.State == model.UserPending {
		return h.renderSignup(c, fiber.StatusCreated, signupPage{Waiting: true})
	}
	if err := h.signInAfterLink(c, u); err != nil {
		return err
	}
	h.flash(c, "success", "signed_up")
	return redirect(c, "/")
}

// decideSignup is an admin's yes or no to a waiting account, on
// /admin/users.
func (h *handler) decideSignup(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := request.ParamInt(c, "id")
		if err != nil {
			return err
		}
		target, err := h.read.UserByID(c.UserContext(), int64(id))
		if err != nil {
			return err
		}
		if err := h.auth.DecideSignup(c.UserContext(), request.User(c), target, approve, c.FormValue("reason")); err != nil {
			return err
		}
		if approve {
			h.flash(c, "success", "signup_approved")
		} else {
			h.flash(c, "success", "signup_refused")
		}
		return redirect(c, "/admin/users")
	}
}
