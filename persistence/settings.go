package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Settings are a tenant's team settings (one row, tenant_settings).
type Settings struct {
	// AgentVisibility is domain.VisibilityAll or domain.VisibilityAssigned.
	AgentVisibility string     `json:"agentVisibility"`
	AutoAssign      AutoAssign `json:"autoAssign"`
	UpdatedAt       time.Time  `json:"updatedAt"`
}

// AutoAssign is the automatic assignment setting: on or off, and the cap of open conversations (OPEN or
// PENDING) an agent may hold before it skips them.
type AutoAssign struct {
	Enabled         bool `json:"enabled"`
	MaxOpenPerAgent int  `json:"maxOpenPerAgent"`
}

const (
	sqlGetSettings = `SELECT agent_visibility, auto_assign_enabled, auto_assign_max_open, updated_at FROM tenant_settings`
	sqlSetSettings = `UPDATE tenant_settings SET agent_visibility = $1, auto_assign_enabled = $2, auto_assign_max_open = $3,
		updated_at = now() RETURNING agent_visibility, auto_assign_enabled, auto_assign_max_open, updated_at`
	sqlOpenAssigned = `SELECT user_id, count(*) FROM chats
		WHERE user_id = ANY($1) AND status IN ('OPEN', 'PENDING') GROUP BY user_id`
)

// GetSettings reads the tenant's settings.
func (s *TenantStore) GetSettings(ctx context.Context) (Settings, error) {
	var st Settings
	err := s.Pool.QueryRow(ctx, sqlGetSettings).Scan(&st.AgentVisibility, &st.AutoAssign.Enabled, &st.AutoAssign.MaxOpenPerAgent, &st.UpdatedAt)
	return st, translate(err, "settings")
}

// SetSettings writes the tenant's settings.
func (s *TenantStore) SetSettings(ctx context.Context, st Settings) (Settings, error) {
	var out Settings
	err := s.Pool.QueryRow(ctx, sqlSetSettings, st.AgentVisibility, st.AutoAssign.Enabled, st.AutoAssign.MaxOpenPerAgent).
		Scan(&out.AgentVisibility, &out.AutoAssign.Enabled, &out.AutoAssign.MaxOpenPerAgent, &out.UpdatedAt)
	return out, translate(err, "settings")
}

// OpenAssigned counts the open (OPEN or PENDING) conversations assigned to each of users; a user with none
// is missing from the map.
func (s *TenantStore) OpenAssigned(ctx context.Context, users []uuid.UUID) (map[uuid.UUID]int, error) {
	rows, err := s.Pool.Query(ctx, sqlOpenAssigned, users)
	if err != nil {
		return nil, translate(err, "conversation")
	}
	defer rows.Close()
	out := make(map[uuid.UUID]int, len(users))
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, translate(rows.Err(), "conversation")
}
