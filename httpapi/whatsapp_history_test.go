package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

type historyStatus struct {
	State      string     `json:"state"`
	Days       int        `json:"days"`
	Imported   int        `json:"imported"`
	Duplicates int        `json:"duplicates"`
	Skipped    int        `json:"skipped"`
	Chunks     int        `json:"chunks"`
	Progress   *int       `json:"progress"`
	FinishedAt *time.Time `json:"finishedAt"`
}

func channelHistory(t *testing.T, e *testkit.Engine, token, channelID string) historyStatus {
	t.Helper()
	var st struct {
		History *historyStatus `json:"history"`
	}
	e.Must(http.StatusOK, "GET", "/api/channels/"+channelID+"/whatsapp/status", token, nil, &st)
	if st.History == nil {
		t.Fatal("status without history")
	}
	return *st.History
}

// TestWhatsAppHistoryImport: the history WhatsApp sends after pairing lands in the right chats, older than
// the live messages, read, de-duplicated against what is stored (by WhatsApp id), without reopening a
// conversation or counting as unread, without message.created webhooks and without per-message events;
// the channel's status (and its connection_status events) shows the progress until WhatsApp's 100 %.
func TestWhatsAppHistoryImport(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	acct := e.SignUp()
	hook := createWebhook(t, e, acct.Token, map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"message.created"}})
	channelID := e.ConnectWhatsApp(acct.Token, fake, "4915112345678@s.whatsapp.net")
	ch := channelID.String()
	if h := channelHistory(t, e, acct.Token, ch); h.State != "WAITING" || h.Days != 30 {
		t.Fatalf("history after pairing: %+v", h)
	}
	ws := e.DialWS(acct.Token)

	live := waText("WA-1", ada, "Ada", "is it in stock?")
	if !deliver(t, fake, channelID, live) {
		t.Fatal("not acknowledged")
	}
	adaChat := conversationsByNumber(t, e, acct.Token)["+15551234567"].ChatID
	e.Must(http.StatusOK, "POST", "/api/conversations/"+adaChat+"/status", acct.Token, map[string]any{"status": "RESOLVED"}, nil)

	old := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	h1 := waText("H-1", ada, "Ada", "hello from last week")
	h1.Timestamp = old
	h2 := waText("H-2", ada, "", "hi Ada, how can we help?")
	h2.FromMe, h2.Timestamp = true, old.Add(time.Minute)
	h3 := waText("H-3", grace, "Grace", "my parcel?")
	h3.Timestamp = old.Add(2 * time.Minute)
	dup := live // WhatsApp's history repeats a message already stored live
	half := 50
	stored, err := fake.History(channelID, sessions.WAHistory{SyncType: "RECENT", Progress: half,
		Messages: []*sessions.WAMessage{&h1, &h2, &h3, &dup}, Skipped: 2})
	if err != nil || !stored {
		t.Fatalf("chunk not stored: %v", err)
	}
	testkit.Eventually(t, 5*time.Second, "history counts", func() bool {
		h := channelHistory(t, e, acct.Token, ch)
		return h.State == "IMPORTING" && h.Imported == 3 && h.Duplicates == 1 && h.Skipped == 2 && h.Chunks == 1 &&
			h.Progress != nil && *h.Progress == 50
	})

	convs := conversationsByNumber(t, e, acct.Token)
	if c := convs["+15551234567"]; c.Status != "RESOLVED" || c.UnreadCount != 1 || *c.LastMessage != "is it in stock?" {
		t.Fatalf("Ada's conversation after the import: %+v", c)
	}
	g, ok := convs["+447700900123"]
	if !ok || g.Status != "RESOLVED" || g.UnreadCount != 0 || g.ContactName == nil || *g.ContactName != "Grace" {
		t.Fatalf("conversation created by the import: %+v", g)
	}
	msgs := chatMessages(t, e, acct.Token, adaChat)
	if len(msgs) != 3 || msgs[0].PlatformMessageID != "H-1" || msgs[1].PlatformMessageID != "H-2" || msgs[2].PlatformMessageID != "WA-1" {
		t.Fatalf("Ada's thread, oldest first: %+v", msgs)
	}
	if m := msgs[0]; m.SenderType != "CUSTOMER" || !m.IsRead || m.Origin != nil {
		t.Fatalf("imported customer message %+v", m)
	}
	if m := msgs[1]; m.SenderType != "AGENT" || m.Status != "SENT" || m.Origin == nil || *m.Origin != "PHONE" {
		t.Fatalf("imported business message %+v", m)
	}
	// A page boundary inside the imported messages keeps the order (their seqs are negative).
	page, next := messages(t, e, acct.Token, adaChat, "?limit=1")
	if len(page) != 1 || page[0].Content != "is it in stock?" || next == nil {
		t.Fatalf("first page %+v", page)
	}
	page, next = messages(t, e, acct.Token, adaChat, "?limit=1&before="+*next)
	if len(page) != 1 || page[0].Content != "hi Ada, how can we help?" || next == nil {
		t.Fatalf("second page %+v", page)
	}

	// The last chunk ends the import; a chunk sent again stores nothing new.
	done := 100
	if ok, err := fake.History(channelID, sessions.WAHistory{SyncType: "RECENT", Progress: done,
		Messages: []*sessions.WAMessage{&h1}}); err != nil || !ok {
		t.Fatalf("last chunk: %v", err)
	}
	testkit.Eventually(t, 5*time.Second, "history done", func() bool {
		h := channelHistory(t, e, acct.Token, ch)
		return h.State == "DONE" && h.Imported == 3 && h.Duplicates == 2 && h.FinishedAt != nil
	})
	testkit.Eventually(t, 5*time.Second, "connection_status with the finished import", func() bool {
		for _, f := range ws.Frames("connection_status") {
			var st struct {
				History historyStatus `json:"history"`
			}
			if json.Unmarshal(f.Data, &st) == nil && st.History.State == "DONE" {
				return true
			}
		}
		return false
	})
	for _, f := range ws.Frames("incoming_message") {
		var ev struct {
			Message phoneMessage `json:"message"`
		}
		if json.Unmarshal(f.Data, &ev) != nil || ev.Message.PlatformMessageID != "WA-1" {
			t.Fatalf("an imported message was announced as new: %s", f.Data)
		}
	}
	// Only the live message was reported to the webhook as created.
	created := 0
	for _, d := range deliveries(t, e, acct.Token, hook.WebhookID) {
		if d.Event == "message.created" {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d message.created deliveries, want the live message's only", created)
	}
}
