package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// rawChatStatus reads a chat's stored status straight from the tenant's database (no request to the
// engine, which would activate the tenant).
func rawChatStatus(t *testing.T, e *testkit.Engine, tenantID, chatID string) (string, *time.Time) {
	t.Helper()
	url, err := persistence.WithDatabase(e.Cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(tenantID)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var status string
	var until *time.Time
	if err := conn.QueryRow(ctx, `SELECT status::text, snoozed_until FROM chats WHERE chat_id = $1`, chatID).Scan(&status, &until); err != nil {
		t.Fatal(err)
	}
	return status, until
}

// TestSnoozeEndsWithAnEvent: when snoozedUntil passes, the stored chat is OPEN again and those who may see
// it hear conversation_updated (as from POST .../status); an agent who may not see it hears nothing.
func TestSnoozeEndsWithAnEvent(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	in, _ := ch.Inbound("z1", "cust-z", "hello")
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)
	wsA, wsB := e.DialWS(agentA.Token), e.DialWS(agentB.Token)

	// Two snoozes: the later one set first, so the timer has to move earlier.
	other, _ := ch.Inbound("z2", "cust-y", "later")
	e.Must(http.StatusOK, "POST", "/api/conversations/"+other.ChatID+"/status", owner.Token,
		map[string]any{"status": "PENDING", "snoozedUntil": time.Now().Add(time.Hour)}, nil)
	until := time.Now().Add(1500 * time.Millisecond)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/status", owner.Token,
		map[string]any{"status": "PENDING", "snoozedUntil": until}, nil)
	opened := func() bool {
		for _, f := range framesAbout(wsA, in.ChatID) {
			var c assignedConversation
			if f.Event == "conversation_updated" && json.Unmarshal(f.Data, &c) == nil && c.Status == "OPEN" && c.SnoozedUntil == nil {
				return true
			}
		}
		return false
	}
	testkit.Eventually(t, 10*time.Second, "conversation_updated OPEN when the snooze ends", opened)
	if time.Now().Before(until) {
		t.Fatal("the snooze ended early")
	}
	if status, snoozed := rawChatStatus(t, e, owner.TenantID, in.ChatID); status != "OPEN" || snoozed != nil {
		t.Fatalf("stored chat: %s until %v, want OPEN", status, snoozed)
	}
	if status, _ := rawChatStatus(t, e, owner.TenantID, other.ChatID); status != "PENDING" {
		t.Fatalf("the other chat: %s, want still PENDING", status)
	}
	// B (only mine) heard nothing about A's conversation; B's socket is in order (it heard the other chat's snooze).
	wsB.WaitFrames("conversation_updated", 1, 5*time.Second)
	if got := framesAbout(wsB, in.ChatID); len(got) != 0 {
		t.Fatalf("B heard about A's conversation: %d frames", len(got))
	}
}

// TestSnoozeEndsAcrossARestart: a snooze that ends while no node runs is ended (stored OPEN) by the next
// node without any request: the master database's timer makes it activate the tenant.
func TestSnoozeEndsAcrossARestart(t *testing.T) {
	cfg := testkit.Config(t)
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	in, _ := ch.Inbound("zr1", "cust-zr", "hello")
	until := time.Now().Add(time.Second)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/status", owner.Token,
		map[string]any{"status": "PENDING", "snoozedUntil": until}, nil)
	e.Stop()
	if status, _ := rawChatStatus(t, e, owner.TenantID, in.ChatID); status != "PENDING" {
		t.Fatalf("stored before the restart: %s", status)
	}
	time.Sleep(time.Until(until)) // the snooze ends while no node runs
	restarted := testkit.Start(t, cfg)
	testkit.Eventually(t, 10*time.Second, "the chat stored OPEN after the restart, without a request", func() bool {
		status, _ := rawChatStatus(t, restarted, owner.TenantID, in.ChatID)
		return status == "OPEN"
	})
}
