package persistence

import (
	"context"

	"github.com/google/uuid"
)

// Access is what decides, on every request, whether a token still works and with which role: the user's
// current role and token version and their tenant's status.
type Access struct {
	Role         string
	TokenVersion int
	TenantStatus string
}

const sqlGetAccess = `SELECT u.role, u.token_version, t.status FROM users u JOIN tenants t ON t.tenant_id = u.tenant_id
	WHERE u.user_id = $1 AND u.tenant_id = $2`

// GetAccess reads a user's current access; a deleted user is not found.
func (m *Master) GetAccess(ctx context.Context, tenantID, userID uuid.UUID) (Access, error) {
	var a Access
	err := m.Pool.QueryRow(ctx, sqlGetAccess, userID, tenantID).Scan(&a.Role, &a.TokenVersion, &a.TenantStatus)
	return a, translate(err, "user")
}
