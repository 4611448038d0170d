package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/domain"
)

// The team's rules (who may manage whom, the last owner) live in accounts; these handlers bind and answer.
func (s *Server) teamRoutes(r fiber.Router) {
	r.Get("/users", s.listUsers)
	r.Post("/users", s.createUser)
	r.Get("/users/:userId", s.getUser)
	r.Put("/users/:userId", s.updateUser)
	r.Delete("/users/:userId", s.deleteUser)
}

type createUserRequest struct {
	Email     string  `json:"email" validate:"required,email,max=254"`
	Password  string  `json:"password" validate:"required,min=8,maxbytes=72"`
	FullName  *string `json:"fullName" validate:"omitempty,min=1,max=200"`
	Role      string  `json:"role" validate:"required,role"`
	AvatarURL *string `json:"avatarUrl" validate:"omitempty,url,max=2000"`
}

type updateUserRequest struct {
	FullName  *string `json:"fullName" validate:"omitempty,min=1,max=200"`
	Role      *string `json:"role" validate:"omitempty,role"`
	AvatarURL *string `json:"avatarUrl" validate:"omitempty,url,max=2000"`
	Password  *string `json:"password" validate:"omitempty,min=8,maxbytes=72"`
}

type userList struct {
	Data []accounts.User `json:"data"`
}

// teamActor is the caller as the team rules see them.
func teamActor(c *fiber.Ctx) accounts.Actor {
	p := caller(c)
	return accounts.Actor{UserID: p.UserID, TenantID: p.TenantID, Role: p.Role}
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	users, err := s.accounts.ListUsers(c.UserContext(), caller(c).TenantID)
	if err != nil {
		return err
	}
	return c.JSON(userList{Data: users})
}

func (s *Server) getUser(c *fiber.Ctx) error {
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	u, err := s.accounts.GetUser(c.UserContext(), caller(c).TenantID, id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *Server) createUser(c *fiber.Ctx) error {
	by := teamActor(c)
	// Refused before the body is read, so an agent learns nothing from validation messages.
	if err := accounts.RequireTeamManager(by.Role); err != nil {
		return err
	}
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	created, err := s.accounts.CreateUser(c.UserContext(), by, accounts.NewUser{Email: req.Email, Password: req.Password,
		FullName: req.FullName, Role: req.Role, AvatarURL: req.AvatarURL})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(created)
}

func (s *Server) updateUser(c *fiber.Ctx) error {
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	updated, err := s.accounts.UpdateUser(c.UserContext(), teamActor(c), id, accounts.UserChanges{FullName: req.FullName,
		Role: req.Role, AvatarURL: req.AvatarURL, Password: req.Password})
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

func (s *Server) deleteUser(c *fiber.Ctx) error {
	by := teamActor(c)
	if err := accounts.RequireTeamManager(by.Role); err != nil {
		return err
	}
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	if err := s.accounts.DeleteUser(c.UserContext(), by, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// managersOnly lets only owners and admins through: what an agent may not do (manage channels and the
// WhatsApp connection) is refused with 403 before the request reaches the tenant.
func managersOnly(what string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !accounts.CanManageTeam(caller(c).Role) {
			return domain.Forbidden("only owners and admins %s", what)
		}
		return c.Next()
	}
}
