package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

type presenceEvent struct {
	ChatID    string `json:"chatId"`
	Typing    *bool  `json:"typing"`
	Recording bool   `json:"recording"`
	Online    *bool  `json:"online"`
}

func presenceOf(t *testing.T, ws *testkit.WSClient, chatID string) []presenceEvent {
	t.Helper()
	var out []presenceEvent
	for _, f := range ws.Frames("presence") {
		var ev presenceEvent
		if err := json.Unmarshal(f.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ChatID == chatID {
			out = append(out, ev)
		}
	}
	return out
}

// TestWhatsAppCustomerPresence: a customer's typing and online state reach, as presence events, those who
// may see their conversation and not an agent who may not; the session follows a customer's online state
// once per connection, after their first message.
func TestWhatsAppCustomerPresence(t *testing.T) {
	e, fake := startWithFakeWhatsApp(t)
	owner := e.SignUp()
	agent := e.AddUser(owner.Token, "AGENT")
	channelID := e.ConnectWhatsApp(owner.Token, fake, "4915112345678@s.whatsapp.net")
	for _, m := range []sessions.WAMessage{waText("P-1", ada, "Ada", "hi"), waText("P-2", ada, "Ada", "there"), waText("P-3", grace, "Grace", "hello")} {
		if !deliver(t, fake, channelID, m) {
			t.Fatal("not acknowledged")
		}
	}
	convs := conversationsByNumber(t, e, owner.Token)
	adaChat, graceChat := convs["+15551234567"].ChatID, convs["+447700900123"].ChatID
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+adaChat+"/assign", owner.Token, map[string]any{"userId": owner.UserID}, nil)
	wsOwner, wsAgent := e.DialWS(owner.Token), e.DialWS(agent.Token)
	testkit.Eventually(t, 5*time.Second, "presence followed once per customer", func() bool {
		return fake.Subscriptions(ada) == 1 && fake.Subscriptions(grace) == 1
	})

	on, off := true, false
	emit := func(p sessions.WAPresence) {
		t.Helper()
		if err := fake.Emit(channelID, p); err != nil {
			t.Fatal(err)
		}
	}
	emit(sessions.WAPresence{JID: ada, Typing: &on, Recording: true})
	emit(sessions.WAPresence{JID: ada, Online: &off})
	testkit.Eventually(t, 5*time.Second, "the owner hears Ada typing and going offline", func() bool {
		evs := presenceOf(t, wsOwner, adaChat)
		return len(evs) == 2 && evs[0].Typing != nil && *evs[0].Typing && evs[0].Recording && evs[0].Online == nil &&
			evs[1].Online != nil && !*evs[1].Online && evs[1].Typing == nil
	})
	// Grace's conversation is unassigned: the agent hears it; once they have, Ada's would have arrived before.
	emit(sessions.WAPresence{JID: grace, Typing: &on})
	testkit.Eventually(t, 5*time.Second, "the agent hears Grace typing", func() bool { return len(presenceOf(t, wsAgent, graceChat)) == 1 })
	if evs := presenceOf(t, wsAgent, adaChat); len(evs) != 0 {
		t.Fatalf("an agent who may not see Ada's conversation heard her presence: %+v", evs)
	}
	// Someone without a conversation is nobody's business.
	emit(sessions.WAPresence{JID: "15550009999@s.whatsapp.net", Online: &on})
}
