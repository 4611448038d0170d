package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 7: an agent's send to chat 2 with a key the owner had used on chat 1 got the owner's chat-1
// message back, and nothing was sent.
func TestIdempotencyKeysAreScopedToUserAndPath(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agent := newMember(t, e, owner, "AGENT")
	hook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, hook.URL)
	one, _ := ch.Inbound("i-1", "cust-1", "hello")
	two, _ := ch.Inbound("i-2", "cust-2", "hello")

	type sent struct {
		Message message `json:"message"`
	}
	send := func(token, chatID, content string, want int) (out sent) {
		t.Helper()
		r := e.Must(want, "POST", "/api/conversations/"+chatID+"/send", token, map[string]any{"content": content}, nil, "Idempotency-Key: shared-key")
		if want == http.StatusAccepted {
			r.JSON(t, &out)
		}
		return out
	}
	first := send(owner.Token, one.ChatID, "for chat one", http.StatusAccepted)
	byAgent := send(agent, two.ChatID, "for chat two", http.StatusAccepted)
	if byAgent.Message.MessageID == first.Message.MessageID || byAgent.Message.ChatID != two.ChatID || byAgent.Message.Content != "for chat two" {
		t.Fatalf("the agent's send got %+v back (the owner's was %+v)", byAgent.Message, first.Message)
	}
	otherChat := send(owner.Token, two.ChatID, "owner on chat two", http.StatusAccepted)
	if otherChat.Message.MessageID == first.Message.MessageID || otherChat.Message.ChatID != two.ChatID {
		t.Fatalf("the same key on another chat got %+v back", otherChat.Message)
	}
	if again := send(owner.Token, one.ChatID, "for chat one", http.StatusAccepted); again.Message.MessageID != first.Message.MessageID {
		t.Fatalf("a true repeat made a new message: %s vs %s", again.Message.MessageID, first.Message.MessageID)
	}
	r := e.Do("POST", "/api/conversations/"+one.ChatID+"/send", owner.Token, map[string]any{"content": "a different body"}, "Idempotency-Key: shared-key")
	if r.Status != http.StatusUnprocessableEntity || r.ErrorCode() != "idempotency_key_reused" {
		t.Fatalf("same key, different body: %d %s", r.Status, r.Body)
	}
	r = e.Do("POST", "/api/conversations/"+one.ChatID+"/send", owner.Token, map[string]any{"content": "for chat one", "contentType": "LOCATION"}, "Idempotency-Key: shared-key")
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("same key, different content type: %d %s", r.Status, r.Body)
	}

	// Three sends happened, each delivered once; the refused ones sent nothing.
	testkit.Eventually(t, 5*time.Second, "three deliveries", func() bool { return len(hook.Deliveries()) >= 3 })
	time.Sleep(200 * time.Millisecond)
	if n := len(hook.Deliveries()); n != 3 {
		t.Fatalf("webhook called %d times, want 3", n)
	}
}
