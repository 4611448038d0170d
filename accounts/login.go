package accounts

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// ErrBadCredentials answers a login whose email is unknown or whose password is wrong: the same error for
// both, so that the answer does not tell which emails have accounts.
var ErrBadCredentials = &domain.Error{Code: domain.CodeUnauthorized, Message: "email or password is wrong"}

// Login checks an email and password and returns the user and their tenant.
func (s *Service) Login(ctx context.Context, email, password string) (_ User, _ Tenant, err error) {
	defer classify(&err)
	user, err := s.master.GetUserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, domain.ErrNotFound) {
		// Spend the same time as a wrong password, so timing does not tell which emails exist.
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return User{}, Tenant{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, Tenant{}, err
	}
	if user.HashedPassword == "" || bcrypt.CompareHashAndPassword([]byte(user.HashedPassword), []byte(password)) != nil {
		return User{}, Tenant{}, ErrBadCredentials
	}
	tenant, err := s.master.GetTenant(ctx, user.TenantID)
	if err != nil {
		return User{}, Tenant{}, err
	}
	if tenant.Status == persistence.TenantSuspended {
		return User{}, Tenant{}, ErrTenantSuspended
	}
	return userView(user), tenantView(tenant), nil
}

// Me returns a user and their tenant; domain.ErrNotFound when the user no longer exists.
func (s *Service) Me(ctx context.Context, tenantID, userID uuid.UUID) (_ User, _ Tenant, err error) {
	defer classify(&err)
	user, err := s.master.GetUser(ctx, tenantID, userID)
	if err != nil {
		return User{}, Tenant{}, err
	}
	tenant, err := s.master.GetTenant(ctx, tenantID)
	if err != nil {
		return User{}, Tenant{}, err
	}
	return userView(user), tenantView(tenant), nil
}

// Ready reports whether the master database answers.
func (s *Service) Ready(ctx context.Context) error { return s.master.Pool.Ping(ctx) }

// ChannelTenant is the tenant that owns a channel (from the master database's channel routes).
func (s *Service) ChannelTenant(ctx context.Context, channelID uuid.UUID) (_ uuid.UUID, err error) {
	defer classify(&err)
	return s.master.ChannelTenant(ctx, channelID)
}
