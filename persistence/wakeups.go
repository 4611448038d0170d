package persistence

import (
	"context"
	"time"

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

const (
	sqlSetTimer        = `INSERT INTO tenant_timers (tenant_id, due_at) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET due_at = EXCLUDED.due_at`
	sqlSetTimerEarlier = `INSERT INTO tenant_timers (tenant_id, due_at) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET due_at = LEAST(tenant_timers.due_at, EXCLUDED.due_at)`
	sqlClearTimer      = `DELETE FROM tenant_timers WHERE tenant_id = $1`
	sqlTakeDueTimers   = `DELETE FROM tenant_timers WHERE due_at <= now() RETURNING tenant_id`
)

// SetTimer records the next moment a tenant has work without a request (replacing the one recorded).
func (m *Master) SetTimer(ctx context.Context, tenantID uuid.UUID, at time.Time) error {
	_, err := m.Pool.Exec(ctx, sqlSetTimer, tenantID, at)
	return err
}

// SetTimerEarlier records at unless an earlier moment is recorded already.
func (m *Master) SetTimerEarlier(ctx context.Context, tenantID uuid.UUID, at time.Time) error {
	_, err := m.Pool.Exec(ctx, sqlSetTimerEarlier, tenantID, at)
	return err
}

// ClearTimer records that a tenant has nothing due.
func (m *Master) ClearTimer(ctx context.Context, tenantID uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlClearTimer, tenantID)
	return err
}

// TakeDueTimers removes and lists the tenants whose moment has come: the caller activates them, and each
// records its next moment again. Taking the rows makes one member of a cluster do it.
func (m *Master) TakeDueTimers(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := m.Pool.Query(ctx, sqlTakeDueTimers)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
