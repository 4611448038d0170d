package persistence

import (
	"context"

	"github.com/google/uuid"
)

const (
	sqlInsertChannelRoute = `INSERT INTO channel_routes (channel_id, tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	sqlGetChannelRoute    = `SELECT tenant_id FROM channel_routes WHERE channel_id = $1`
	sqlDeleteChannelRoute = `DELETE FROM channel_routes WHERE channel_id = $1 AND tenant_id = $2`
)

// AddChannelRoute records which tenant owns a channel.
func (m *Master) AddChannelRoute(ctx context.Context, channelID, tenantID uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlInsertChannelRoute, channelID, tenantID)
	return err
}

// ChannelTenant returns the tenant that owns a channel.
func (m *Master) ChannelTenant(ctx context.Context, channelID uuid.UUID) (uuid.UUID, error) {
	var id uuid.UUID
	err := m.Pool.QueryRow(ctx, sqlGetChannelRoute, channelID).Scan(&id)
	return id, translate(err, "channel")
}

// RemoveChannelRoute forgets a deleted channel.
func (m *Master) RemoveChannelRoute(ctx context.Context, channelID, tenantID uuid.UUID) error {
	_, err := m.Pool.Exec(ctx, sqlDeleteChannelRoute, channelID, tenantID)
	return err
}
