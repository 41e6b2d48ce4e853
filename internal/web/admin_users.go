package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

type adminUsersPage struct {
	Base
	Users []model.User
	// Pending are the self-registered accounts waiting for a yes or no,
	// named at the top of the page.
	Pending []model.User
	Form    auth.NewUser
	Error   string
	// ResetError says why a password typed for an account was refused.
	ResetError string
	// NewLink is a password link just made, shown once.
	NewLink *shownLink
}

func (h *handler) renderAdminUsers(c *fiber.Ctx, status int, form auth.NewUser, message string) error {
	return h.renderAdminUsersPage(c, status, adminUsersPage{Form: form, Error: message})
}

func (h *handler) renderAdminUsersPage(c *fiber.Ctx, status int, p adminUsersPage) error {
	users, err := h.read.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	p.Base = h.base(c, "")
	p.Title = p.T("admin.users")
	p.Users = users
	for _, u := range users {
		if u.State == model.UserPending {
			p.Pending = append(p.Pending, u)
		}
	}
	if p.Form.Role == "" {
		p.Form.Role = model.RoleContributor
	}
	return h.views.Render(c, status, pageAdminUsers, p)
}

func (h *handler) showAdminUsersPage(c *fiber.Ctx) error {
	return h.renderAdminUsers(c, fiber.StatusOK, auth.NewUser{}, "")
}

func (h *handler) createUser(c *fiber.Ctx) error {
	form := auth.NewUser{
		Username: c.FormValue("username"), Email: c.FormValue("email"), DisplayName: c.FormValue("display_name"),
		Role: c.FormValue("role"), Password: c.FormValue("password"),
	}
	if _, err := h.auth.CreateUser(c.UserContext(), form); err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		form.Password = ""
		return h.renderAdminUsers(c, he.Status, form, he.Message(request.Lang(c)))
	}
	h.flash(c, "success", "user_created")
	return redirect(c, "/admin/users")
}

// updateUser changes an account's role or disables it (auth.SetRole).
func (h *handler) updateUser(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	err = h.auth.SetRole(c.UserContext(), request.User(c), int64(id), c.FormValue("role"), c.FormValue("disabled") != "")
	switch {
	case errors.Is(err, auth.ErrUnknownRole):
		return httpx.NewError(fiber.StatusUnprocessableEntity, "invalid_role", "error.invalid_role")
	case errors.Is(err, auth.ErrOwnRole):
		return httpx.NewError(fiber.StatusUnprocessableEntity, "self", "error.self")
	case err != nil:
		return err
	}
	h.flash(c, "success", "user_updated")
	return redirect(c, "/admin/users")
}

// resetUserPassword gives another account a new password typed by an
// admin (auth.ResetPassword): its sessions and API tokens end with the old
// one. An admin changes their own on the account page, which asks for the
// current password.
func (h *handler) resetUserPassword(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	actor := request.User(c)
	if int64(id) == actor.ID {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "self", "error.self_password")
	}
	target, err := h.read.UserByID(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	if _, err := h.auth.ResetPassword(c.UserContext(), actor, target, c.FormValue("password")); err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderAdminUsersPage(c, he.Status, adminUsersPage{ResetError: i18n.T(request.Lang(c), "admin.password_refused", target.Username, he.Message(request.Lang(c)))})
	}
	h.flash(c, "success", "password_reset")
	return redirect(c, "/admin/users")
}
