package persistence

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestMessageWebhookTriggersFollowEndpoints: the triggers on messages run only while an active endpoint takes
// their event (migration 016), and a message stored after an endpoint was created is in its outbox.
func TestMessageWebhookTriggersFollowEndpoints(t *testing.T) {
	ctx := context.Background()
	url, name := emptyDatabase(t, "aezen_test_whtrig_")
	if err := MigrateDatabase(ctx, url, name, TenantSchema); err != nil {
		t.Fatal(err)
	}
	dbURL, _ := WithDatabase(url, name)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cipher, _ := NewCipher(make([]byte, 32))
	s := NewTenantStore(pool, cipher)
	ch, err := s.CreateChannel(ctx, Channel{ChannelID: uuid.Must(uuid.NewV7()), UserID: uuid.Must(uuid.NewV7()), PlatformType: "API"})
	if err != nil {
		t.Fatal(err)
	}
	chat, err := s.ResolveContact(ctx, Contact{ChannelID: ch.ChannelID, PlatformCustomerID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	state := func() (created, updated bool) {
		t.Helper()
		err := pool.QueryRow(ctx, `SELECT bool_or(tgenabled <> 'D') FILTER (WHERE tgname = 'webhook_events'),
			bool_or(tgenabled <> 'D') FILTER (WHERE tgname = 'webhook_events_update')
			FROM pg_trigger WHERE tgrelid = 'messages'::regclass`).Scan(&created, &updated)
		if err != nil {
			t.Fatal(err)
		}
		return created, updated
	}
	want := func(step string, created, updated bool) {
		t.Helper()
		if c, u := state(); c != created || u != updated {
			t.Fatalf("%s: triggers on messages (created, updated) = (%v, %v), want (%v, %v)", step, c, u, created, updated)
		}
	}
	seq := 0
	inbound := func() uuid.UUID {
		t.Helper()
		seq++
		id := uuid.Must(uuid.NewV7())
		b := &pgx.Batch{}
		QueueInbound(b, NewInbound{MessageID: id, ChatID: chat, PlatformMessageID: "p" + strconv.Itoa(seq),
			ContentType: "TEXT", Content: "hi", Timestamp: time.Now()}, &InboundResult{})
		if err := pool.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
		return id
	}
	deliveries := func(entity uuid.UUID) (n int) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE entity_id = $1`, entity).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	want("no endpoint", false, false)
	if id := inbound(); deliveries(id) != 0 {
		t.Fatal("a delivery without an endpoint")
	}
	inactive, err := s.CreateWebhook(ctx, Webhook{WebhookID: uuid.Must(uuid.NewV7()), URL: "http://127.0.0.1:1/x", Events: []string{}}, "s")
	if err != nil {
		t.Fatal(err)
	}
	want("an inactive endpoint", false, false)
	w, err := s.CreateWebhook(ctx, Webhook{WebhookID: uuid.Must(uuid.NewV7()), URL: "http://127.0.0.1:1/y",
		Events: []string{"message.created"}, IsActive: true}, "s")
	if err != nil {
		t.Fatal(err)
	}
	want("an endpoint for message.created", true, false)
	if id := inbound(); deliveries(id) != 1 {
		t.Fatal("the message stored after the endpoint was created is not in its outbox")
	}
	w.Events = []string{"conversation.updated"}
	if w, err = s.UpdateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	want("the endpoint narrowed to conversations", false, false)
	inactive.IsActive = true
	if _, err = s.UpdateWebhook(ctx, inactive); err != nil {
		t.Fatal(err)
	}
	want("an endpoint for every event turned on", true, true)
	id := inbound()
	if deliveries(id) != 1 {
		t.Fatal("no delivery for every-event endpoint")
	}
	if _, err := pool.Exec(ctx, `UPDATE messages SET status = 'DELIVERED' WHERE message_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if deliveries(id) != 2 {
		t.Fatal("no message.updated delivery")
	}
	if err := s.DeleteWebhook(ctx, inactive.WebhookID); err != nil {
		t.Fatal(err)
	}
	want("only the conversations endpoint left", false, false)
	if err := s.DeleteWebhook(ctx, w.WebhookID); err != nil {
		t.Fatal(err)
	}
	want("no endpoint left", false, false)
}
