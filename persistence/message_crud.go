package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// MessageFilter narrows the messages of one chat.
type MessageFilter struct {
	ChatID     uuid.UUID
	SenderType *string
	Page
}

// NewCustomerMessage is a customer's message recorded by hand (an import, a message taken by phone).
// Timestamp nil means now.
type NewCustomerMessage struct {
	MessageID         uuid.UUID
	ChatID            uuid.UUID
	PlatformMessageID *string
	ContentType       string
	Content           string
	Metadata          json.RawMessage
	Timestamp         *time.Time
}

const (
	sqlListChatMessages = `SELECT ` + messageColumns + ` FROM messages
		WHERE chat_id = $1 AND ($2::message_sender_type IS NULL OR sender_type = $2)
		ORDER BY timestamp, seq LIMIT $3 OFFSET $4`
	// sqlLatestMessages embeds the newest messages of each chat, oldest first.
	sqlLatestMessages = `SELECT ` + messageColumns + ` FROM (
			SELECT *, row_number() OVER (PARTITION BY chat_id ORDER BY timestamp DESC, seq DESC) AS n
			FROM messages WHERE chat_id = ANY($1)) m
		WHERE n <= $2 ORDER BY chat_id, timestamp, seq`
	sqlInsertCustomerMessage = `INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type,
		content, metadata, timestamp, status) VALUES ($1, $2, $3, 'CUSTOMER', $4, $5, $6, coalesce($7, now()), 'RECEIVED')
		RETURNING ` + messageColumns
	sqlUpdateMessage = `UPDATE messages SET content = $2, metadata = $3 WHERE message_id = $1 RETURNING ` + messageColumns
	sqlDeleteMessage = `DELETE FROM messages WHERE message_id = $1
		RETURNING chat_id, (sender_type = 'CUSTOMER' AND NOT is_read)`
	sqlNewestMessage = `SELECT content_type::text, content, timestamp FROM messages WHERE chat_id = $1 AND sender_type <> 'NOTE'
		ORDER BY timestamp DESC, seq DESC LIMIT 1`
	// sqlReopenChat: a customer's message reopens a RESOLVED or snoozed chat.
	sqlReopenChat = `UPDATE chats SET status = 'OPEN', snoozed_until = NULL
		WHERE chat_id = $1 AND (status = 'RESOLVED' OR snoozed_until IS NOT NULL)`
	// sqlSetChatSummary rewrites what the inbox shows of a chat after a message was added, edited or removed.
	sqlSetChatSummary = `UPDATE chat_activity SET last_message = $2, last_message_at = $3,
		unread_count = greatest(unread_count + $4, 0) WHERE chat_id = $1`
)

var messageRules = []constraintRule{
	unique("messages_platform_message_id_key", "platformMessageId", "is already used by another message"),
}

// ListChatMessages lists a chat's messages in time order.
func (s *TenantStore) ListChatMessages(ctx context.Context, f MessageFilter) ([]Message, error) {
	rows, err := s.Pool.Query(ctx, sqlListChatMessages, f.ChatID, f.SenderType, f.Limit, f.Offset)
	list, err := collect(rows, err, scanMessage)
	s.SignMessages(list)
	return list, err
}

// LatestMessagesOfChats loads the EmbedLimit newest messages of each given chat, oldest first.
func (s *TenantStore) LatestMessagesOfChats(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Message, error) {
	rows, err := s.Pool.Query(ctx, sqlLatestMessages, ids, EmbedLimit)
	list, err := collect(rows, err, scanMessage)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]Message, len(ids))
	for _, m := range list {
		out[m.ChatID] = append(out[m.ChatID], m)
	}
	return out, nil
}

// InsertCustomerMessage records a customer's message, unread, and updates the chat's summary in the same
// transaction. A platform message id already stored is a conflict.
func (s *TenantStore) InsertCustomerMessage(ctx context.Context, in NewCustomerMessage) (Message, error) {
	var out Message
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		out, err = scanExplained(tx.QueryRow(ctx, sqlInsertCustomerMessage, in.MessageID, in.ChatID, in.PlatformMessageID,
			in.ContentType, in.Content, jsonOrNil(in.Metadata), in.Timestamp), scanMessage, "message", messageRules...)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlReopenChat, in.ChatID); err != nil {
			return err
		}
		return refreshChatSummary(ctx, tx, in.ChatID, 1)
	})
	return out, err
}

// UpdateMessage writes a message's content and metadata and refreshes its chat's summary.
func (s *TenantStore) UpdateMessage(ctx context.Context, m Message) (Message, error) {
	var out Message
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		out, err = scanMessage(tx.QueryRow(ctx, sqlUpdateMessage, m.MessageID, m.Content, jsonOrNil(m.Metadata)))
		if err != nil {
			return err
		}
		return refreshChatSummary(ctx, tx, out.ChatID, 0)
	})
	return out, err
}

// DeleteMessage removes a message, refreshes its chat's summary and returns the chat's id.
func (s *TenantStore) DeleteMessage(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	var chatID uuid.UUID
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var unread bool
		if err := tx.QueryRow(ctx, sqlDeleteMessage, id).Scan(&chatID, &unread); err != nil {
			return translate(err, "message")
		}
		delta := 0
		if unread {
			delta = -1
		}
		return refreshChatSummary(ctx, tx, chatID, delta)
	})
	return chatID, err
}

// refreshChatSummary sets a chat's last message from its newest message and moves its unread count.
func refreshChatSummary(ctx context.Context, tx pgx.Tx, chatID uuid.UUID, unreadDelta int) error {
	var contentType, content string
	var at time.Time
	var preview *string
	var lastAt *time.Time
	err := tx.QueryRow(ctx, sqlNewestMessage, chatID).Scan(&contentType, &content, &at)
	switch {
	case err == nil:
		p := Preview(contentType, content)
		preview, lastAt = &p, &at
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	_, err = tx.Exec(ctx, sqlSetChatSummary, chatID, preview, lastAt, unreadDelta)
	return err
}
