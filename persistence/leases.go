package persistence

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The tenant lease (master database): at most one activation of a tenant holds it at a time.
const (
	// sqlAcquireTenantLease takes a tenant's lease with the next epoch when it is free (released or expired)
	// and no move of the tenant is under way, unless the holder is that move.
	sqlAcquireTenantLease = `INSERT INTO tenant_leases (tenant_id, holder, epoch, expires_at)
		SELECT $1::uuid, $2::text, 1, now() + make_interval(secs => $3::float8)
		WHERE NOT EXISTS (SELECT 1 FROM tenant_moves m WHERE m.tenant_id = $1 AND m.expires_at > now() AND m.holder <> $2)
		ON CONFLICT (tenant_id) DO UPDATE SET holder = EXCLUDED.holder, epoch = tenant_leases.epoch + 1,
			acquired_at = now(), expires_at = EXCLUDED.expires_at
		WHERE tenant_leases.expires_at <= now()
		RETURNING epoch`
	// sqlRecordActivation also reads the tenant's server, in a statement of its own: its snapshot is taken
	// after the lease was, so it sees the server a move switched to before releasing its lease.
	sqlRecordActivation = `INSERT INTO tenant_activations (tenant_id, epoch, holder) VALUES ($1, $2, $3)
		RETURNING (SELECT server FROM tenants WHERE tenant_id = $1)`
	// sqlRenewLeases extends the leases a member still holds, in one statement for all of them, and reads
	// each tenant's status so that a suspension also reaches active tenants; a tenant being moved reads
	// MOVING, so that its member stops it.
	sqlRenewLeases = `UPDATE tenant_leases l SET expires_at = now() + make_interval(secs => $4)
		FROM unnest($2::uuid[], $3::bigint[]) AS mine (tenant_id, epoch), tenants t
		WHERE l.tenant_id = mine.tenant_id AND l.epoch = mine.epoch AND l.holder = $1 AND l.expires_at > now()
			AND t.tenant_id = l.tenant_id
		RETURNING l.tenant_id, CASE WHEN EXISTS (SELECT 1 FROM tenant_moves m WHERE m.tenant_id = l.tenant_id
			AND m.expires_at > now() AND m.holder <> $1) THEN 'MOVING' ELSE t.status END`
	sqlReleaseTenantLease = `UPDATE tenant_leases SET expires_at = now() WHERE tenant_id = $1 AND epoch = $2 AND expires_at > now()`
	// sqlPreviousLease reads the lease about to be replaced, locked until the acquiring transaction ends.
	sqlPreviousLease = `SELECT epoch, expires_at FROM tenant_leases WHERE tenant_id = $1 FOR UPDATE`
	// sqlEndExpiredActivation records when an activation whose member never released its lease (it was
	// killed, or stopped before it could) ended: when its lease expired, since it could not renew it after
	// that and the tenant database's fence refuses its epoch's writes from the next activation on.
	sqlEndExpiredActivation = `UPDATE tenant_activations SET ended_at = $3 WHERE tenant_id = $1 AND epoch = $2 AND ended_at IS NULL`
	sqlEndActivation        = `UPDATE tenant_activations SET ended_at = clock_timestamp() WHERE tenant_id = $1 AND epoch = $2 AND ended_at IS NULL`
	// sqlMoveFence makes the tenant database accept only this epoch's writes; it waits for the write
	// transactions of older epochs still running (they hold the fence row FOR SHARE).
	sqlMoveFence = `UPDATE activation_fence SET epoch = $1 WHERE epoch < $1`
)

// LeaseMoving is the status RenewTenantLeases reports for a tenant whose database is being moved: its
// member stops it (it is not a status of the tenants table).
const LeaseMoving = "MOVING"

// TenantLease is a tenant lease taken by AcquireTenantLease.
type TenantLease struct {
	Epoch int64
	// Server is where the tenant's database lives, read after the lease was taken.
	Server string
}

