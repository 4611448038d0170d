package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

func testChatMessages(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e)
	ws := e.DialWS(tn.acct.Token)
	chatID := id(tn.chat(t, id(tn.customer(t, "ada", nil), "customerId"), nil), "chatId")
	path := "/api/chats/" + chatID + "/messages"

	// An imported customer message from yesterday, then today's exchange.
	old := tn.create(t, path, obj{"senderType": "CUSTOMER", "content": "from yesterday", "platformMessageId": "wamid.OLD",
		"timestamp": time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)})
	hello := tn.create(t, path, obj{"senderType": "CUSTOMER", "content": "hello", "metadata": obj{"source": "phone"}})
	reply := tn.create(t, path, obj{"content": "hi, how can I help?"})
	note := tn.create(t, path, obj{"senderType": "SYSTEM", "contentType": "TEXT", "content": "chat assigned"})
	oldID, helloID, replyID, noteID := id(old, "messageId"), id(hello, "messageId"), id(reply, "messageId"), id(note, "messageId")

	t.Run("customer messages are recorded as received", func(t *testing.T) {
		if hello["senderType"] != "CUSTOMER" || hello["status"] != "RECEIVED" || hello["isRead"] != false ||
			hello["chatId"] != chatID || hello["contentType"] != "TEXT" || old["platformMessageId"] != "wamid.OLD" {
			t.Fatalf("created %v", hello)
		}
		expectRFC3339(t, hello, "timestamp")
		waitEvents(t, ws, "incoming_message", 2)
	})

	t.Run("agent and system messages are sent through the conversation", func(t *testing.T) {
		if reply["senderType"] != "AGENT" || reply["status"] != "PENDING" || reply["platformMessageId"] == nil ||
			note["senderType"] != "SYSTEM" {
			t.Fatalf("created %v and %v", reply, note)
		}
		testkit.Eventually(t, 5*time.Second, "message_status for the reply", func() bool {
			for _, f := range ws.Frames("message_status") {
				var ev struct {
					MessageID string `json:"messageId"`
				}
				if json.Unmarshal(f.Data, &ev) == nil && ev.MessageID == replyID {
					return true
				}
			}
			return false
		})
		var conv struct {
			UnreadCount int    `json:"unreadCount"`
			LastMessage string `json:"lastMessage"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+chatID, nil, &conv)
		if conv.UnreadCount != 2 || conv.LastMessage != "chat assigned" {
			t.Fatalf("chat after the messages: %+v", conv)
		}
	})

	var lastID string
	t.Run("idempotency key returns the first send", func(t *testing.T) {
		var a, b obj
		tn.must(t, http.StatusCreated, "POST", path, obj{"content": "once"}, nil)
		r1 := tn.do("POST", path, obj{"content": "only once"}, "Idempotency-Key: k-1")
		r2 := tn.do("POST", path, obj{"content": "only once"}, "Idempotency-Key: k-1")
		r1.JSON(t, &a)
		r2.JSON(t, &b)
		if r1.Status != http.StatusCreated || a["messageId"] == nil || a["messageId"] != b["messageId"] {
			t.Fatalf("repeated send: %d %s / %d %s", r1.Status, r1.Body, r2.Status, r2.Body)
		}
		lastID = id(a, "messageId")
	})

	t.Run("list filters and pages in time order", func(t *testing.T) {
		all := tn.listAll(t, path, "messageId", 2)
		if len(all) != 6 || all[0] != oldID || all[1] != helloID || all[2] != replyID || all[3] != noteID {
			t.Fatalf("messages in order: %v", all)
		}
		tn.expectList(t, path+"?senderType=CUSTOMER", "messageId", oldID, helloID)
		tn.expectList(t, path+"?senderType=SYSTEM", "messageId", noteID)
		for _, query := range []string{"senderType=BOT", "limit=1000", "before=1"} {
			expectError(t, tn.do("GET", path+"?"+query, nil), http.StatusBadRequest)
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		cases := []struct {
			name   string
			body   any
			fields []string
		}{
			{"content missing", obj{"senderType": "CUSTOMER"}, []string{"content"}},
			{"content empty", obj{"content": ""}, []string{"content"}},
			{"content too long", obj{"content": strings.Repeat("x", 65537)}, []string{"content"}},
			{"senderType", obj{"content": "x", "senderType": "BOT"}, []string{"senderType"}},
			{"contentType", obj{"content": "x", "contentType": "GIF"}, []string{"contentType"}},
			{"timestamp", obj{"content": "x", "senderType": "CUSTOMER", "timestamp": "yesterday"}, []string{"timestamp"}},
			{"metadata", obj{"content": "x", "metadata": "note"}, []string{"metadata"}},
			{"platformMessageId on an agent message", obj{"content": "x", "platformMessageId": "p-1"}, []string{"platformMessageId"}},
			{"timestamp on a system message", obj{"content": "x", "senderType": "SYSTEM", "timestamp": "2024-01-01T00:00:00Z"}, []string{"timestamp"}},
			{"status is kept by the engine", obj{"content": "x", "status": "READ"}, []string{"status"}},
			{"content wrong type", obj{"content": 5}, []string{"content"}},
			{"content with a NUL character", obj{"content": "a\x00b"}, []string{"content"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", path, tc.body), http.StatusBadRequest, tc.fields...)
			})
		}
	})

	t.Run("platform message id is unique", func(t *testing.T) {
		expectError(t, tn.do("POST", path, obj{"senderType": "CUSTOMER", "content": "again", "platformMessageId": "wamid.OLD"}),
			http.StatusConflict, "platformMessageId")
	})

	t.Run("update", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/messages/"+noteID, obj{"content": "chat assigned to Ada", "metadata": obj{"by": "rule"}}, &got)
		if got["content"] != "chat assigned to Ada" || got["senderType"] != "SYSTEM" {
			t.Fatalf("updated %v", got)
		}
		// Editing the newest message changes what the inbox shows of the chat; an older one does not.
		var chat obj
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+chatID, nil, &chat)
		if chat["lastMessage"] != "only once" {
			t.Fatalf("chat summary after editing an older message: %v", chat)
		}
		tn.must(t, http.StatusOK, "PUT", "/api/messages/"+lastID, obj{"content": "only once, edited"}, nil)
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+chatID, nil, &chat)
		if chat["lastMessage"] != "only once, edited" {
			t.Fatalf("chat summary after editing the newest message: %v", chat)
		}
		for name, body := range map[string]obj{
			"content":           {"content": ""},
			"senderType":        {"senderType": "AGENT"},
			"contentType":       {"contentType": "IMAGE"},
			"platformMessageId": {"platformMessageId": "x"},
			"timestamp":         {"timestamp": "2024-01-01T00:00:00Z"},
			"metadata":          {"metadata": []int{1}},
		} {
			t.Run("refuses "+name, func(t *testing.T) {
				expectError(t, tn.do("PUT", "/api/messages/"+noteID, body), http.StatusBadRequest, name)
			})
		}
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/messages/"+unknownID, obj{"content": "x"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/messages/42", obj{"content": "x"}), http.StatusBadRequest, "messageId")
		}
		for _, sender := range []string{"CUSTOMER", "AGENT"} {
			expectError(t, tn.do("POST", "/api/chats/"+unknownID+"/messages", obj{"content": "x", "senderType": sender}), http.StatusNotFound)
		}
		expectError(t, tn.do("GET", "/api/chats/"+unknownID+"/messages", nil), http.StatusNotFound)
		expectError(t, tn.do("GET", "/api/chats/x/messages", nil), http.StatusBadRequest, "chatId")
	})

	t.Run("delete keeps the chat's unread count true", func(t *testing.T) {
		tn.must(t, http.StatusNoContent, "DELETE", "/api/messages/"+helloID, nil, nil)
		expectError(t, tn.do("GET", "/api/messages/"+helloID, nil), http.StatusNotFound)
		expectError(t, tn.do("DELETE", "/api/messages/"+helloID, nil), http.StatusNotFound)
		var chat struct {
			UnreadCount int `json:"unreadCount"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+chatID, nil, &chat)
		if chat.UnreadCount != 1 {
			t.Fatalf("unread count %d after deleting an unread message", chat.UnreadCount)
		}
		tn.expectList(t, path+"?senderType=CUSTOMER", "messageId", oldID)
	})
}
