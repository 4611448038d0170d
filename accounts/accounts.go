// Package accounts holds the rules of tenants and their teams, kept in the master database: sign-up
// (which provisions the tenant's own database), login, and who may add, change or remove whom (the
// last-owner rule). They sit below HTTP so that every entry point (the API today, an admin tool or a
// WebSocket command tomorrow) enforces the same rules, and so that httpapi does not reach into persistence.
package accounts

import (
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/config"
	"github.com/aezen/engine/persistence"
)

// Service answers the account and team operations of every tenant.
type Service struct {
	cfg    *config.Config
	master *persistence.Master
	// servers are the PostgreSQL servers that hold tenant databases.
	servers *persistence.Servers
	access  *accessCache
	keys    *keyCache
	// dummyHash is compared against when an email is unknown, so that a login takes as long whether or not
	// the email exists.
	dummyHash []byte
}

// New builds the service on the node's master database and tenant database servers.
func New(cfg *config.Config, master *persistence.Master, servers *persistence.Servers) *Service {
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password"), cfg.PasswordCost)
	return &Service{cfg: cfg, master: master, servers: servers, dummyHash: dummy, access: newAccessCache(), keys: newKeyCache()}
}

// User is a team member as the API shows it (never the password hash).
type User struct {
	UserID            uuid.UUID `json:"userId"`
	TenantID          uuid.UUID `json:"tenantId"`
	Email             string    `json:"email"`
	FullName          *string   `json:"fullName"`
	Role              string    `json:"role"`
	LoginProvider     string    `json:"loginProvider"`
	ProviderAccountID *string   `json:"providerAccountId"`
	BusinessName      *string   `json:"businessName"`
	AvatarURL         *string   `json:"avatarUrl"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`
	// TokenVersion goes into the user's tokens (never shown): a password change increments it.
	TokenVersion int `json:"-"`
}

// Tenant is a tenant as the API shows it (never its database name).
type Tenant struct {
	TenantID  uuid.UUID `json:"tenantId"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func userView(u persistence.User) User {
	return User{UserID: u.UserID, TenantID: u.TenantID, Email: u.Email, FullName: u.FullName, Role: u.Role,
		LoginProvider: u.LoginProvider, ProviderAccountID: u.ProviderAccountID, BusinessName: u.BusinessName,
		AvatarURL: u.AvatarURL, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, TokenVersion: u.TokenVersion}
}

func tenantView(t persistence.Tenant) Tenant {
	return Tenant{TenantID: t.TenantID, Name: t.Name, Status: t.Status, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// Actor is the authenticated user on whose behalf a team operation runs.
type Actor struct {
	UserID   uuid.UUID
	TenantID uuid.UUID
	Role     string
}

// classify turns a master-database outage into a domain "unavailable" error (503 with Retry-After), so that
// a login that failed because PostgreSQL was down is not mistaken for wrong credentials.
func classify(err *error) { *err = persistence.Classify(*err) }
