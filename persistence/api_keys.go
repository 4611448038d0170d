package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// APIKey is an integration's long-lived credential (the key itself is never stored, only its SHA-256).
type APIKey struct {
	KeyID      uuid.UUID
	TenantID   uuid.UUID
	CreatedBy  uuid.UUID
	Name       string
	Role       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
}

// APIKeyAccess is what decides, on every request made with a key, whether it still works and with which
// role: the key, its creator's current role and the tenant's status.
type APIKeyAccess struct {
	Key          APIKey
	CreatorRole  string
	TenantStatus string
}

const apiKeyColumns = `k.key_id, k.tenant_id, k.created_by, k.name, k.role, k.prefix, k.created_at, k.expires_at, k.last_used_at`

const (
	sqlInsertAPIKey = `INSERT INTO api_keys AS k (key_id, tenant_id, created_by, name, role, prefix, key_hash, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ` + apiKeyColumns
	sqlListAPIKeys  = `SELECT ` + apiKeyColumns + ` FROM api_keys k WHERE k.tenant_id = $1 ORDER BY k.created_at, k.key_id`
	sqlGetAPIKey    = `SELECT ` + apiKeyColumns + ` FROM api_keys k WHERE k.tenant_id = $1 AND k.key_id = $2`
	sqlCountAPIKeys = `SELECT count(*) FROM api_keys WHERE tenant_id = $1`
	sqlDeleteAPIKey = `DELETE FROM api_keys WHERE tenant_id = $1 AND key_id = $2`
	sqlAPIKeyAccess = `SELECT ` + apiKeyColumns + `, u.role, t.status FROM api_keys k
		JOIN users u ON u.user_id = k.created_by JOIN tenants t ON t.tenant_id = k.tenant_id WHERE k.key_hash = $1`
	sqlTouchAPIKey = `UPDATE api_keys SET last_used_at = now()
		WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`
)

type apiKeyRow interface{ Scan(dest ...any) error }

func scanAPIKeyInto(row apiKeyRow, k *APIKey, extra ...any) error {
	return row.Scan(append([]any{&k.KeyID, &k.TenantID, &k.CreatedBy, &k.Name, &k.Role, &k.Prefix, &k.CreatedAt,
		&k.ExpiresAt, &k.LastUsedAt}, extra...)...)
}

// InsertAPIKey stores a new key by its hash.
func (m *Master) InsertAPIKey(ctx context.Context, k APIKey, hash []byte) (APIKey, error) {
	var out APIKey
	err := scanAPIKeyInto(m.Pool.QueryRow(ctx, sqlInsertAPIKey, k.KeyID, k.TenantID, k.CreatedBy, k.Name, k.Role, k.Prefix,
		hash, k.ExpiresAt), &out)
	return out, translate(err, "API key")
}

// CountAPIKeys counts a tenant's keys.
func (m *Master) CountAPIKeys(ctx context.Context, tenantID uuid.UUID) (int, error) {
	var n int
	err := m.Pool.QueryRow(ctx, sqlCountAPIKeys, tenantID).Scan(&n)
	return n, err
}

// ListAPIKeys lists a tenant's keys, oldest first.
func (m *Master) ListAPIKeys(ctx context.Context, tenantID uuid.UUID) ([]APIKey, error) {
	rows, err := m.Pool.Query(ctx, sqlListAPIKeys, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []APIKey{}
	for rows.Next() {
		var k APIKey
		if err := scanAPIKeyInto(rows, &k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// GetAPIKey loads one of a tenant's keys; other tenants' keys are not found.
func (m *Master) GetAPIKey(ctx context.Context, tenantID, keyID uuid.UUID) (APIKey, error) {
	var k APIKey
	err := scanAPIKeyInto(m.Pool.QueryRow(ctx, sqlGetAPIKey, tenantID, keyID), &k)
	return k, translate(err, "API key")
}

// DeleteAPIKey removes (revokes) a key.
func (m *Master) DeleteAPIKey(ctx context.Context, tenantID, keyID uuid.UUID) error {
	tag, err := m.Pool.Exec(ctx, sqlDeleteAPIKey, tenantID, keyID)
	if err == nil && tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "API key")
	}
	return err
}

// GetAPIKeyAccess finds a key by its hash, with its creator's role and its tenant's status; an unknown or
// revoked key is not found.
func (m *Master) GetAPIKeyAccess(ctx context.Context, hash []byte) (APIKeyAccess, error) {
	var a APIKeyAccess
	err := scanAPIKeyInto(m.Pool.QueryRow(ctx, sqlAPIKeyAccess, hash), &a.Key, &a.CreatorRole, &a.TenantStatus)
	return a, translate(err, "API key")
}

// TouchAPIKey records a use of a key, at most once a minute (the condition keeps the write rare whatever
// the number of members).
func (m *Master) TouchAPIKey(ctx context.Context, keyID uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlTouchAPIKey, keyID)
	return err
}
