package persistence

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const (
	// sqlChatsOfOutbound finds, for a channel, the chats of our messages with the given platform ids.
	sqlChatsOfOutbound = `SELECT m.chat_id, array_agg(m.platform_message_id) FROM messages m
		JOIN chats c ON c.chat_id = m.chat_id
		WHERE c.channel_id = $1 AND m.platform_message_id = ANY($2) AND m.sender_type <> 'CUSTOMER'
		GROUP BY m.chat_id`
	sqlSetCustomerName = `UPDATE customers SET full_name = $3 WHERE channel_id = $1 AND platform_customer_id = $2
		AND name_edited_at IS NULL AND full_name IS DISTINCT FROM $3`
	// sqlClaimAvatarCheck takes a customer's turn to have their profile picture looked at (at most once per
	// interval $3, whatever the number of messages or nodes) and answers the picture's id known so far.
	sqlClaimAvatarCheck = `UPDATE customers SET avatar_checked_at = now()
		WHERE channel_id = $1 AND platform_customer_id = $2
		  AND (avatar_checked_at IS NULL OR avatar_checked_at < now() - make_interval(secs => $3::float8))
		RETURNING coalesce(avatar_picture_id, '')`
	sqlSetAvatar = `WITH cu AS (UPDATE customers SET avatar_picture_id = nullif($3, ''), avatar_media_id = $4
			WHERE channel_id = $1 AND platform_customer_id = $2 RETURNING customer_id)
		SELECT c.chat_id FROM chats c JOIN cu ON cu.customer_id = c.customer_id`
)

// ChatsOfOutbound groups the platform ids of a channel's outbound messages by chat; unknown ids are left out.
func (s *TenantStore) ChatsOfOutbound(ctx context.Context, channelID uuid.UUID, platformIDs []string) (map[uuid.UUID][]string, error) {
	rows, err := s.Pool.Query(ctx, sqlChatsOfOutbound, channelID, platformIDs)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]string{}
	var chatID uuid.UUID
	var ids []string
	_, err = pgx.ForEachRow(rows, []any{&chatID, &ids}, func() error {
		out[chatID] = append([]string(nil), ids...)
		return nil
	})
	return out, err
}

// ClaimAvatarCheck reports whether the customer's profile picture is due for a look (not looked at within
// every; the claim itself is the look's timestamp) and WhatsApp's id of the picture stored so far.
func (s *TenantStore) ClaimAvatarCheck(ctx context.Context, channelID uuid.UUID, platformCustomerID string, every time.Duration) (knownID string, due bool, err error) {
	err = s.Pool.QueryRow(ctx, sqlClaimAvatarCheck, channelID, platformCustomerID, every.Seconds()).Scan(&knownID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return knownID, err == nil, err
}

// SetAvatar records a customer's profile picture (pictureID "" and mediaID nil: none) and returns the
// customer's chats, whose conversation actors hold the picture they read when they started.
func (s *TenantStore) SetAvatar(ctx context.Context, channelID uuid.UUID, platformCustomerID, pictureID string, mediaID *uuid.UUID) ([]uuid.UUID, error) {
	rows, err := s.Pool.Query(ctx, sqlSetAvatar, channelID, platformCustomerID, pictureID, mediaID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// SetCustomerName records the name a platform reports for a customer (a WhatsApp push name), unless the
// team set the name.
func (s *TenantStore) SetCustomerName(ctx context.Context, channelID uuid.UUID, platformCustomerID, name string) error {
	_, err := s.Pool.Exec(ctx, sqlSetCustomerName, channelID, platformCustomerID, name)
	return err
}

// ChatOfContact is the chat of a channel's contact (uuid.Nil when they have none).
func (s *TenantStore) ChatOfContact(ctx context.Context, channelID uuid.UUID, platformChatID string) (uuid.UUID, error) {
	var id uuid.UUID
	err := s.Pool.QueryRow(ctx, `SELECT chat_id FROM chats WHERE channel_id = $1 AND platform_chat_id = $2`, channelID, platformChatID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, nil
	}
	return id, err
}
