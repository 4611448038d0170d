package persistence

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestChatActivityMigrationAndBumps upgrades a tenant database from the schema before chat_activity, with
// two chats (one with messages, one without), and checks that their last message, its time and the unread
// count moved over, that the inbox still orders by activity, and that new chats, inbound messages, mark
// read and deletes keep chat_activity in step (and the inbox's pages, ordered by the minute of the activity
// first since tenant migration 025, in the same order).
func TestChatActivityMigrationAndBumps(t *testing.T) {
	ctx := context.Background()
	db := tenantDatabaseAt(t, "aezen_test_activity_", chatActivityMigration(t)-1)
	conn := db.conn
	channelID, customerID := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	busy, quiet := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	lastAt := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	old := &pgx.Batch{}
	old.Queue(`INSERT INTO channels (channel_id, user_id, platform_type) VALUES ($1, gen_random_uuid(), 'API')`, channelID)
	old.Queue(`INSERT INTO customers (customer_id, channel_id, platform_customer_id) VALUES ($1, $2, 'cust-1')`, customerID, channelID)
	old.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id, platform_chat_id, started_at) VALUES ($1, $2, $3, 'busy', '2026-11-01')`,
		busy, customerID, channelID)
	old.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id, platform_chat_id, started_at) VALUES ($1, $2, $3, 'quiet', '2026-11-15')`,
		quiet, customerID, channelID)
	old.Queue(`UPDATE chats SET last_message = 'see you', last_message_at = $2, unread_count = 3 WHERE chat_id = $1`, busy, lastAt)
	if err := conn.SendBatch(ctx, old).Close(); err != nil {
		t.Fatal(err)
	}
	s := db.upgrade(t)
	pool := s.Pool

	inbox := func() []Conversation {
		t.Helper()
		list, _, err := s.ListConversations(ctx, ConversationFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	list := inbox()
	if len(list) != 2 || list[0].ChatID != busy || list[1].ChatID != quiet {
		t.Fatalf("inbox after the upgrade: %+v, want the busy chat (last message 30 Nov) before the quiet one (started 15 Nov)", list)
	}
	if c := list[0]; c.LastMessage == nil || *c.LastMessage != "see you" || c.LastMessageAt == nil || !c.LastMessageAt.Equal(lastAt) || c.UnreadCount != 3 {
		t.Fatalf("busy chat after the upgrade: %+v", c)
	}
	if c := list[1]; c.LastMessage != nil || c.LastMessageAt != nil || c.UnreadCount != 0 {
		t.Fatalf("quiet chat after the upgrade: %+v", c)
	}

	// A chat made after the upgrade has its activity row; a customer's message moves it to the top.
	fresh, err := s.CreateChat(ctx, Chat{ChatID: uuid.Must(uuid.NewV7()), CustomerID: customerID, ChannelID: channelID, Status: "OPEN"})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.LastMessageAt != nil || fresh.UnreadCount != 0 {
		t.Fatalf("new chat: %+v", fresh)
	}
	var stored InboundResult
	b := &pgx.Batch{}
	QueueInbound(b, NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: quiet, PlatformMessageID: "in-1",
		ContentType: "TEXT", Content: "hello again", Timestamp: time.Now()}, &stored)
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if stored.Duplicate || stored.UnreadCount != 1 || stored.ChatStatus != "OPEN" {
		t.Fatalf("inbound result: %+v", stored)
	}
	if list := inbox(); len(list) != 3 || list[0].ChatID != quiet || *list[0].LastMessage != "hello again" || list[0].UnreadCount != 1 ||
		list[1].ChatID != fresh.ChatID || list[2].ChatID != busy {
		t.Fatalf("inbox after a message to the quiet chat: %+v", list)
	}
	// Pages of one conversation follow the same order (two of the three chats' activity is in this minute).
	var paged []uuid.UUID
	for cursor, pages := "", 0; pages == 0 || cursor != ""; pages++ {
		page, next, err := s.ListConversations(ctx, ConversationFilter{Limit: 1, Cursor: cursor})
		if err != nil || len(page) != 1 || pages > 3 {
			t.Fatalf("page %d: %+v %v", pages, page, err)
		}
		paged, cursor = append(paged, page[0].ChatID), next
	}
	if len(paged) != 3 || paged[0] != quiet || paged[1] != fresh.ChatID || paged[2] != busy {
		t.Fatalf("paged one at a time: %v", paged)
	}
	var receipts []string
	b = &pgx.Batch{}
	QueueMarkRead(b, quiet, &receipts)
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := s.GetChat(ctx, quiet); err != nil || c.UnreadCount != 0 || len(receipts) != 1 {
		t.Fatalf("after mark read: %+v %v, receipts %v", c, err, receipts)
	}
	if err := s.DeleteChat(ctx, busy); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM chat_activity`).Scan(&rows); err != nil || rows != 2 {
		t.Fatalf("chat_activity rows after deleting a chat: %d %v, want 2", rows, err)
	}
}

// chatActivityMigration is the number of the tenant migration that adds chat_activity.
func chatActivityMigration(t *testing.T) int32 {
	entries, err := fs.ReadDir(TenantSchema.files(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if prefix, rest, _ := strings.Cut(e.Name(), "_"); rest == "chat_activity.sql" {
			n, err := strconv.Atoi(prefix)
			if err != nil {
				t.Fatal(err)
			}
			return int32(n)
		}
	}
	t.Fatal("no chat_activity migration")
	return 0
}
