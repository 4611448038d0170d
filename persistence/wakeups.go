package persistence

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const (
	sqlSetWakeup   = `INSERT INTO tenant_wakeups (tenant_id, reason) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET reason = EXCLUDED.reason, updated_at = now()`
	sqlClearWakeup = `DELETE FROM tenant_wakeups WHERE tenant_id = $1`
	sqlListWakeups = `SELECT tenant_id FROM tenant_wakeups ORDER BY updated_at`
)

// SetWakeup records that a tenant must stay active (reason says why, for operators).
func (m *Master) SetWakeup(ctx context.Context, tenantID uuid.UUID, reason string) error {
	_, err := m.Pool.Exec(ctx, sqlSetWakeup, tenantID, reason)
	return err
}

// ClearWakeup records that a tenant may sleep.
func (m *Master) ClearWakeup(ctx context.Context, tenantID uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlClearWakeup, tenantID)
	return err
}

// Wakeups lists the tenants that must be active.
func (m *Master) Wakeups(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := m.Pool.Query(ctx, sqlListWakeups)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
