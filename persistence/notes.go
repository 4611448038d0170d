package persistence

import (
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// NewNote is an internal note on a chat: a message with sender type NOTE, stored read and RECEIVED (it has
// nothing to deliver), never in the outbox, and not the chat's last message (the inbox previews the
// conversation with the customer).
type NewNote struct {
	MessageID uuid.UUID
	ChatID    uuid.UUID
	Content   string
	// Metadata carries the author and the mentioned users: {"authorId", "mentions"}.
	Metadata json.RawMessage
}

const sqlInsertNote = `INSERT INTO messages (message_id, chat_id, sender_type, content_type, content, metadata, status, is_read)
	VALUES ($1, $2, 'NOTE', 'TEXT', $3, $4, 'RECEIVED', true) RETURNING ` + messageColumns

// QueueNote adds the statement that stores a note to b; out is filled when the batch runs.
func QueueNote(b *pgx.Batch, n NewNote, out *Message) {
	b.Queue(sqlInsertNote, n.MessageID, n.ChatID, n.Content, jsonOrNil(n.Metadata)).QueryRow(func(row pgx.Row) error {
		var err error
		*out, err = scanMessage(row)
		return err
	})
}
