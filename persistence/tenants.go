package persistence

import (
	"context"
	"time"

	"github.com/aezen/engine/domain"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Tenant statuses (declared in domain): a tenant is PROVISIONING until its database exists and is migrated.
const (
	TenantProvisioning = domain.TenantProvisioning
	TenantActive       = domain.TenantActive
	TenantSuspended    = domain.TenantSuspended
)

// Tenant is a brand: one row in the master database and one database of its own.
type Tenant struct {
	TenantID     uuid.UUID `json:"tenantId"`
	Name         string    `json:"name"`
	DatabaseName string    `json:"-"`
	// Server is the name of the PostgreSQL server that holds the tenant's database (config.DBServerList).
	Server    string    `json:"-"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

const tenantColumns = `tenant_id, name, database_name, status, created_at, updated_at, server`

const (
	sqlInsertTenant = `INSERT INTO tenants (tenant_id, name, database_name, status, server)
		VALUES ($1, $2, $3, $4, $5) RETURNING ` + tenantColumns
	sqlGetTenant       = `SELECT ` + tenantColumns + ` FROM tenants WHERE tenant_id = $1`
	sqlListTenants     = `SELECT ` + tenantColumns + ` FROM tenants ORDER BY created_at, tenant_id`
	sqlSetTenantStatus = `UPDATE tenants SET status = $2, updated_at = now() WHERE tenant_id = $1`
	sqlDeleteTenant    = `DELETE FROM tenants WHERE tenant_id = $1`
)

func scanTenant(row pgx.Row) (Tenant, error) {
	var t Tenant
	err := row.Scan(&t.TenantID, &t.Name, &t.DatabaseName, &t.Status, &t.CreatedAt, &t.UpdatedAt, &t.Server)
	return t, translate(err, "tenant")
}

// InsertTenant adds a tenant row inside tx (on server "default" when t.Server is empty).
func InsertTenant(ctx context.Context, tx pgx.Tx, t Tenant) (Tenant, error) {
	if t.Server == "" {
		t.Server = DefaultServer
	}
	return scanTenant(tx.QueryRow(ctx, sqlInsertTenant, t.TenantID, t.Name, t.DatabaseName, t.Status, t.Server))
}

// GetTenant loads one tenant.
func (m *Master) GetTenant(ctx context.Context, id uuid.UUID) (Tenant, error) {
	return scanTenant(m.Pool.QueryRow(ctx, sqlGetTenant, id))
}

// ListTenants returns every tenant, oldest first.
func (m *Master) ListTenants(ctx context.Context) ([]Tenant, error) {
	rows, err := m.Pool.Query(ctx, sqlListTenants)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Tenant, error) { return scanTenant(r) })
}

// SetTenantStatus moves a tenant to status.
func (m *Master) SetTenantStatus(ctx context.Context, id uuid.UUID, status string) error {
	_, err := m.Pool.Exec(ctx, sqlSetTenantStatus, id, status)
	return err
}

// DeleteTenant removes a tenant and, by cascade, its users.
func (m *Master) DeleteTenant(ctx context.Context, id uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlDeleteTenant, id)
	return err
}
