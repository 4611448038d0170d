package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type message struct {
	MessageID         string `json:"messageId"`
	ChatID            string `json:"chatId"`
	PlatformMessageID string `json:"platformMessageId"`
	SenderType        string `json:"senderType"`
	Content           string `json:"content"`
	Status            string `json:"status"`
	IsRead            bool   `json:"isRead"`
}

type conversation struct {
	ChatID           string  `json:"chatId"`
	ChannelID        string  `json:"channelId"`
	ContactName      *string `json:"contactName"`
	LastMessage      *string `json:"lastMessage"`
	UnreadCount      int     `json:"unreadCount"`
	Status           string  `json:"status"`
	Platform         string  `json:"platform"`
	ContactNumber    *string `json:"contactNumber"`
	ContactAvatarURL *string `json:"contactAvatarUrl"`
}

type webhookEvent struct {
	EventID string `json:"eventId"`
	Message struct {
		MessageID         string `json:"messageId"`
		PlatformMessageID string `json:"platformMessageId"`
		To                string `json:"to"`
		Content           string `json:"content"`
	} `json:"message"`
}

func messages(t *testing.T, e *testkit.Engine, token, chatID, query string) ([]message, *string) {
	t.Helper()
	var page struct {
		Data       []message `json:"data"`
		NextCursor *string   `json:"nextCursor"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID+"/messages"+query, token, nil, &page)
	return page.Data, page.NextCursor
}

func getConversation(t *testing.T, e *testkit.Engine, token, chatID string) conversation {
	t.Helper()
	var c conversation
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID, token, nil, &c)
	return c
}

// TestAPIChannelEndToEnd walks the README's path: a signed inbound message appears on the WebSocket and in the
// inbox; an answer is committed, delivered to the webhook, signed, and reported SENT; a receipt moves it on.
func TestAPIChannelEndToEnd(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	hook.SetSecret(ch.Secret)
	ws := e.DialWS(acct.Token)

	in, r := ch.Inbound("ext-1", "cust-42", "Hello, is my order on its way?")
	if r.Status != http.StatusAccepted || in.Duplicate || in.ChatID == "" {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	frames := ws.WaitFrames("incoming_message", 1, 5*time.Second)
	var incoming struct {
		Message      message      `json:"message"`
		Conversation conversation `json:"conversation"`
	}
	if err := json.Unmarshal(frames[0].Data, &incoming); err != nil {
		t.Fatal(err)
	}
	if incoming.Message.Content != "Hello, is my order on its way?" || incoming.Conversation.UnreadCount != 1 ||
		incoming.Message.SenderType != "CUSTOMER" || incoming.Message.MessageID != in.MessageID {
		t.Fatalf("incoming_message frame: %s", frames[0].Data)
	}

	var list struct {
		Data       []conversation `json:"data"`
		NextCursor *string        `json:"nextCursor"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, &list)
	if len(list.Data) != 1 || list.Data[0].ChatID != in.ChatID || list.Data[0].UnreadCount != 1 ||
		list.Data[0].Platform != "API" || *list.Data[0].ContactName != "Customer cust-42" || list.NextCursor != nil {
		t.Fatalf("conversations: %+v", list)
	}

	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token,
		map[string]any{"content": "Yes, it ships today."}, &sent)
	if sent.Message.Status != "PENDING" || sent.Message.SenderType != "AGENT" || sent.Message.PlatformMessageID == "" {
		t.Fatalf("send answered %+v", sent.Message)
	}
	testkit.Eventually(t, 5*time.Second, "webhook delivery", func() bool { return len(hook.Deliveries()) == 1 })
	d := hook.Deliveries()[0]
	var ev webhookEvent
	if err := json.Unmarshal(d.Body, &ev); err != nil {
		t.Fatal(err)
	}
	if !d.Valid || d.EventID != sent.Message.MessageID || ev.Message.To != "cust-42" || ev.Message.Content != "Yes, it ships today." ||
		ev.Message.PlatformMessageID != sent.Message.PlatformMessageID {
		t.Fatalf("delivery %+v %s", d, d.Body)
	}
	testkit.Eventually(t, 5*time.Second, "status SENT", func() bool {
		for _, f := range ws.Frames("message_status") {
			var st message
			_ = json.Unmarshal(f.Data, &st)
			if st.MessageID == sent.Message.MessageID && st.Status == "SENT" {
				return true
			}
		}
		return false
	})

	// Receipts move the message forward, never back.
	for _, st := range []string{"READ", "DELIVERED"} {
		r := ch.Post("status", map[string]any{"platformMessageId": sent.Message.PlatformMessageID, "status": st})
		if r.Status != http.StatusAccepted {
			t.Fatalf("status %s: %d %s", st, r.Status, r.Body)
		}
	}
	msgs, _ := messages(t, e, acct.Token, in.ChatID, "")
	if len(msgs) != 2 || msgs[1].Status != "READ" || msgs[0].MessageID != in.MessageID {
		t.Fatalf("messages after receipts: %+v", msgs)
	}

	e.Must(http.StatusOK, "POST", "/api/conversations/"+in.ChatID+"/read", acct.Token, nil, nil)
	if c := getConversation(t, e, acct.Token, in.ChatID); c.UnreadCount != 0 {
		t.Fatalf("unread after mark read: %d", c.UnreadCount)
	}
	msgs, _ = messages(t, e, acct.Token, in.ChatID, "")
	if !msgs[0].IsRead {
		t.Fatal("customer message not marked read")
	}
}

