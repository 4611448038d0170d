package persistence

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Channel is a connected channel (seed connectedChannels). Secrets are stored sealed and never returned in full.
type Channel struct {
	ChannelID          uuid.UUID       `json:"channelId"`
	UserID             uuid.UUID       `json:"userId"`
	PlatformType       string          `json:"platformType"`
	PlatformSpecificID *string         `json:"platformSpecificId"`
	ChannelName        *string         `json:"channelName"`
	AccessToken        *string         `json:"accessToken,omitempty"`
	RefreshToken       *string         `json:"refreshToken,omitempty"`
	TokenExpiresAt     *time.Time      `json:"tokenExpiresAt"`
	Scopes             []string        `json:"scopes"`
	Metadata           json.RawMessage `json:"metadata"`
	WebhookURL         *string         `json:"webhookUrl"`
	WebhookSecret      *string         `json:"webhookSecret,omitempty"`
	// PreviousWebhookSecret (sealed, never shown) still verifies signed calls until PreviousSecretExpiresAt,
	// after a rotation.
	PreviousWebhookSecret   *string    `json:"-"`
	PreviousSecretExpiresAt *time.Time `json:"previousSecretExpiresAt,omitempty"`
	IsActive                bool       `json:"isActive"`
	CreatedAt               time.Time  `json:"createdAt"`
	UpdatedAt               time.Time  `json:"updatedAt"`
}

// ChannelSecrets are a channel's decrypted credentials, for the sessions that need them.
type ChannelSecrets struct {
	AccessToken   string
	RefreshToken  string
	WebhookSecret string
	// PreviousWebhookSecret is the secret a rotation replaced, valid until PreviousSecretExpiresAt.
	PreviousWebhookSecret   string
	PreviousSecretExpiresAt time.Time
}

// ChannelFilter narrows a channel list.
type ChannelFilter struct {
	PlatformType *string
	IsActive     *bool
	Limit        int
	Offset       int
}

const channelColumns = `channel_id, user_id, platform_type, platform_specific_id, channel_name, access_token, refresh_token,
	token_expires_at, scopes, metadata, webhook_url, webhook_secret, previous_webhook_secret, previous_secret_expires_at,
	is_active, created_at, updated_at`

const (
	sqlInsertChannel = `INSERT INTO channels (channel_id, user_id, platform_type, platform_specific_id, channel_name,
		access_token, refresh_token, token_expires_at, scopes, metadata, webhook_url, webhook_secret, is_active)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ` + channelColumns
	sqlGetChannel   = `SELECT ` + channelColumns + ` FROM channels WHERE channel_id = $1`
	sqlListChannels = `SELECT ` + channelColumns + ` FROM channels
		WHERE ($1::platform_type IS NULL OR platform_type = $1) AND ($2::boolean IS NULL OR is_active = $2)
		ORDER BY created_at, channel_id LIMIT $3 OFFSET $4`
	sqlFirstChannelOfType = `SELECT ` + channelColumns + ` FROM channels WHERE platform_type = $1 ORDER BY created_at LIMIT 1`
	sqlUpdateChannel      = `UPDATE channels SET platform_specific_id = $2, channel_name = $3, access_token = $4,
		refresh_token = $5, token_expires_at = $6, scopes = $7, metadata = $8, webhook_url = $9, webhook_secret = $10,
		previous_webhook_secret = CASE WHEN $10 IS DISTINCT FROM webhook_secret THEN webhook_secret ELSE previous_webhook_secret END,
		previous_secret_expires_at = CASE WHEN $10 IS DISTINCT FROM webhook_secret THEN $12 ELSE previous_secret_expires_at END,
		is_active = $11, updated_at = now() WHERE channel_id = $1 RETURNING ` + channelColumns
	sqlDeleteChannel       = `DELETE FROM channels WHERE channel_id = $1`
	sqlSetChannelMetadata  = `UPDATE channels SET metadata = coalesce(metadata, '{}'::jsonb) || $2, platform_specific_id = coalesce($3, platform_specific_id), updated_at = now() WHERE channel_id = $1`
	sqlChannelsWithPending = `SELECT DISTINCT c.channel_id FROM outbox o JOIN chats c ON c.chat_id = o.chat_id`
)

// sqlLockChannel and sqlChannelUsage guard a delete: what still uses the channel, counted under its lock.
const (
	sqlLockChannel  = `SELECT channel_id FROM channels WHERE channel_id = $1 FOR UPDATE`
	sqlChannelUsage = `SELECT (SELECT count(*) FROM customers WHERE channel_id = $1),
		(SELECT count(*) FROM orders WHERE channel_id = $1), (SELECT count(*) FROM chats WHERE channel_id = $1)`
)

