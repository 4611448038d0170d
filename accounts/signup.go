package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// SignUp is a new tenant and its first owner.
type SignUp struct {
	BusinessName string
	Email        string
	Password     string
	FullName     *string
}

// SignUp creates a tenant, its database and its owner. The tenant row and owner are committed first as
// PROVISIONING (so a taken email fails before any database exists); then the database is created and
// migrated and the tenant marked ACTIVE. A failure part-way removes what was made; if even that fails, the
// next activation of the tenant finishes the job, so no half tenant and no orphan database is left behind.
func (s *Service) SignUp(ctx context.Context, in SignUp) (_ Tenant, _ User, err error) {
	defer classify(&err)
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.cfg.PasswordCost)
	if err != nil {
		return Tenant{}, User{}, err
	}
	name, email := strings.TrimSpace(in.BusinessName), strings.TrimSpace(in.Email)
	tenantID := uuid.Must(uuid.NewV7())
	place, err := s.master.PlaceTenant(ctx, s.cfg.DBPlacement, s.servers.Names())
	if err != nil {
		return Tenant{}, User{}, err
	}
	server, err := s.servers.Get(place)
	if err != nil {
		return Tenant{}, User{}, err
	}
	var tenant persistence.Tenant
	var owner persistence.User
	err = s.master.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		tenant, err = persistence.InsertTenant(ctx, tx, persistence.Tenant{TenantID: tenantID, Name: name,
			DatabaseName: persistence.TenantDatabaseName(tenantID), Status: persistence.TenantProvisioning, Server: server.Name})
		if err != nil {
			return err
		}
		owner, err = persistence.InsertUser(ctx, tx, persistence.User{UserID: uuid.Must(uuid.NewV7()), TenantID: tenantID,
			Email: email, HashedPassword: string(hash), FullName: in.FullName, Role: domain.RoleOwner, BusinessName: &name})
		return err
	})
	if errors.Is(err, domain.ErrConflict) {
		return Tenant{}, User{}, domain.Conflict("an account with this email already exists")
	}
	if err != nil {
		return Tenant{}, User{}, err
	}
	if err := s.createTenantDatabase(ctx, server, tenant); err != nil {
		cleanup := context.WithoutCancel(ctx)
		if dropErr := server.Admin.DropDatabase(cleanup, tenant.DatabaseName); dropErr == nil {
			_ = s.master.DeleteTenant(cleanup, tenantID)
		}
		return Tenant{}, User{}, fmt.Errorf("provisioning tenant database: %w", err)
	}
	tenant.Status = persistence.TenantActive
	return tenantView(tenant), userView(owner), nil
}

func (s *Service) createTenantDatabase(ctx context.Context, server *persistence.Server, t persistence.Tenant) error {
	if _, err := server.Admin.EnsureDatabase(ctx, t.DatabaseName); err != nil {
		return err
	}
	if err := persistence.MigrateDatabase(ctx, server.URL, t.DatabaseName, persistence.TenantSchema); err != nil {
		return err
	}
	return s.master.SetTenantStatus(ctx, t.TenantID, persistence.TenantActive)
}

// MigrateAll upgrades every tenant database to the latest schema (aezen migrate); report hears each one.
func (s *Service) MigrateAll(ctx context.Context, report func(tenant persistence.Tenant, err error)) error {
	tenants, err := s.master.ListTenants(ctx)
	if err != nil {
		return err
	}
	var failed int
	for _, t := range tenants {
		server, err := s.servers.Get(t.Server)
		if err == nil {
			_, err = server.Admin.EnsureDatabase(ctx, t.DatabaseName)
		}
		if err == nil {
			err = persistence.MigrateDatabase(ctx, server.URL, t.DatabaseName, persistence.TenantSchema)
		}
		if err == nil && t.Status == persistence.TenantProvisioning {
			err = s.master.SetTenantStatus(ctx, t.TenantID, persistence.TenantActive)
		}
		if err != nil {
			failed++
		}
		report(t, err)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d tenant databases failed to migrate", failed, len(tenants))
	}
	return nil
}
