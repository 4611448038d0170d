package persistence

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const (
	// sqlChatsOfOutbound finds, for a channel, the chats of our messages with the given platform ids.
	sqlChatsOfOutbound = `SELECT m.chat_id, array_agg(m.platform_message_id) FROM messages m
		JOIN chats c ON c.chat_id = m.chat_id
		WHERE c.channel_id = $1 AND m.platform_message_id = ANY($2) AND m.sender_type <> 'CUSTOMER'
		GROUP BY m.chat_id`
	sqlSetCustomerName = `UPDATE customers SET full_name = $3 WHERE channel_id = $1 AND platform_customer_id = $2`
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

// SetCustomerName records the name a platform reports for a customer (a WhatsApp push name).
func (s *TenantStore) SetCustomerName(ctx context.Context, channelID uuid.UUID, platformCustomerID, name string) error {
	_, err := s.Pool.Exec(ctx, sqlSetCustomerName, channelID, platformCustomerID, name)
	return err
}
