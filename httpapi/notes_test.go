package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

func TestInternalNotesAndMentions(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)
	in, _ := ch.Inbound("n1", "cust-n", "is it in stock?")
	wsA := e.DialWS(agentA.Token)
	wsB := e.DialWS(agentB.Token)

	var note struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusCreated, "POST", "/api/conversations/"+in.ChatID+"/notes", owner.Token,
		map[string]any{"content": "internal: ask the warehouse", "mentions": []string{agentA.UserID, agentA.UserID}}, &note)
	if note.Message.SenderType != "NOTE" || !note.Message.IsRead || note.Message.ChatID != in.ChatID {
		t.Fatalf("note stored as %+v", note.Message)
	}
	mention := wsA.WaitFrames("mention", 1, 5*time.Second)[0]
	if !strings.Contains(string(mention.Data), "ask the warehouse") || !strings.Contains(string(mention.Data), in.ChatID) {
		t.Fatalf("mention = %s", mention.Data)
	}
	// A second note without mentions: once B has heard both notes, B has heard everything published before.
	e.Must(http.StatusCreated, "POST", "/api/conversations/"+in.ChatID+"/notes", agentB.Token, map[string]any{"content": "on it"}, nil)
	wsB.WaitFrames("note_added", 2, 5*time.Second)
	if n := len(wsB.Frames("mention")); n != 0 {
		t.Fatalf("B got %d mentions meant for A", n)
	}
	if n := len(wsA.Frames("mention")); n != 1 {
		t.Fatalf("A got %d mentions, want 1 (mentions are de-duplicated)", n)
	}

	// In the thread, never unread, not the inbox preview.
	list, _ := messages(t, e, owner.Token, in.ChatID, "")
	if len(list) != 3 || list[1].SenderType != "NOTE" || list[2].SenderType != "NOTE" {
		t.Fatalf("thread = %+v", list)
	}
	c := getConversation(t, e, owner.Token, in.ChatID)
	if c.UnreadCount != 1 || c.LastMessage == nil || *c.LastMessage != "is it in stock?" {
		t.Fatalf("conversation after notes: unread %d, last %v", c.UnreadCount, c.LastMessage)
	}
	var notes struct {
		Data []message `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/chats/"+in.ChatID+"/messages?senderType=NOTE", owner.Token, nil, &notes)
	if len(notes.Data) != 2 {
		t.Fatalf("senderType=NOTE listed %d", len(notes.Data))
	}

	// Never sent: the channel's webhook gets the agent's reply and nothing else.
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", owner.Token, map[string]any{"content": "yes, it is"}, nil)
	testkit.Eventually(t, 5*time.Second, "the reply's webhook", func() bool { return len(recv.Deliveries()) >= 1 })
	for _, d := range recv.Deliveries() {
		if strings.Contains(string(d.Body), "warehouse") || strings.Contains(string(d.Body), "on it") {
			t.Fatalf("a note reached the channel's webhook: %s", d.Body)
		}
	}
	if n := recv.Calls(); n != 1 {
		t.Fatalf("webhook called %d times, want 1", n)
	}

	// Bad input.
	stranger := e.SignUp()
	bad := []map[string]any{
		{"content": ""},
		{"content": "x", "mentions": []string{"nope"}},
		{"content": "x", "mentions": []string{stranger.UserID}},
		{"content": "x", "extra": 1},
	}
	for _, body := range bad {
		if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/notes", owner.Token, body); r.Status != http.StatusBadRequest {
			t.Fatalf("note %v: %d %s", body, r.Status, r.Body)
		}
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/notes", stranger.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("note from another tenant: %d %s", r.Status, r.Body)
	}

	// Under ASSIGNED_AND_UNASSIGNED, a mention may not reveal a conversation: B cannot be mentioned on A's.
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/notes", owner.Token,
		map[string]any{"content": "x", "mentions": []string{agentB.UserID}}); r.Status != http.StatusBadRequest {
		t.Fatalf("mentioning someone who cannot see it: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/notes", agentB.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("note by someone who cannot see it: %d %s", r.Status, r.Body)
	}
}
