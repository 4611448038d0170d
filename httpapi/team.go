package httpapi

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

func (s *Server) teamRoutes(r fiber.Router) {
	r.Get("/users", s.listUsers)
	r.Post("/users", s.createUser)
	r.Get("/users/:userId", s.getUser)
	r.Put("/users/:userId", s.updateUser)
	r.Delete("/users/:userId", s.deleteUser)
}

type createUserRequest struct {
	Email     string  `json:"email" validate:"required,email,max=254"`
	Password  string  `json:"password" validate:"required,min=8,max=72"`
	FullName  *string `json:"fullName" validate:"omitempty,min=1,max=200"`
	Role      string  `json:"role" validate:"required,oneof=OWNER ADMIN AGENT"`
	AvatarURL *string `json:"avatarUrl" validate:"omitempty,url,max=2000"`
}

type updateUserRequest struct {
	FullName  *string `json:"fullName" validate:"omitempty,min=1,max=200"`
	Role      *string `json:"role" validate:"omitempty,oneof=OWNER ADMIN AGENT"`
	AvatarURL *string `json:"avatarUrl" validate:"omitempty,url,max=2000"`
	Password  *string `json:"password" validate:"omitempty,min=8,max=72"`
}

type userList struct {
	Data []persistence.User `json:"data"`
}

func canManageTeam(role string) bool { return role == domain.RoleOwner || role == domain.RoleAdmin }

func (s *Server) listUsers(c *fiber.Ctx) error {
	users, err := s.deps.Master.ListUsers(c.UserContext(), caller(c).TenantID)
	if err != nil {
		return err
	}
	if users == nil {
		users = []persistence.User{}
	}
	return c.JSON(userList{Data: users})
}

func (s *Server) getUser(c *fiber.Ctx) error {
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	u, err := s.deps.Master.GetUser(c.UserContext(), caller(c).TenantID, id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *Server) createUser(c *fiber.Ctx) error {
	p := caller(c)
	if !canManageTeam(p.Role) {
		return domain.Forbidden("only owners and admins manage the team")
	}
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Role == domain.RoleOwner && p.Role != domain.RoleOwner {
		return domain.Forbidden("only an owner can make another owner")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	var created persistence.User
	err = s.deps.Master.InTx(c.UserContext(), func(tx pgx.Tx) error {
		created, err = persistence.InsertUser(c.UserContext(), tx, persistence.User{UserID: uuid.Must(uuid.NewV7()),
			TenantID: p.TenantID, Email: strings.TrimSpace(req.Email), HashedPassword: string(hash), FullName: req.FullName,
			Role: req.Role, AvatarURL: req.AvatarURL})
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(created)
}

func (s *Server) updateUser(c *fiber.Ctx) error {
	p := caller(c)
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	self := id == p.UserID
	if !self && !canManageTeam(p.Role) {
		return domain.Forbidden("only owners and admins manage other users")
	}
	if req.Role != nil && !canManageTeam(p.Role) {
		return domain.Forbidden("only owners and admins change roles")
	}
	changes := persistence.UserChanges{FullName: req.FullName, Role: req.Role, AvatarURL: req.AvatarURL}
	if req.Password != nil {
		hash, err := bcrypt.GenerateFromPassword([]byte(*req.Password), bcrypt.DefaultCost)
		if err != nil {
			return err
		}
		h := string(hash)
		changes.HashedPassword = &h
	}
	ctx := c.UserContext()
	var updated persistence.User
	err = s.deps.Master.InTx(ctx, func(tx pgx.Tx) error {
		if err := persistence.LockTeam(ctx, tx, p.TenantID); err != nil {
			return err
		}
		target, err := persistence.GetUserTx(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if target.Role == domain.RoleOwner && !self && p.Role != domain.RoleOwner {
			return domain.Forbidden("only an owner can change an owner")
		}
		if req.Role != nil && (*req.Role == domain.RoleOwner) != (target.Role == domain.RoleOwner) && p.Role != domain.RoleOwner {
			return domain.Forbidden("only an owner can grant or remove the owner role")
		}
		if req.Role != nil && target.Role == domain.RoleOwner && *req.Role != domain.RoleOwner {
			if err := requireAnotherOwner(ctx, tx, p.TenantID); err != nil {
				return err
			}
		}
		updated, err = persistence.UpdateUser(ctx, tx, p.TenantID, id, changes)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(updated)
}

func (s *Server) deleteUser(c *fiber.Ctx) error {
	p := caller(c)
	if !canManageTeam(p.Role) {
		return domain.Forbidden("only owners and admins manage the team")
	}
	id, err := pathUUID(c, "userId")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	err = s.deps.Master.InTx(ctx, func(tx pgx.Tx) error {
		if err := persistence.LockTeam(ctx, tx, p.TenantID); err != nil {
			return err
		}
		target, err := persistence.GetUserTx(ctx, tx, p.TenantID, id)
		if err != nil {
			return err
		}
		if target.Role == domain.RoleOwner {
			if p.Role != domain.RoleOwner {
				return domain.Forbidden("only an owner can remove an owner")
			}
			if err := requireAnotherOwner(ctx, tx, p.TenantID); err != nil {
				return err
			}
		}
		return persistence.DeleteUser(ctx, tx, p.TenantID, id)
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// requireAnotherOwner refuses to remove or demote the last owner of a tenant.
func requireAnotherOwner(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) error {
	n, err := persistence.CountOwners(ctx, tx, tenantID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return domain.Conflict("the last owner cannot be removed or demoted; make another owner first")
	}
	return nil
}

// managersOnly lets only owners and admins through: what an agent may not do (manage channels and the
// WhatsApp connection) is refused with 403 before the request reaches the tenant.
func managersOnly(what string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !canManageTeam(caller(c).Role) {
			return domain.Forbidden("only owners and admins %s", what)
		}
		return c.Next()
	}
}
