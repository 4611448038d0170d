package actors

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/persistence"
)

// SignUp is the input of Provision: the tenant's name and its first owner.
type SignUp struct {
	BusinessName   string
	Email          string
	HashedPassword string
	FullName       *string
}

// Provision creates a tenant, its database and its owner. The tenant row and owner are committed first as
// PROVISIONING (so a taken email fails before any database exists); then the database is created and
// migrated and the tenant marked ACTIVE. A failure part-way removes what was made; if even that fails, the
// next activation of the tenant finishes the job, so no half tenant and no orphan database is left behind.
func (n *Node) Provision(ctx context.Context, s SignUp) (persistence.Tenant, persistence.User, error) {
	deps := n.deps
	tenantID := uuid.Must(uuid.NewV7())
	var tenant persistence.Tenant
	var owner persistence.User
	err := deps.Master.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		tenant, err = persistence.InsertTenant(ctx, tx, persistence.Tenant{TenantID: tenantID, Name: s.BusinessName,
			DatabaseName: persistence.TenantDatabaseName(tenantID), Status: persistence.TenantProvisioning})
		if err != nil {
			return err
		}
		owner, err = persistence.InsertUser(ctx, tx, persistence.User{UserID: uuid.Must(uuid.NewV7()), TenantID: tenantID,
			Email: s.Email, HashedPassword: s.HashedPassword, FullName: s.FullName, Role: "OWNER", BusinessName: &s.BusinessName})
		return err
	})
	if err != nil {
		return tenant, owner, err
	}
	if err := n.createTenantDatabase(ctx, tenant); err != nil {
		cleanup := context.WithoutCancel(ctx)
		if dropErr := deps.Admin.DropDatabase(cleanup, tenant.DatabaseName); dropErr == nil {
			_ = deps.Master.DeleteTenant(cleanup, tenantID)
		}
		return tenant, owner, fmt.Errorf("provisioning tenant database: %w", err)
	}
	tenant.Status = persistence.TenantActive
	return tenant, owner, nil
}

func (n *Node) createTenantDatabase(ctx context.Context, t persistence.Tenant) error {
	if _, err := n.deps.Admin.EnsureDatabase(ctx, t.DatabaseName); err != nil {
		return err
	}
	if err := persistence.MigrateDatabase(ctx, n.deps.Config.DatabaseURL, t.DatabaseName, persistence.TenantSchema); err != nil {
		return err
	}
	return n.deps.Master.SetTenantStatus(ctx, t.TenantID, persistence.TenantActive)
}

// MigrateAll upgrades the master database and every tenant database to the latest schema (aezen migrate).
func MigrateAll(ctx context.Context, deps *Deps, report func(tenant persistence.Tenant, err error)) error {
	tenants, err := deps.Master.ListTenants(ctx)
	if err != nil {
		return err
	}
	var failed int
	for _, t := range tenants {
		_, err := deps.Admin.EnsureDatabase(ctx, t.DatabaseName)
		if err == nil {
			err = persistence.MigrateDatabase(ctx, deps.Config.DatabaseURL, t.DatabaseName, persistence.TenantSchema)
		}
		if err == nil && t.Status == persistence.TenantProvisioning {
			err = deps.Master.SetTenantStatus(ctx, t.TenantID, persistence.TenantActive)
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
