package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type cannedReply struct {
	CannedReplyID string `json:"cannedReplyId"`
	Shortcut      string `json:"shortcut"`
	Content       string `json:"content"`
}

func TestCannedRepliesFilledAndSent(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	e.Must(http.StatusOK, "PUT", "/api/users/"+owner.UserID, owner.Token, map[string]any{"fullName": "Olga Owner"}, nil)
	agent := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)
	in, _ := ch.Inbound("c1", "cust-c", "where is my order?")

	var greet cannedReply
	e.Must(http.StatusCreated, "POST", "/api/canned-replies", owner.Token, map[string]any{"shortcut": "greet",
		"content": "Hi {{customer.firstName}} ({{ customer.name }}), {{agent.name}} here. {{customer.email}}"}, &greet)
	if r := e.Do("POST", "/api/canned-replies", agent.Token, map[string]any{"shortcut": "x", "content": "y"}); r.Status != http.StatusForbidden {
		t.Fatalf("agent creating: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/canned-replies", owner.Token, map[string]any{"shortcut": "GREET", "content": "y"}); r.Status != http.StatusConflict {
		t.Fatalf("duplicate shortcut: %d %s", r.Status, r.Body)
	}
	for _, bad := range []map[string]any{{"shortcut": "a", "content": "{{customer.secret}}"}, {"shortcut": "a b", "content": "x"}, {"content": "x"}} {
		if r := e.Do("POST", "/api/canned-replies", owner.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("canned %v: %d %s", bad, r.Status, r.Body)
		}
	}
	var list struct {
		Data []cannedReply `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/canned-replies?search=gre", agent.Token, nil, &list)
	if len(list.Data) != 1 || list.Data[0].CannedReplyID != greet.CannedReplyID {
		t.Fatalf("search = %+v", list.Data)
	}

	// Sent by the owner: the variables are filled from the customer and the sender; the webhook gets that text.
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", owner.Token, map[string]any{"cannedReplyId": greet.CannedReplyID}, &sent)
	want := "Hi Customer (Customer cust-c), Olga Owner here. "
	if sent.Message.Content != want {
		t.Fatalf("sent %q, want %q", sent.Message.Content, want)
	}
	testkit.Eventually(t, 5*time.Second, "the webhook", func() bool { return len(recv.Deliveries()) == 1 })
	if !strings.Contains(string(recv.Deliveries()[0].Body), want) {
		t.Fatalf("webhook body %s", recv.Deliveries()[0].Body)
	}

	// Bad sends.
	stranger := e.SignUp()
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", agent.Token, map[string]any{"cannedReplyId": greet.CannedReplyID, "content": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("content and cannedReplyId: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", agent.Token, map[string]any{"cannedReplyId": stranger.UserID}); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown canned reply: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", stranger.Token, map[string]any{"cannedReplyId": greet.CannedReplyID}); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant's conversation: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", agent.Token, map[string]any{}); r.Status != http.StatusBadRequest {
		t.Fatalf("neither: %d %s", r.Status, r.Body)
	}

	// Changed and deleted by managers.
	e.Must(http.StatusOK, "PUT", "/api/canned-replies/"+greet.CannedReplyID, owner.Token, map[string]any{"content": "Hello!"}, &greet)
	if greet.Content != "Hello!" || greet.Shortcut != "greet" {
		t.Fatalf("after update %+v", greet)
	}
	e.Must(http.StatusNoContent, "DELETE", "/api/canned-replies/"+greet.CannedReplyID, owner.Token, nil, nil)
	e.Must(http.StatusNotFound, "GET", "/api/canned-replies/"+greet.CannedReplyID, agent.Token, nil, nil)
}
