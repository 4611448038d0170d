package persistence

import (
	"context"
	"time"
)

// Settings are a tenant's team settings (one row, tenant_settings).
type Settings struct {
	// AgentVisibility is domain.VisibilityAll or domain.VisibilityAssigned.
	AgentVisibility string    `json:"agentVisibility"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

const (
	sqlGetSettings = `SELECT agent_visibility, updated_at FROM tenant_settings`
	sqlSetSettings = `UPDATE tenant_settings SET agent_visibility = $1, updated_at = now() RETURNING agent_visibility, updated_at`
)

// GetSettings reads the tenant's settings.
func (s *TenantStore) GetSettings(ctx context.Context) (Settings, error) {
	var st Settings
	err := s.Pool.QueryRow(ctx, sqlGetSettings).Scan(&st.AgentVisibility, &st.UpdatedAt)
	return st, translate(err, "settings")
}

// SetSettings writes the tenant's settings.
func (s *TenantStore) SetSettings(ctx context.Context, st Settings) (Settings, error) {
	var out Settings
	err := s.Pool.QueryRow(ctx, sqlSetSettings, st.AgentVisibility).Scan(&out.AgentVisibility, &out.UpdatedAt)
	return out, translate(err, "settings")
}
