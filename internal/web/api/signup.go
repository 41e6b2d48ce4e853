package api

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/request"
)

// apiDecideSignup is decideSignup for programs:
// POST /api/v1/users/{username}/approve (or /refuse) {"reason"?} → 200 {"username", "state"}.
func (h *Handler) apiDecideSignup(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		target, err := h.read.UserByUsername(c.UserContext(), c.Params("username"))
		if err != nil {
			return err
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if len(c.Body()) > 0 {
			if err := request.DecodeJSON(c, &in); err != nil {
				return err
			}
		}
		if err := h.auth.DecideSignup(c.UserContext(), request.User(c), target, approve, in.Reason); err != nil {
			return err
		}
		state := model.UserRefused
		if approve {
			state = model.UserActive
		}
		return c.JSON(fiber.Map{"username": target.Username, "state": state})
	}
}
