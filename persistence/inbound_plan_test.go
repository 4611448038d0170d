package persistence

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestInboundStatementCostDoesNotGrowWithTheChat runs the inbound statement's generic plan (the one a
// connection caches after five executions) on a chat of 300 messages, with the statistics of a young
// tenant (twenty chats of one message each, as autovacuum first sees them). The lookup of the quoted
// message once took the chat's index (chat_id, seq) and filtered every message of the chat by platform id:
// in the bench, 87 of the statement's 109 buffers, growing with every message of the chat. The quote is
// found by its platform id alone, so the statement reads the same few buffers however long the chat is.
func TestInboundStatementCostDoesNotGrowWithTheChat(t *testing.T) {
	ctx := context.Background()
	conn := migrated(t, TenantSchema, "aezen_test_inbound_plan_")
	channel, customer := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	chats := make([]uuid.UUID, 20)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO channels (channel_id, user_id, platform_type) VALUES ($1, gen_random_uuid(), 'API')`, channel)
	b.Queue(`INSERT INTO customers (customer_id, channel_id, platform_customer_id) VALUES ($1, $2, 'cust-1')`, customer, channel)
	for i := range chats {
		chats[i] = uuid.Must(uuid.NewV7())
		b.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id, platform_chat_id) VALUES ($1, $2, $3, $4)`,
			chats[i], customer, channel, "chat-"+strconv.Itoa(i))
	}
	b.Queue(`ALTER TABLE messages SET (autovacuum_enabled = false)`)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	// The plan is made while the tenant is young and kept: a connection's generic plan is replanned only
	// when the tables' statistics change.
	for _, sql := range []string{`PREPARE inbound AS ` + sqlInsertInbound, `SET plan_cache_mode = force_generic_plan`} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	for i, chat := range chats {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`EXECUTE inbound('%s', '%s', 'first-%d', 'TEXT', 'hello', NULL, now(), 'hello', NULL, '')`,
			uuid.Must(uuid.NewV7()), chat, i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, `INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content)
		SELECT gen_random_uuid(), ($1::uuid[])[n % 20 + 1], 'old-' || n, 'CUSTOMER', 'older message ' || n FROM generate_series(0, 5999) n`, chats); err != nil {
		t.Fatal(err)
	}
	explain := func(platformID, quoted string) (plan []map[string]any, text string) {
		t.Helper()
		sql := fmt.Sprintf(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE inbound('%s', '%s', '%s', 'TEXT', 'and another', NULL, now(), 'and another', NULL, '%s')`,
			uuid.Must(uuid.NewV7()), chats[0], platformID, quoted)
		if err := conn.QueryRow(ctx, sql).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(text), &plan); err != nil {
			t.Fatal(err)
		}
		return plan, text
	}
	for i, quoted := range []string{"", "old-20", "first-3"} {
		plan, text := explain("new-"+strconv.Itoa(i), quoted)
		if strings.Contains(text, "messages_chat_seq_idx") {
			t.Errorf("quoting %q: the generic plan walks the chat's messages through messages_chat_seq_idx:\n%s", quoted, text)
		}
		hit := plan[0]["Plan"].(map[string]any)["Shared Hit Blocks"].(float64)
		t.Logf("quoting %q: %.0f buffers", quoted, hit)
		if hit > 40 {
			t.Errorf("quoting %q: the statement read %.0f buffers on a chat of 300 messages, want at most 40 (about 20 on an idle database):\n%s", quoted, hit, text)
		}
	}
	// The quote is still found in its own chat only: old-20 is chats[0]'s, first-3 another chat's.
	var quoted []*uuid.UUID
	rows, err := conn.Query(ctx, `SELECT reply_to_message_id FROM messages WHERE platform_message_id IN ('new-0', 'new-1', 'new-2') ORDER BY platform_message_id`)
	if err != nil {
		t.Fatal(err)
	}
	quoted, err = pgx.CollectRows(rows, pgx.RowTo[*uuid.UUID])
	if err != nil || len(quoted) != 3 {
		t.Fatalf("stored replies: %v %v", quoted, err)
	}
	var old20 uuid.UUID
	if err := conn.QueryRow(ctx, `SELECT message_id FROM messages WHERE platform_message_id = 'old-20'`).Scan(&old20); err != nil {
		t.Fatal(err)
	}
	if quoted[0] != nil || quoted[1] == nil || *quoted[1] != old20 || quoted[2] != nil {
		t.Fatalf("reply_to_message_id of new-0 (no quote), new-1 (old-20, same chat), new-2 (first-3, another chat): %v, want [nil %s nil]", quoted, old20)
	}
}

// TestStoredMessageIsWhatAReadReturns: the store statements answer only what the engine does not know of
// the stored row (its seq, time, metadata as stored, file and quote), and queueStore fills in the rest; the
// message it gives back (which the engine publishes) must be the one a read returns, for a customer's
// message with a file, a reply, a message sent from the phone and both kinds of history. A re-delivery, in
// a later batch or in the same one, is a duplicate carrying the first copy's id and stores nothing.
func TestStoredMessageIsWhatAReadReturns(t *testing.T) {
	ctx := context.Background()
	s, chats := benchTenant(t, 1)
	chat := chats[0]
	at := time.Date(2026, 12, 3, 18, 0, 0, 123456789, time.UTC)
	mediaID := uuid.Must(uuid.NewV7())
	type stored struct {
		name  string
		queue func(*pgx.Batch, NewInbound, *InboundResult)
		in    NewInbound
	}
	cases := []stored{
		{"customer's file", QueueInbound, NewInbound{PlatformMessageID: "m-1", ContentType: "IMAGE", Content: "a photo",
			Metadata: json.RawMessage(`{"b": 1,  "a": [true]}`), MediaID: &mediaID, PendingMedia: &PendingMedia{MimeType: "image/jpeg", FileName: "p.jpg"}}},
		{"customer's reply", QueueInbound, NewInbound{PlatformMessageID: "m-2", ContentType: "TEXT", Content: "as I said", ReplyToPlatformID: "m-1"}},
		{"sent from the phone", QueuePhoneSent, NewInbound{PlatformMessageID: "m-3", ContentType: "TEXT", Content: "on its way", ReplyToPlatformID: "m-2", FromPhone: true}},
		{"customer's history", QueueHistory, NewInbound{PlatformMessageID: "h-1", ContentType: "TEXT", Content: "old question", History: true}},
		{"phone's history", QueueHistory, NewInbound{PlatformMessageID: "h-2", ContentType: "TEXT", Content: "old answer", History: true, FromPhone: true}},
	}
	for i, c := range cases {
		c.in.MessageID, c.in.ChatID, c.in.Timestamp = uuid.Must(uuid.NewV7()), chat, at.Add(time.Duration(i)*time.Second)
		var out InboundResult
		b := &pgx.Batch{}
		c.queue(b, c.in, &out)
		if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		read, err := s.GetMessageByPlatformID(ctx, c.in.PlatformMessageID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(out.Message)
		want, _ := json.Marshal(read)
		if out.Duplicate || string(got) != string(want) || out.Message.Seq != read.Seq {
			t.Errorf("%s: the store answered\n%s (seq %d, duplicate %v)\nand a read returns\n%s (seq %d)", c.name, got, out.Message.Seq, out.Duplicate, want, read.Seq)
		}
	}

	// Re-deliveries: one in a later batch, two of a new message in one batch.
	first, _ := s.GetMessageByPlatformID(ctx, "m-2")
	var again, new1, new2 InboundResult
	b := &pgx.Batch{}
	QueueInbound(b, NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chat, PlatformMessageID: "m-2", ContentType: "TEXT", Content: "as I said", Timestamp: at}, &again)
	QueueInbound(b, NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chat, PlatformMessageID: "m-4", ContentType: "TEXT", Content: "hello?", Timestamp: at}, &new1)
	QueueInbound(b, NewInbound{MessageID: uuid.Must(uuid.NewV7()), ChatID: chat, PlatformMessageID: "m-4", ContentType: "TEXT", Content: "hello?", Timestamp: at}, &new2)
	if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.Message.MessageID != first.MessageID || again.Message.Seq != first.Seq {
		t.Errorf("re-delivery of m-2: %+v, want a duplicate of %s", again, first.MessageID)
	}
	if new1.Duplicate || !new2.Duplicate || new2.Message.MessageID != new1.Message.MessageID || new1.UnreadCount != 3 {
		t.Errorf("m-4 twice in one batch: first %+v, second %+v; want the second a duplicate of the first, 3 unread", new1, new2)
	}
	var count int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE chat_id = $1`, chat).Scan(&count); err != nil || count != 6 {
		t.Errorf("messages stored: %d %v, want 6", count, err)
	}
}