func TestInboundIsDeduplicatedAndVerified(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	ws := e.DialWS(acct.Token)

	first, _ := ch.Inbound("dup-1", "c1", "once")
	second, r := ch.Inbound("dup-1", "c1", "once")
	if r.Status != http.StatusAccepted || !second.Duplicate || second.MessageID != first.MessageID || second.ChatID != first.ChatID {
		t.Fatalf("repeat: %d %s (first %+v)", r.Status, r.Body, first)
	}
	if msgs, _ := messages(t, e, acct.Token, first.ChatID, ""); len(msgs) != 1 {
		t.Fatalf("stored %d messages", len(msgs))
	}
	if c := getConversation(t, e, acct.Token, first.ChatID); c.UnreadCount != 1 {
		t.Fatalf("unread %d after a duplicate", c.UnreadCount)
	}
	ws.WaitFrames("incoming_message", 1, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	if n := len(ws.Frames("incoming_message")); n != 1 {
		t.Fatalf("%d incoming_message frames for one message", n)
	}

	body := []byte(`{"platformMessageId":"x","from":{"platformCustomerId":"c"},"content":"hi"}`)
	for name, sig := range map[string]string{"missing": "", "wrong": "sha256=00", "other secret": "sha256=" + fmt.Sprintf("%064x", 1)} {
		headers := []string{}
		if sig != "" {
			headers = append(headers, "X-Aezen-Signature: "+sig)
		}
		if r := e.Do("POST", "/api/channels/"+ch.ID+"/inbound", "", body, headers...); r.Status != http.StatusUnauthorized {
			t.Fatalf("%s signature: %d %s", name, r.Status, r.Body)
		}
	}
	if r := ch.Post("inbound", map[string]any{"from": map[string]any{"platformCustomerId": "c"}, "content": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("missing platformMessageId: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/channels/00000000-0000-0000-0000-000000000000/inbound", "", body, "X-Aezen-Signature: sha256=00"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown channel: %d %s", r.Status, r.Body)
	}
}

// TestDeletedChannelRefusesSignedCalls: the node remembers which tenant owns a channel (routeCache); once
// the channel is deleted its signed calls are refused all the same, by the tenant.
func TestDeletedChannelRefusesSignedCalls(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	// A signed call that stores nothing (no platformMessageId) routes through the cache; the channel, still
	// unused, can then be deleted.
	if r := ch.Post("inbound", map[string]any{"from": map[string]any{"platformCustomerId": "c"}, "content": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("inbound without platformMessageId: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusNoContent, "DELETE", "/api/channels/"+ch.ID, acct.Token, nil, nil)
	if _, r := ch.Inbound("del-2", "c1", "after"); r.Status != http.StatusNotFound {
		t.Fatalf("inbound to a deleted channel: %d %s", r.Status, r.Body)
	}
}

// TestUnreadCountIsExactUnderConcurrentInbound sends many messages to one chat at once.
func TestUnreadCountIsExactUnderConcurrentInbound(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	chats := map[string]bool{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Every message is posted twice: the repeat must change nothing.
			for k := 0; k < 2; k++ {
				in, r := ch.Inbound(fmt.Sprintf("burst-%d", i), "same-customer", fmt.Sprintf("message %d", i))
				if r.Status != http.StatusAccepted {
					t.Errorf("inbound %d: %d %s", i, r.Status, r.Body)
					return
				}
				mu.Lock()
				chats[in.ChatID] = true
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if len(chats) != 1 {
		t.Fatalf("one customer ended up in %d chats", len(chats))
	}
	for chatID := range chats {
		if c := getConversation(t, e, acct.Token, chatID); c.UnreadCount != n {
			t.Fatalf("unread count %d, want %d", c.UnreadCount, n)
		}
		all := 0
		cursor := ""
		for {
			q := "?limit=37"
			if cursor != "" {
				q += "&before=" + cursor
			}
			page, next := messages(t, e, acct.Token, chatID, q)
			all += len(page)
			if next == nil {
				break
			}
			cursor = *next
		}
		if all != n {
			t.Fatalf("paged through %d messages, want %d", all, n)
		}
	}
}

// TestMessagesKeepArrivalOrder posts messages one after another and reads them back in that order.
func TestMessagesKeepArrivalOrder(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	var chatID string
	for i := 0; i < 30; i++ {
		in, r := ch.Inbound(fmt.Sprintf("ord-%d", i), "orderly", fmt.Sprintf("%02d", i))
		if r.Status != http.StatusAccepted {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		chatID = in.ChatID
	}
	msgs, _ := messages(t, e, acct.Token, chatID, "?limit=200")
	for i, m := range msgs {
		if m.Content != fmt.Sprintf("%02d", i) {
			t.Fatalf("message %d is %q", i, m.Content)
		}
	}
	// Pages are oldest-to-newest within a page; earlier pages come by cursor.
	last, next := messages(t, e, acct.Token, chatID, "?limit=10")
	if last[0].Content != "20" || last[9].Content != "29" || next == nil {
		t.Fatalf("newest page: %v .. %v", last[0].Content, last[9].Content)
	}
	prev, _ := messages(t, e, acct.Token, chatID, "?limit=10&before="+*next)
	if prev[0].Content != "10" || prev[9].Content != "19" {
		t.Fatalf("previous page: %v .. %v", prev[0].Content, prev[9].Content)
	}
}

func TestSendIsIdempotent(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	in, _ := ch.Inbound("i-1", "idem", "hi")

	var a, b struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, map[string]any{"content": "only once"}, &a, "Idempotency-Key: k-1")
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, map[string]any{"content": "only once"}, &b, "Idempotency-Key: k-1")
	if a.Message.MessageID != b.Message.MessageID {
		t.Fatalf("repeat made a new message: %s vs %s", a.Message.MessageID, b.Message.MessageID)
	}
	testkit.Eventually(t, 5*time.Second, "delivery", func() bool { return len(hook.Deliveries()) >= 1 })
	time.Sleep(200 * time.Millisecond)
	if n := len(hook.Deliveries()); n != 1 {
		t.Fatalf("webhook called %d times", n)
	}
	if msgs, _ := messages(t, e, acct.Token, in.ChatID, ""); len(msgs) != 2 {
		t.Fatalf("%d messages stored", len(msgs))
	}
	for name, body := range map[string]any{"empty content": map[string]any{"content": ""}, "bad type": map[string]any{"content": "x", "contentType": "GIF"},
		"number content": map[string]any{"content": 5}, "NUL in content": map[string]any{"content": "a\u0000b"}} {
		if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, body); r.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := e.Do("POST", "/api/conversations/not-a-uuid/send", acct.Token, map[string]any{"content": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("bad chat id: %d", r.Status)
	}
	if r := e.Do("POST", "/api/conversations/0192f000-0000-7000-8000-000000000001/send", acct.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("unknown chat: %d %s", r.Status, r.Body)
	}
}

// TestWebhookOutageThenRecovery keeps the receiver down while messages are sent; once it is back, every
// message arrives, in order, and each ends SENT.
func TestWebhookOutageThenRecovery(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1000
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	hook.SetDown(true)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	in, _ := ch.Inbound("o-1", "patient", "hi")
	var ids []string
	for i := 0; i < 5; i++ {
		var s struct {
			Message message `json:"message"`
		}
		e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, map[string]any{"content": fmt.Sprint(i)}, &s)
		ids = append(ids, s.Message.MessageID)
	}
	testkit.Eventually(t, 5*time.Second, "retries while down", func() bool { return hook.Calls() >= 3 })
	hook.SetDown(false)
	testkit.Eventually(t, 10*time.Second, "all deliveries", func() bool { return len(hook.Deliveries()) >= 5 })
	got := hook.Deliveries()
	for i, d := range got {
		if d.EventID != ids[i] {
			t.Fatalf("delivery %d is %s, want %s", i, d.EventID, ids[i])
		}
	}
	testkit.Eventually(t, 5*time.Second, "all SENT", func() bool {
		msgs, _ := messages(t, e, acct.Token, in.ChatID, "")
		for _, m := range msgs[1:] {
			if m.Status != "SENT" {
				return false
			}
		}
		return true
	})
}

// TestPendingSendSurvivesRestart commits a send while the webhook is down, stops the node, and starts a new one.
func TestPendingSendSurvivesRestart(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1000
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	hook.SetDown(true)
	ch := e.CreateAPIChannel(acct.Token, hook.URL)
	in, _ := ch.Inbound("r-1", "restart", "hi")
	var s struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, map[string]any{"content": "survive"}, &s)
	testkit.Eventually(t, 5*time.Second, "a refused attempt", func() bool { return hook.Calls() >= 1 })
	e.Stop()

	hook.SetDown(false)
	restarted := testkit.Start(t, cfg)
	// The node's first wake-up pass ends with the tenant active, without any request.
	select {
	case <-restarted.Node.WokeUp():
	case <-time.After(10 * time.Second):
		t.Fatal("the node's first wake-up pass did not end")
	}
	if local := restarted.Node.LocalTenants(context.Background()); len(local) != 1 || local[0].TenantID != acct.TenantID {
		t.Fatalf("tenants active after the wake-up pass: %+v, want %s", local, acct.TenantID)
	}
	testkit.Eventually(t, 10*time.Second, "delivery after restart", func() bool { return len(hook.Deliveries()) >= 1 })
	if d := hook.Deliveries()[0]; d.EventID != s.Message.MessageID {
		t.Fatalf("delivered %s, want %s", d.EventID, s.Message.MessageID)
	}
	testkit.Eventually(t, 5*time.Second, "SENT after restart", func() bool {
		msgs, _ := messages(t, restarted, acct.Token, in.ChatID, "")
		return len(msgs) == 2 && msgs[1].Status == "SENT"
	})
}
