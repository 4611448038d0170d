package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

func testChats(t *testing.T, e *testkit.Engine) {
	tn := newTenant(t, e)
	ws := e.DialWS(tn.acct.Token)
	var other struct {
		ChannelID string `json:"channelId"`
	}
	tn.must(t, http.StatusCreated, "POST", "/api/channels", obj{"platformType": "INSTAGRAM"}, &other)
	ada := id(tn.customer(t, "ada", obj{"fullName": "Ada"}), "customerId")
	bob := id(tn.customer(t, "bob", nil), "customerId")
	cyd := id(tn.create(t, "/api/customers", obj{"channelId": other.ChannelID, "platformCustomerId": "cyd"}), "customerId")

	first := tn.chat(t, ada, obj{"platformChatId": "wa-ada", "userId": tn.acct.UserID})
	second := tn.chat(t, bob, obj{"status": "PENDING", "channelId": tn.channel})
	third := tn.chat(t, cyd, obj{"status": "CLOSED"})
	firstID, secondID, thirdID := id(first, "chatId"), id(second, "chatId"), id(third, "chatId")

	t.Run("create answers the stored chat", func(t *testing.T) {
		if first["customerId"] != ada || first["channelId"] != tn.channel || first["status"] != "OPEN" ||
			first["userId"] != tn.acct.UserID || first["platformChatId"] != "wa-ada" || first["unreadCount"] != 0.0 ||
			first["lastMessageAt"] != nil || third["channelId"] != other.ChannelID || second["userId"] != nil {
			t.Fatalf("created %v, %v", first, third)
		}
		expectRFC3339(t, first, "startedAt")
		var conv obj
		tn.must(t, http.StatusOK, "GET", "/api/conversations/"+firstID, nil, &conv)
		if conv["contactName"] != "Ada" {
			t.Fatalf("the inbox shows %v", conv)
		}
	})

	t.Run("list filters and pages", func(t *testing.T) {
		cases := []struct {
			query string
			want  []string
		}{
			{"", []string{firstID, secondID, thirdID}},
			{"status=OPEN", []string{firstID}},
			{"status=RESOLVED", nil},
			{"channelId=" + tn.channel, []string{firstID, secondID}},
			{"customerId=" + cyd, []string{thirdID}},
			{"userId=" + tn.acct.UserID, []string{firstID}},
			{"channelId=" + tn.channel + "&status=PENDING", []string{secondID}},
		}
		for _, tc := range cases {
			t.Run("?"+tc.query, func(t *testing.T) {
				tn.expectList(t, "/api/chats?"+tc.query, "chatId", tc.want...)
			})
		}
		for _, query := range []string{"status=open", "channelId=1", "customerId=x", "userId=me", "include=orders", "limit=-1", "q=ada"} {
			t.Run("refuses "+query, func(t *testing.T) {
				expectError(t, tn.do("GET", "/api/chats?"+query, nil), http.StatusBadRequest)
			})
		}
	})

	t.Run("create refuses each invalid field", func(t *testing.T) {
		cases := []struct {
			name   string
			body   obj
			fields []string
		}{
			{"customerId missing", obj{}, []string{"customerId"}},
			{"customerId not a UUID", obj{"customerId": "ada"}, []string{"customerId"}},
			{"customerId unknown", obj{"customerId": unknownID}, []string{"customerId"}},
			{"channelId not the customer's", obj{"customerId": ada, "channelId": other.ChannelID}, []string{"channelId"}},
			{"status", obj{"customerId": ada, "status": "ARCHIVED"}, []string{"status"}},
			{"userId not a UUID", obj{"customerId": ada, "userId": "me"}, []string{"userId"}},
			{"userId not on the team", obj{"customerId": ada, "userId": unknownID}, []string{"userId"}},
			{"unreadCount is kept by the engine", obj{"customerId": ada, "unreadCount": 3}, []string{"unreadCount"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				expectError(t, tn.do("POST", "/api/chats", tc.body), http.StatusBadRequest, tc.fields...)
			})
		}
	})

	t.Run("platform chat id is unique per channel", func(t *testing.T) {
		expectError(t, tn.do("POST", "/api/chats", obj{"customerId": bob, "platformChatId": "wa-ada"}), http.StatusConflict, "platformChatId")
		expectError(t, tn.do("PUT", "/api/chats/"+secondID, obj{"platformChatId": "wa-ada"}), http.StatusConflict, "platformChatId")
	})

	t.Run("update tells the inbox", func(t *testing.T) {
		var got obj
		tn.must(t, http.StatusOK, "PUT", "/api/chats/"+firstID, obj{"status": "RESOLVED", "userId": ""}, &got)
		if got["status"] != "RESOLVED" || got["userId"] != nil || got["platformChatId"] != "wa-ada" {
			t.Fatalf("updated %v", got)
		}
		testkit.Eventually(t, 5*time.Second, "conversation_updated for the resolved chat", func() bool {
			for _, f := range ws.Frames("conversation_updated") {
				var c struct {
					ChatID string `json:"chatId"`
					Status string `json:"status"`
				}
				if json.Unmarshal(f.Data, &c) == nil && c.ChatID == firstID && c.Status == "RESOLVED" {
					return true
				}
			}
			return false
		})
		tn.must(t, http.StatusOK, "PUT", "/api/chats/"+firstID, obj{"userId": tn.acct.UserID, "platformChatId": ""}, &got)
		if got["userId"] != tn.acct.UserID || got["platformChatId"] != nil || got["status"] != "RESOLVED" {
			t.Fatalf("updated %v", got)
		}
		for name, body := range map[string]obj{
			"status":     {"status": 1},
			"userId":     {"userId": unknownID},
			"customerId": {"customerId": bob},
			"channelId":  {"channelId": tn.channel},
		} {
			t.Run("refuses "+name, func(t *testing.T) {
				expectError(t, tn.do("PUT", "/api/chats/"+firstID, body), http.StatusBadRequest, name)
			})
		}
	})

	t.Run("include customer and messages", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			tn.create(t, "/api/chats/"+firstID+"/messages", obj{"senderType": "CUSTOMER", "content": "hello"})
		}
		var got struct {
			Customer obj   `json:"customer"`
			Messages []obj `json:"messages"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+firstID+"?include=customer,messages", nil, &got)
		if got.Customer["customerId"] != ada || len(got.Messages) != 3 {
			t.Fatalf("embedded %+v", got)
		}
		var p struct {
			Data []struct {
				ChatID   string `json:"chatId"`
				Messages []obj  `json:"messages"`
				Customer obj    `json:"customer"`
			} `json:"data"`
		}
		tn.must(t, http.StatusOK, "GET", "/api/chats?include=messages", nil, &p)
		for _, c := range p.Data {
			if c.Messages == nil || (c.ChatID == firstID) != (len(c.Messages) == 3) || c.Customer != nil {
				t.Fatalf("list with include=messages: %+v", p.Data)
			}
		}
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			expectError(t, tn.do(m, "/api/chats/"+unknownID, obj{"status": "OPEN"}), http.StatusNotFound)
			expectError(t, tn.do(m, "/api/chats/zzz", obj{"status": "OPEN"}), http.StatusBadRequest, "chatId")
		}
	})

	t.Run("delete removes the chat and its messages", func(t *testing.T) {
		var msgs page
		tn.must(t, http.StatusOK, "GET", "/api/chats/"+firstID+"/messages", nil, &msgs)
		tn.must(t, http.StatusNoContent, "DELETE", "/api/chats/"+firstID, nil, nil)
		expectError(t, tn.do("GET", "/api/chats/"+firstID, nil), http.StatusNotFound)
		expectError(t, tn.do("GET", "/api/messages/"+id(msgs.Data[0], "messageId"), nil), http.StatusNotFound)
		expectError(t, tn.do("GET", "/api/conversations/"+firstID, nil), http.StatusNotFound)
		tn.must(t, http.StatusNoContent, "DELETE", "/api/chats/"+thirdID, nil, nil)
		tn.must(t, http.StatusNoContent, "DELETE", "/api/customers/"+cyd, nil, nil)
	})
}
