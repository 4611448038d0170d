package accounts

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// NewUser is a team member to add.
type NewUser struct {
	Email     string
	Password  string
	FullName  *string
	Role      string
	AvatarURL *string
}

// UserChanges are the fields of a member to change; nil leaves a field as it is.
type UserChanges struct {
	FullName  *string
	Role      *string
	AvatarURL *string
	Password  *string
}

// CanManageTeam reports whether a role may add, change and remove other members.
func CanManageTeam(role string) bool { return role == domain.RoleOwner || role == domain.RoleAdmin }

// RequireTeamManager refuses roles that may not manage the team.
func RequireTeamManager(role string) error {
	if !CanManageTeam(role) {
		return domain.Forbidden("only owners and admins manage the team")
	}
	return nil
}

// ListUsers lists the members of a tenant's team.
func (s *Service) ListUsers(ctx context.Context, tenantID uuid.UUID) (_ []User, err error) {
	defer classify(&err)
	users, err := s.master.ListUsers(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(users))
	for _, u := range users {
		out = append(out, userView(u))
	}
	return out, nil
}

// GetUser returns one member of a tenant's team.
func (s *Service) GetUser(ctx context.Context, tenantID, userID uuid.UUID) (_ User, err error) {
	defer classify(&err)
	u, err := s.master.GetUser(ctx, tenantID, userID)
	return userView(u), err
}

// CreateUser adds a member: owners and admins may, and only an owner makes another owner.
func (s *Service) CreateUser(ctx context.Context, by Actor, in NewUser) (_ User, err error) {
	defer classify(&err)
	if err := RequireTeamManager(by.Role); err != nil {
		return User{}, err
	}
	if in.Role == domain.RoleOwner && by.Role != domain.RoleOwner {
		return User{}, domain.Forbidden("only an owner can make another owner")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.cfg.PasswordCost)
	if err != nil {
		return User{}, err
	}
	var created persistence.User
	err = s.master.InTx(ctx, func(tx pgx.Tx) error {
		created, err = persistence.InsertUser(ctx, tx, persistence.User{UserID: uuid.Must(uuid.NewV7()),
			TenantID: by.TenantID, Email: strings.TrimSpace(in.Email), HashedPassword: string(hash), FullName: in.FullName,
			Role: in.Role, AvatarURL: in.AvatarURL})
		return err
	})
	if err != nil {
		return User{}, err
	}
	return userView(created), nil
}

// UpdateUser changes a member. Anyone may change themselves; owners and admins change others; only an
// owner changes an owner or grants or removes the owner role; the last owner cannot be demoted.
func (s *Service) UpdateUser(ctx context.Context, by Actor, id uuid.UUID, in UserChanges) (_ User, err error) {
	defer classify(&err)
	self := id == by.UserID
	if !self && !CanManageTeam(by.Role) {
		return User{}, domain.Forbidden("only owners and admins manage other users")
	}
	if in.Role != nil && !CanManageTeam(by.Role) {
		return User{}, domain.Forbidden("only owners and admins change roles")
	}
	changes := persistence.UserChanges{FullName: in.FullName, Role: in.Role, AvatarURL: in.AvatarURL}
	if in.Password != nil {
		hash, err := bcrypt.GenerateFromPassword([]byte(*in.Password), s.cfg.PasswordCost)
		if err != nil {
			return User{}, err
		}
		h := string(hash)
		changes.HashedPassword = &h
	}
	var updated persistence.User
	err = s.master.InTx(ctx, func(tx pgx.Tx) error {
		if err := persistence.LockTeam(ctx, tx, by.TenantID); err != nil {
			return err
		}
		target, err := persistence.GetUserTx(ctx, tx, by.TenantID, id)
		if err != nil {
			return err
		}
		if target.Role == domain.RoleOwner && !self && by.Role != domain.RoleOwner {
			return domain.Forbidden("only an owner can change an owner")
		}
		if in.Role != nil && (*in.Role == domain.RoleOwner) != (target.Role == domain.RoleOwner) && by.Role != domain.RoleOwner {
			return domain.Forbidden("only an owner can grant or remove the owner role")
		}
		if in.Role != nil && target.Role == domain.RoleOwner && *in.Role != domain.RoleOwner {
			if err := requireAnotherOwner(ctx, tx, by.TenantID); err != nil {
				return err
			}
		}
		updated, err = persistence.UpdateUser(ctx, tx, by.TenantID, id, changes)
		return err
	})
	if err != nil {
		return User{}, err
	}
	s.access.forget(id)
	s.keys.forgetAll() // the user's keys follow their role and existence
	return userView(updated), nil
}

// DeleteUser removes a member: owners and admins may; only an owner removes an owner, never the last one.
func (s *Service) DeleteUser(ctx context.Context, by Actor, id uuid.UUID) (err error) {
	defer classify(&err)
	if err := RequireTeamManager(by.Role); err != nil {
		return err
	}
	err = s.master.InTx(ctx, func(tx pgx.Tx) error {
		if err := persistence.LockTeam(ctx, tx, by.TenantID); err != nil {
			return err
		}
		target, err := persistence.GetUserTx(ctx, tx, by.TenantID, id)
		if err != nil {
			return err
		}
		if target.Role == domain.RoleOwner {
			if by.Role != domain.RoleOwner {
				return domain.Forbidden("only an owner can remove an owner")
			}
			if err := requireAnotherOwner(ctx, tx, by.TenantID); err != nil {
				return err
			}
		}
		return persistence.DeleteUser(ctx, tx, by.TenantID, id)
	})
	s.access.forget(id)
	s.keys.forgetAll() // the user's keys follow their role and existence
	return err
}

// requireAnotherOwner refuses to remove or demote the last owner of a tenant. It runs under LockTeam, so
// two owners demoting each other at once cannot both pass.
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
