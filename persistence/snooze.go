package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// sqlSnoozeScan: the snoozed chats whose time has come, and the next snooze to end after now.
	sqlSnoozeScan = `SELECT coalesce(array_agg(chat_id) FILTER (WHERE snoozed_until <= now()), '{}'),
			min(snoozed_until) FILTER (WHERE snoozed_until > now())
		FROM chats WHERE snoozed_until IS NOT NULL`
	sqlEndSnooze = `UPDATE chats SET status = 'OPEN', snoozed_until = NULL
		WHERE chat_id = $1 AND snoozed_until <= now()`
)

// SnoozeScan is what SnoozeScan finds: the chats whose snooze has ended, and when the next one ends.
type SnoozeScan struct {
	Due  []uuid.UUID
	Next *time.Time
}

// SnoozeScan lists the snoozed chats whose time has come and the end of the next snooze.
func (s *TenantStore) SnoozeScan(ctx context.Context) (SnoozeScan, error) {
	var out SnoozeScan
	err := s.Pool.QueryRow(ctx, sqlSnoozeScan).Scan(&out.Due, &out.Next)
	return out, translate(err, "chat")
}

// QueueEndSnooze opens a snoozed chat whose time has come; ended says whether it did (a chat reopened or
// changed meanwhile is left as it is).
func QueueEndSnooze(b *pgx.Batch, chatID uuid.UUID, ended *bool) {
	b.Queue(sqlEndSnooze, chatID).Exec(func(ct pgconn.CommandTag) error {
		*ended = ct.RowsAffected() == 1
		return nil
	})
}