// AcquireTenantLease takes a tenant's lease for holder (a member's address) for ttl, and records the
// activation. ok is false when another activation holds an unexpired lease or a move is under way.
// It is one transaction in two pipelined round trips (issue 17, cold activation; it was six): BEGIN, the
// previous lease locked and the lease taken; then the end of an expired activation, the record of this one
// with the tenant's server (read in a statement of its own, after the lease was taken) and COMMIT.
func (m *Master) AcquireTenantLease(ctx context.Context, tenantID uuid.UUID, holder string, ttl time.Duration) (lease TenantLease, ok bool, err error) {
	conn, err := m.Pool.Acquire(ctx)
	if err != nil {
		return lease, false, err
	}
	defer conn.Release()
	var prevEpoch int64
	var prevExpiry time.Time
	var hadPrev, acquired bool
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(sqlPreviousLease, tenantID).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			hadPrev = true
			if err := rows.Scan(&prevEpoch, &prevExpiry); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	b.Queue(sqlAcquireTenantLease, tenantID, holder, ttl.Seconds()).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			acquired = true
			if err := rows.Scan(&lease.Epoch); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err = conn.SendBatch(ctx, b).Close(); err != nil || !acquired {
		rollback(ctx, conn.Conn())
		return TenantLease{}, false, err
	}
	b = &pgx.Batch{}
	if hadPrev && prevEpoch > 0 {
		b.Queue(sqlEndExpiredActivation, tenantID, prevEpoch, prevExpiry)
	}
	b.Queue(sqlRecordActivation, tenantID, lease.Epoch, holder).QueryRow(func(r pgx.Row) error { return r.Scan(&lease.Server) })
	b.Queue("COMMIT")
	if err = conn.SendBatch(ctx, b).Close(); err != nil {
		rollback(ctx, conn.Conn())
		return TenantLease{}, false, err
	}
	return lease, true, nil
}

// rollback ends a transaction a batch left open or failed, so that the connection goes back to its pool
// (pgxpool closes one returned inside a transaction); an error here is the connection's, which the pool
// then drops.
func rollback(ctx context.Context, conn *pgx.Conn) {
	if conn.PgConn().TxStatus() != 'I' {
		_, _ = conn.Exec(ctx, "ROLLBACK")
	}
}

// HeldLease is a lease a member believes it holds.
type HeldLease struct {
	TenantID uuid.UUID
	Epoch    int64
}

// RenewTenantLeases extends the leases of holder for ttl. It returns the status of each tenant whose lease
// was renewed; a lease missing from the answer was lost (expired and taken, or released).
func (m *Master) RenewTenantLeases(ctx context.Context, holder string, leases []HeldLease, ttl time.Duration) (map[uuid.UUID]string, error) {
	ids := make([]uuid.UUID, len(leases))
	epochs := make([]int64, len(leases))
	for i, l := range leases {
		ids[i], epochs[i] = l.TenantID, l.Epoch
	}
	rows, err := m.Pool.Query(ctx, sqlRenewLeases, holder, ids, epochs, ttl.Seconds())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[uuid.UUID]string, len(leases))
	for rows.Next() {
		var id uuid.UUID
		var status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, err
		}
		out[id] = status
	}
	return out, rows.Err()
}

// ReleaseTenantLease frees a lease at passivation, so that the next activation anywhere takes it at once.
func (m *Master) ReleaseTenantLease(ctx context.Context, tenantID uuid.UUID, epoch int64) error {
	return m.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlReleaseTenantLease, tenantID, epoch); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlEndActivation, tenantID, epoch)
		return err
	})
}

// Activation is one lease of a tenant, from tenant_activations.
type Activation struct {
	Epoch     int64
	Holder    string
	StartedAt time.Time
	EndedAt   *time.Time
}

// TenantActivations lists a tenant's activations, oldest first.
func (m *Master) TenantActivations(ctx context.Context, tenantID uuid.UUID) ([]Activation, error) {
	rows, err := m.Pool.Query(ctx, `SELECT epoch, holder, started_at, ended_at FROM tenant_activations WHERE tenant_id = $1 ORDER BY epoch`, tenantID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Activation, error) {
		var a Activation
		err := r.Scan(&a.Epoch, &a.Holder, &a.StartedAt, &a.EndedAt)
		return a, err
	})
}

// MoveFence makes the tenant database refuse writes of activations older than epoch. It returns false when
// a newer activation already moved it (this one is stale).
func MoveFence(ctx context.Context, conn *pgx.Conn, epoch int64) (bool, error) {
	tag, err := conn.Exec(ctx, sqlMoveFence, epoch)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// IsStaleEpoch reports whether err is the tenant database refusing a write of an activation that lost its
// lease (SQLSTATE AZ001 from the fence trigger).
func IsStaleEpoch(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "AZ001"
}

// MigrateTenantUnfenced migrates a tenant database on an activation's connection with the connection's epoch
// cleared for the while: the fence is moved only after the migrations (the first of them creates it), so a
// migration that writes rows must not be held to the old epoch.
func MigrateTenantUnfenced(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "SET aezen.epoch = ''"); err != nil {
		return err
	}
	err := Migrate(ctx, conn, TenantSchema)
	if _, resetErr := conn.Exec(ctx, "RESET aezen.epoch"); err == nil {
		err = resetErr
	}
	return err
}
