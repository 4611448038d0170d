package persistence

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestOutboxFollowsPendingMessages upgrades a tenant database of schema version 1 holding a PENDING and a
// SENT message, then follows the outbox through new sends, a repeated idempotency key and status changes.
func TestOutboxFollowsPendingMessages(t *testing.T) {
	ctx := context.Background()
	db := tenantDatabaseAt(t, "aezen_test_outbox_", 1)
	conn := db.conn
	channelID, chatID, oldPending := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	customerID := uuid.Must(uuid.NewV7())
	v1 := &pgx.Batch{}
	v1.Queue(`INSERT INTO channels (channel_id, user_id, platform_type) VALUES ($1, gen_random_uuid(), 'API')`, channelID)
	v1.Queue(`INSERT INTO customers (customer_id, channel_id, platform_customer_id) VALUES ($1, $2, 'cust-1')`, customerID, channelID)
	v1.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id) VALUES ($1, $2, $3)`, chatID, customerID, channelID)
	v1.Queue(`INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content, status, is_read)
		VALUES ($1, $2, 'p-old-pending', 'AGENT', 'waiting', 'PENDING', true),
		       (gen_random_uuid(), $2, 'p-old-sent', 'AGENT', 'gone', 'SENT', true)`, oldPending, chatID)
	if err := conn.SendBatch(ctx, v1).Close(); err != nil {
		t.Fatal(err)
	}
	s := db.upgrade(t)
	pool := s.Pool

	pendingIDs := func() []uuid.UUID {
		t.Helper()
		list, err := s.PendingMessages(ctx, channelID, 100)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]uuid.UUID, len(list))
		for i, p := range list {
			if p.To != "cust-1" {
				t.Fatalf("pending message %s addressed to %q, want cust-1", p.MessageID, p.To)
			}
			ids[i] = p.MessageID
		}
		return ids
	}
	if got := pendingIDs(); len(got) != 1 || got[0] != oldPending {
		t.Fatalf("after the upgrade the outbox holds %v, want only the PENDING message %s", got, oldPending)
	}

	run := func(queue func(b *pgx.Batch)) {
		t.Helper()
		b := &pgx.Batch{}
		queue(b)
		if err := pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
	}
	key := "key:reply-1"
	send := func() OutboundResult {
		var out OutboundResult
		run(func(b *pgx.Batch) {
			QueueOutbound(b, NewOutbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chatID, PlatformMessageID: "p-new-" + uuid.NewString(),
				SenderType: "AGENT", ContentType: "TEXT", Content: "Yes, it ships today.", IdempotencyKey: &key}, &out)
		})
		return out
	}
	first, again := send(), send()
	if !first.Created || first.Message.Status != "PENDING" || again.Created || again.Message.MessageID != first.Message.MessageID {
		t.Fatalf("first send %+v, repeat %+v: want one PENDING message, the repeat answering with it", first, again)
	}
	if got := pendingIDs(); len(got) != 2 || got[1] != first.Message.MessageID {
		t.Fatalf("outbox %v, want the old pending message then %s", got, first.Message.MessageID)
	}
	if ch, err := s.ChannelsWithPendingMessages(ctx); err != nil || len(ch) != 1 || ch[0] != channelID {
		t.Fatalf("channels with pending messages %v, %v", ch, err)
	}

	status := func(c StatusChange) []Message {
		var moved []Message
		run(func(b *pgx.Batch) { QueueStatus(b, chatID, c, &moved) })
		return moved
	}
	if moved := status(StatusChange{MessageID: &first.Message.MessageID, Status: "SENT"}); len(moved) != 1 || moved[0].Status != "SENT" {
		t.Fatalf("SENT moved %+v", moved)
	}
	if moved := status(StatusChange{PlatformMessageIDs: []string{"p-old-pending"}, Status: "DELIVERED"}); len(moved) != 1 || moved[0].MessageID != oldPending {
		t.Fatalf("DELIVERED by platform id moved %+v", moved)
	}
	if got := pendingIDs(); len(got) != 0 {
		t.Fatalf("outbox still holds %v after both messages moved on", got)
	}
	if ch, err := s.ChannelsWithPendingMessages(ctx); err != nil || len(ch) != 0 {
		t.Fatalf("channels with pending messages %v, %v; want none", ch, err)
	}
	if moved := status(StatusChange{MessageID: &oldPending, Status: "SENT"}); len(moved) != 0 {
		t.Fatalf("a DELIVERED message went back to SENT: %+v", moved)
	}
	var outboxRows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox`).Scan(&outboxRows); err != nil || outboxRows != 0 {
		t.Fatalf("outbox rows %d, %v", outboxRows, err)
	}
}
