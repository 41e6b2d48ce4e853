package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
)

type adminUsersPage struct {
	Base
	Users []model.User
	Form  auth.NewUser
	Error string
}

func (h *handler) renderAdminUsers(c *fiber.Ctx, status int, form auth.NewUser, message string) error {
	users, err := h.store.ListUsers(c.UserContext())
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("admin.users")
	if form.Role == "" {
		form.Role = model.RoleContributor
	}
	return h.views.render(c, status, pageAdminUsers, adminUsersPage{Base: b, Users: users, Form: form, Error: message})
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
		he, internal := classify(err)
		if internal {
			return err
		}
		form.Password = ""
		return h.renderAdminUsers(c, he.Status, form, he.Message(langOf(c)))
	}
	h.flash(c, "success", "user_created")
	return redirect(c, "/admin/users")
}

// updateUser changes an account's role or disables it (auth.SetRole).
func (h *handler) updateUser(c *fiber.Ctx) error {
	id, err := paramInt(c, "id")
	if err != nil {
		return err
	}
	err = h.auth.SetRole(c.UserContext(), userOf(c), int64(id), c.FormValue("role"), c.FormValue("disabled") != "")
	switch {
	case errors.Is(err, auth.ErrUnknownRole):
		return newError(fiber.StatusUnprocessableEntity, "invalid_role", "error.invalid_role")
	case errors.Is(err, auth.ErrOwnRole):
		return newError(fiber.StatusUnprocessableEntity, "self", "error.self")
	case err != nil:
		return err
	}
	h.flash(c, "success", "user_updated")
	return redirect(c, "/admin/users")
}
