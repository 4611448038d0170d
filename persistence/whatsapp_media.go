package persistence

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// PendingDownload is a received message of a channel whose file is still PENDING: what its channel
// session needs to download it again (the platform's description of the file is in Media).
type PendingDownload struct {
	MessageID, ChatID, MediaID uuid.UUID
	PlatformMessageID          string
	// Chat is the platform's address of the chat (the customer's, for WhatsApp).
	Chat  string
	Media json.RawMessage
}

const sqlPendingDownloads = `SELECT m.message_id, m.chat_id, m.media_id, m.platform_message_id,
		coalesce(c.platform_chat_id, cu.platform_customer_id), m.metadata->'whatsapp'->'media'
	FROM messages m JOIN media d ON d.media_id = m.media_id JOIN chats c ON c.chat_id = m.chat_id
		JOIN customers cu ON cu.customer_id = c.customer_id
	WHERE c.channel_id = $1 AND d.state = 'PENDING' AND m.sender_type = 'CUSTOMER' AND m.platform_message_id IS NOT NULL
		AND m.metadata->'whatsapp'->'media' IS NOT NULL
	ORDER BY m.seq LIMIT $2`

// PendingWhatsAppDownloads lists a WhatsApp channel's received files that are still PENDING (a download cut
// short by a stop), oldest first, so that the session resumes them when it connects.
func (s *TenantStore) PendingWhatsAppDownloads(ctx context.Context, channelID uuid.UUID, limit int) ([]PendingDownload, error) {
	rows, err := s.Pool.Query(ctx, sqlPendingDownloads, channelID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingDownload, error) {
		var p PendingDownload
		return p, r.Scan(&p.MessageID, &p.ChatID, &p.MediaID, &p.PlatformMessageID, &p.Chat, &p.Media)
	})
}
