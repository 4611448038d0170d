package persistence

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Lease is the row that lets one holder (a node's session) run a channel's connection.
type Lease struct {
	ChannelID uuid.UUID
	Holder    string
	ExpiresAt time.Time
}

const (
	// sqlAcquireLease takes a free or expired lease, or extends one the holder already has; a lease held
	// by someone else and not expired is left alone (no row comes back).
	sqlAcquireLease = `INSERT INTO session_leases (channel_id, holder, expires_at)
		VALUES ($1, $2, now() + make_interval(secs => $3))
		ON CONFLICT (channel_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
		WHERE session_leases.holder = EXCLUDED.holder OR session_leases.expires_at < now()
		RETURNING holder, expires_at`
	sqlGetLease   = `SELECT holder, expires_at FROM session_leases WHERE channel_id = $1`
	sqlRenewLease = `UPDATE session_leases SET expires_at = now() + make_interval(secs => $3)
		WHERE channel_id = $1 AND holder = $2 RETURNING expires_at`
	sqlReleaseLease = `DELETE FROM session_leases WHERE channel_id = $1 AND holder = $2`
)

// AcquireLease takes the channel's lease for ttl. When another holder has it, acquired is false and the
// lease returned is theirs.
func (s *TenantStore) AcquireLease(ctx context.Context, channelID uuid.UUID, holder string, ttl time.Duration) (lease Lease, acquired bool, err error) {
	lease = Lease{ChannelID: channelID, Holder: holder}
	err = s.Pool.QueryRow(ctx, sqlAcquireLease, channelID, holder, ttl.Seconds()).Scan(&lease.Holder, &lease.ExpiresAt)
	if err == nil {
		return lease, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return lease, false, translate(err, "channel")
	}
	err = s.Pool.QueryRow(ctx, sqlGetLease, channelID).Scan(&lease.Holder, &lease.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		// Released between the two statements: the caller may simply try again.
		return lease, false, nil
	}
	return lease, false, err
}

// RenewLease extends a lease the holder still has (even past its expiry, as long as nobody took it over);
// false means someone else holds it now.
func (s *TenantStore) RenewLease(ctx context.Context, channelID uuid.UUID, holder string, ttl time.Duration) (bool, error) {
	var expires time.Time
	err := s.Pool.QueryRow(ctx, sqlRenewLease, channelID, holder, ttl.Seconds()).Scan(&expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ReleaseLease gives up the holder's lease; releasing one not held is a no-op.
func (s *TenantStore) ReleaseLease(ctx context.Context, channelID uuid.UUID, holder string) error {
	_, err := s.Pool.Exec(ctx, sqlReleaseLease, channelID, holder)
	return err
}
