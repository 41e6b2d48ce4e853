package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/store"
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

// updateUser changes an account's role or disables it; either ends its
// sessions, so a demoted admin loses admin pages at once.
func (h *handler) updateUser(c *fiber.Ctx) error {
	id, err := paramInt(c, "id")
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if role != model.RoleContributor && role != model.RoleAdmin {
		return newError(fiber.StatusUnprocessableEntity, "invalid_role", "error.invalid_role")
	}
	if int64(id) == userOf(c).ID {
		return newError(fiber.StatusUnprocessableEntity, "self", "error.self")
	}
	disabled := c.FormValue("disabled") != ""
	err = h.store.WithTx(c.UserContext(), func(ctx context.Context) error {
		if err := h.store.UpdateUserRole(ctx, int64(id), role, disabled); err != nil {
			return err
		}
		actor := userOf(c).ID
		if err := h.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: time.Now().UTC(), ActorID: &actor, Action: store.AuditRoleChange,
			Details: model.JSONMap{"user_id": id, "role": role, "disabled": disabled}}); err != nil {
			return err
		}
		return h.store.DeleteUserSessions(ctx, int64(id))
	})
	if err != nil {
		return err
	}
	h.flash(c, "success", "user_updated")
	return redirect(c, "/admin/users")
}