func scanChannel(row pgx.Row) (Channel, error) {
	var c Channel
	err := row.Scan(&c.ChannelID, &c.UserID, &c.PlatformType, &c.PlatformSpecificID, &c.ChannelName, &c.AccessToken,
		&c.RefreshToken, &c.TokenExpiresAt, &c.Scopes, &c.Metadata, &c.WebhookURL, &c.WebhookSecret,
		&c.PreviousWebhookSecret, &c.PreviousSecretExpiresAt, &c.IsActive,
		&c.CreatedAt, &c.UpdatedAt)
	return c, translate(err, "channel")
}

// CreateChannel inserts a channel, sealing its secrets. It returns the stored (sealed) row.
func (s *TenantStore) CreateChannel(ctx context.Context, c Channel) (Channel, error) {
	return scanChannel(s.Pool.QueryRow(ctx, sqlInsertChannel, c.ChannelID, c.UserID, c.PlatformType, c.PlatformSpecificID,
		c.ChannelName, s.Cipher.SealPtr(c.AccessToken), s.Cipher.SealPtr(c.RefreshToken), c.TokenExpiresAt, c.Scopes,
		jsonOrNil(c.Metadata), c.WebhookURL, s.Cipher.SealPtr(c.WebhookSecret), c.IsActive))
}

// GetChannel loads one channel (secrets sealed).
func (s *TenantStore) GetChannel(ctx context.Context, id uuid.UUID) (Channel, error) {
	return scanChannel(s.Pool.QueryRow(ctx, sqlGetChannel, id))
}

// FirstChannelOfType returns the oldest channel of a platform, or a not-found error.
func (s *TenantStore) FirstChannelOfType(ctx context.Context, platform string) (Channel, error) {
	return scanChannel(s.Pool.QueryRow(ctx, sqlFirstChannelOfType, platform))
}

// ListChannels lists channels, oldest first.
func (s *TenantStore) ListChannels(ctx context.Context, f ChannelFilter) ([]Channel, error) {
	rows, err := s.Pool.Query(ctx, sqlListChannels, f.PlatformType, f.IsActive, f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Channel, error) { return scanChannel(r) })
}

// UpdateChannel writes every field of c; secrets given in plain text are sealed, sealed ones are kept. When
// the webhook secret changes (a rotation), the old one is kept as the previous secret until
// c.PreviousSecretExpiresAt (nil: not at all).
func (s *TenantStore) UpdateChannel(ctx context.Context, c Channel) (Channel, error) {
	return scanChannel(s.Pool.QueryRow(ctx, sqlUpdateChannel, c.ChannelID, c.PlatformSpecificID, c.ChannelName,
		s.resealPtr(c.AccessToken), s.resealPtr(c.RefreshToken), c.TokenExpiresAt, c.Scopes, jsonOrNil(c.Metadata),
		c.WebhookURL, s.resealPtr(c.WebhookSecret), c.IsActive, c.PreviousSecretExpiresAt))
}

// DeleteChannel removes a channel; one that customers, orders or chats still use is a conflict saying
// what uses it.
func (s *TenantStore) DeleteChannel(ctx context.Context, id uuid.UUID) error {
	return guardedDelete{what: "channel", lockSQL: sqlLockChannel, usageSQL: sqlChannelUsage, deleteSQL: sqlDeleteChannel,
		nouns: []string{"customer", "order", "chat"}, hint: "; deactivate it (isActive: false) instead"}.run(ctx, s.Pool, id)
}

// MergeChannelMetadata merges keys into the channel's metadata and sets its platform id when given.
func (s *TenantStore) MergeChannelMetadata(ctx context.Context, id uuid.UUID, meta map[string]any, platformID *string) error {
	b, _ := json.Marshal(meta)
	_, err := s.Pool.Exec(ctx, sqlSetChannelMetadata, id, b, platformID)
	return err
}

// ChannelsWithPendingMessages lists channels that have outbound messages waiting to be sent.
func (s *TenantStore) ChannelsWithPendingMessages(ctx context.Context) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, sqlChannelsWithPending)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// Secrets decrypts a channel's credentials.
func (s *TenantStore) Secrets(c Channel) (ChannelSecrets, error) {
	var out ChannelSecrets
	var err error
	open := func(p *string, dst *string) {
		if p != nil && err == nil {
			*dst, err = s.Cipher.Open(*p)
		}
	}
	open(c.AccessToken, &out.AccessToken)
	open(c.RefreshToken, &out.RefreshToken)
	open(c.WebhookSecret, &out.WebhookSecret)
	if c.PreviousSecretExpiresAt != nil {
		open(c.PreviousWebhookSecret, &out.PreviousWebhookSecret)
		out.PreviousSecretExpiresAt = *c.PreviousSecretExpiresAt
	}
	return out, err
}

func (s *TenantStore) resealPtr(p *string) *string {
	if p == nil || (len(*p) > len(sealedPrefix) && (*p)[:len(sealedPrefix)] == sealedPrefix) {
		return p
	}
	return s.Cipher.SealPtr(p)
}
