package persistence

import (
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Assignment and status changes are written by the chat's conversation actor through the db writer, like
// every other change of a chat's state.

const (
	sqlAssign    = `UPDATE chats SET user_id = $2 WHERE chat_id = $1 RETURNING user_id`
	sqlSetStatus = `UPDATE chats SET status = $2, snoozed_until = $3 WHERE chat_id = $1 RETURNING status::text, snoozed_until`
)

// QueueAssign assigns a chat to a user (nil: nobody); out receives the stored assignee.
func QueueAssign(b *pgx.Batch, chatID uuid.UUID, userID *uuid.UUID, out **uuid.UUID) {
	b.Queue(sqlAssign, chatID, userID).QueryRow(func(row pgx.Row) error { return translate(row.Scan(out), "conversation") })
}

// StatusResult is a chat's status after a change.
type StatusResult struct {
	Status       string
	SnoozedUntil *time.Time
}

// QueueSetStatus moves a chat to a status; snoozedUntil is set only for a snoozed (PENDING) chat.
func QueueSetStatus(b *pgx.Batch, chatID uuid.UUID, status string, snoozedUntil *time.Time, out *StatusResult) {
	b.Queue(sqlSetStatus, chatID, status, snoozedUntil).QueryRow(func(row pgx.Row) error {
		return translate(row.Scan(&out.Status, &out.SnoozedUntil), "conversation")
	})
}
