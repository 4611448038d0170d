package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type viewingEvent struct {
	ChatID    string    `json:"chatId"`
	UserID    string    `json:"userId"`
	Name      string    `json:"name"`
	Viewing   bool      `json:"viewing"`
	Typing    bool      `json:"typing"`
	At        time.Time `json:"at"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func viewingEvents(t *testing.T, ws *testkit.WSClient, chatID string) []viewingEvent {
	t.Helper()
	var out []viewingEvent
	for _, f := range ws.Frames("viewing") {
		var ev viewingEvent
		if err := json.Unmarshal(f.Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ChatID == chatID {
			out = append(out, ev)
		}
	}
	return out
}

type wsAck struct {
	Request string `json:"request"`
	Error   *struct {
		Code string `json:"code"`
	} `json:"error"`
}

func lastAck(t *testing.T, ws *testkit.WSClient, n int) wsAck {
	t.Helper()
	frames := ws.WaitFrames("ack", n, 5*time.Second)
	var a wsAck
	if err := json.Unmarshal(frames[n-1].Data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestViewingHints: a teammate's viewing and typing frames reach those who may see the conversation as
// viewing events (name, typing, at, expiresAt), never an agent under "only mine" who may not, and such an
// agent cannot announce themselves in a conversation they cannot see.
func TestViewingHints(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	mine, _ := ch.Inbound("v1", "cust-v", "hello")
	open, _ := ch.Inbound("v2", "cust-w", "hi")
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+mine.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)
	wsA, wsB, wsOwner := e.DialWS(agentA.Token), e.DialWS(agentB.Token), e.DialWS(owner.Token)

	wsA.Send("viewing", map[string]any{"chatId": mine.ChatID})
	if a := lastAck(t, wsA, 1); a.Error != nil {
		t.Fatalf("viewing ack: %+v", a)
	}
	testkit.Eventually(t, 5*time.Second, "the owner hears A viewing", func() bool { return len(viewingEvents(t, wsOwner, mine.ChatID)) == 1 })
	ev := viewingEvents(t, wsOwner, mine.ChatID)[0]
	if ev.UserID != agentA.UserID || ev.Name == "" || !ev.Viewing || ev.Typing || ev.At.IsZero() ||
		ev.ExpiresAt.Sub(ev.At) < 5*time.Second || ev.ExpiresAt.Sub(ev.At) > 10*time.Second {
		t.Fatalf("viewing event = %+v", ev)
	}
	wsA.Send("typing", map[string]any{"chatId": mine.ChatID, "on": true})
	testkit.Eventually(t, 5*time.Second, "the owner hears A typing", func() bool {
		evs := viewingEvents(t, wsOwner, mine.ChatID)
		return len(evs) == 2 && evs[1].Typing && evs[1].Viewing
	})
	wsA.Send("viewing", map[string]any{"chatId": mine.ChatID, "on": false})
	testkit.Eventually(t, 5*time.Second, "the owner hears A leave", func() bool {
		evs := viewingEvents(t, wsOwner, mine.ChatID)
		return len(evs) == 3 && !evs[2].Viewing && !evs[2].Typing && !evs[2].ExpiresAt.After(evs[2].At)
	})

	// B may not see A's conversation: B hears nothing about it and cannot announce themselves in it.
	wsB.Send("viewing", map[string]any{"chatId": mine.ChatID})
	if a := lastAck(t, wsB, 1); a.Error == nil || a.Error.Code != "not_found" {
		t.Fatalf("B viewing A's conversation: %+v, want not_found", a)
	}
	// B viewing the unassigned one reaches A and the owner; once A has it, B has heard everything before.
	wsB.Send("viewing", map[string]any{"chatId": open.ChatID})
	testkit.Eventually(t, 5*time.Second, "A hears B viewing the unassigned conversation", func() bool {
		evs := viewingEvents(t, wsA, open.ChatID)
		return len(evs) == 1 && evs[0].UserID == agentB.UserID
	})
	wsA.Send("viewing", map[string]any{"chatId": open.ChatID})
	testkit.Eventually(t, 5*time.Second, "B hears A", func() bool { return len(viewingEvents(t, wsB, open.ChatID)) == 2 })
	if got := viewingEvents(t, wsB, mine.ChatID); len(got) != 0 {
		t.Fatalf("B heard %d viewing events about A's conversation", len(got))
	}
	for _, bad := range []map[string]any{{}, {"chatId": "nope"}, {"chatId": mine.ChatID, "on": "yes"}} {
		wsOwner.Send("viewing", bad)
	}
	acks := wsOwner.WaitFrames("ack", 3, 5*time.Second)
	for _, f := range acks {
		var a wsAck
		_ = json.Unmarshal(f.Data, &a)
		if a.Error == nil {
			t.Fatalf("bad viewing frame acked without error: %s", f.Data)
		}
	}
}
