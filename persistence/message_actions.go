package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Kinds of message actions: what the team or a channel does to a message after it was sent.
const (
	ActionReaction = "REACTION"
	ActionEdit     = "EDIT"
	ActionRevoke   = "REVOKE"
)

// RevokedPreview is a conversation's lastMessage when its newest message was deleted for everyone.
const RevokedPreview = "This message was deleted"

// ChangedPreview is what a conversation shows as its last message after c changed m, its newest message
// ("" when c changes no preview: a reaction). The same rule as the statement's.
func ChangedPreview(m Message, c MessageChange) string {
	switch c.Kind {
	case ActionRevoke:
		return RevokedPreview
	case ActionEdit:
		return Preview(m.ContentType, c.Value)
	}
	return ""
}

// ByCustomer and ByPhone are the reactors of reactions that no team member made.
const (
	ByCustomer = "CUSTOMER"
	ByPhone    = "PHONE"
)

// MessageChange is a reaction, an edit or a revoke of one message of a chat. Send lists it in
// message_actions (in the same statement) for the chat's channel session to carry out; a change that
// changed nothing (the same edit again, a revoked message) lists nothing.
type MessageChange struct {
	MessageID uuid.UUID
	ChatID    uuid.UUID
	Kind      string
	// Value is the emoji of a reaction ("" removes the side's reaction) or the new text of an edit.
	Value string
	// By is the reactor (a team member's id, ByCustomer or ByPhone).
	By string
	At time.Time
	// Send lists the change for the channel session under ActionID.
	Send     bool
	ActionID uuid.UUID
}

// The updates return the changed message; no row means nothing changed. A reaction replaces the one of
// its side (the customer's, or the business's: one per WhatsApp account); an edit keeps the replaced text
// in versions and is refused on a revoked message.
const (
	sqlReact = `UPDATE messages SET reactions = nullif(
			coalesce((SELECT jsonb_agg(r) FROM jsonb_array_elements(coalesce(reactions, '[]')) r
				WHERE (r->>'by' = 'CUSTOMER') <> ($4::text = 'CUSTOMER')), '[]')
			|| CASE WHEN $3 = '' THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('emoji', $3::text, 'by', $4::text, 'at', $5::timestamptz)) END,
			'[]')
		WHERE message_id = $1 AND chat_id = $2 AND sender_type <> 'NOTE' RETURNING *`
	sqlEdit = `UPDATE messages SET versions = coalesce(versions, '[]') ||
			jsonb_build_array(jsonb_build_object('content', content, 'at', coalesce(edited_at, timestamp))),
			content = $3, edited_at = $5
		WHERE message_id = $1 AND chat_id = $2 AND revoked_at IS NULL AND content <> $3 AND $4::text IS NOT NULL RETURNING *`
	sqlRevoke = `UPDATE messages SET revoked_at = $5
		WHERE message_id = $1 AND chat_id = $2 AND revoked_at IS NULL AND $3::text IS NOT NULL AND $4::text IS NOT NULL RETURNING *`
	// The chat's preview follows an edit or a revoke of its newest message (Preview's rule for text).
	sqlChangeTail = `),
		listed AS (INSERT INTO message_actions (action_id, message_id, chat_id, kind, value)
			SELECT $6, message_id, chat_id, $7, $3 FROM changed WHERE $8),
		previewed AS (UPDATE chat_activity a SET last_message = CASE WHEN $7 = 'REVOKE' THEN '` + RevokedPreview + `'
				WHEN char_length($3) > 200 THEN left($3, 200) || '…' ELSE $3 END
			FROM changed WHERE $7 <> 'REACTION' AND a.chat_id = changed.chat_id AND changed.sender_type <> 'NOTE'
				AND a.last_message_at = changed.timestamp)
		SELECT ` + messageColumns + ` FROM changed`
)

// QueueMessageChange adds the change to b; out receives the changed message, changed whether it changed.
func QueueMessageChange(b *pgx.Batch, c MessageChange, out *Message, changed *bool) {
	var update string
	switch c.Kind {
	case ActionReaction:
		update = sqlReact
	case ActionEdit:
		update = sqlEdit
	default:
		update = sqlRevoke
	}
	by := c.By
	if by == "" {
		by = ByPhone
	}
	b.Queue(`WITH changed AS (`+update+sqlChangeTail, c.MessageID, c.ChatID, c.Value, by, c.At, c.ActionID, c.Kind, c.Send).
		Query(func(rows pgx.Rows) error {
			list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanMessage(r) })
			if err == nil && len(list) == 1 {
				*out, *changed = list[0], true
			}
			return err
		})
}

// PendingAction is a change a channel session must still carry out, with what it needs to name the message.
type PendingAction struct {
	ActionID  uuid.UUID
	MessageID uuid.UUID
	ChatID    uuid.UUID
	Kind      string
	Value     string
	// PlatformMessageID and SenderType are the message's; To is the chat's recipient.
	PlatformMessageID string
	SenderType        string
	To                string
}

const (
	sqlPendingActions = `SELECT a.action_id, a.message_id, a.chat_id, a.kind, a.value, coalesce(m.platform_message_id, ''),
			m.sender_type::text, coalesce(c.platform_chat_id, cu.platform_customer_id)
		FROM message_actions a JOIN messages m ON m.message_id = a.message_id JOIN chats c ON c.chat_id = a.chat_id
		JOIN customers cu ON cu.customer_id = c.customer_id
		WHERE c.channel_id = $1 ORDER BY a.seq LIMIT $2`
	sqlDeleteAction = `DELETE FROM message_actions WHERE action_id = $1`
)

// PendingActions lists a channel's changes still to be carried out, oldest first.
func (s *TenantStore) PendingActions(ctx context.Context, channelID uuid.UUID, limit int) ([]PendingAction, error) {
	rows, err := s.Pool.Query(ctx, sqlPendingActions, channelID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingAction, error) {
		var a PendingAction
		return a, r.Scan(&a.ActionID, &a.MessageID, &a.ChatID, &a.Kind, &a.Value, &a.PlatformMessageID, &a.SenderType, &a.To)
	})
}

// DeleteAction removes a change its session carried out (or gave up on).
func (s *TenantStore) DeleteAction(ctx context.Context, id uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, sqlDeleteAction, id)
	return err
}
