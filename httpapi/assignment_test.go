package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type assignedConversation struct {
	ChatID       string  `json:"chatId"`
	Assignee     *string `json:"assignee"`
	UserID       *string `json:"userId"`
	Status       string  `json:"status"`
	SnoozedUntil *string `json:"snoozedUntil"`
}

func inboxIDs(t *testing.T, e *testkit.Engine, token, query string) []string {
	t.Helper()
	var page struct {
		Data []assignedConversation `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations"+query, token, nil, &page)
	ids := make([]string, 0, len(page.Data))
	for _, c := range page.Data {
		ids = append(ids, c.ChatID)
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func assign(e *testkit.Engine, token, chatID string, userID any) testkit.Response {
	return e.Do("POST", "/api/conversations/"+chatID+"/assign", token, map[string]any{"userId": userID})
}

// framesAbout returns the frames whose data mentions the chat.
func framesAbout(ws *testkit.WSClient, chatID string) []testkit.Frame {
	var out []testkit.Frame
	for _, f := range ws.Frames("") {
		if strings.Contains(string(f.Data), chatID) {
			out = append(out, f)
		}
	}
	return out
}

func TestAssignmentRulesFiltersAndEvents(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)
	chat1, _ := ch.Inbound("m1", "cust-1", "hello one")
	chat2, _ := ch.Inbound("m2", "cust-2", "hello two")
	chat3, _ := ch.Inbound("m3", "cust-3", "hello three")

	wsA := e.DialWS(agentA.Token)
	wsOwner := e.DialWS(owner.Token)

	// Owners assign anyone on the team; the answer and the inbox show the assignee.
	var conv assignedConversation
	e.Must(http.StatusOK, "POST", "/api/conversations/"+chat1.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, &conv)
	if conv.Assignee == nil || *conv.Assignee != agentA.UserID || conv.UserID == nil || *conv.UserID != agentA.UserID {
		t.Fatalf("assign answered %+v, want assignee %s", conv, agentA.UserID)
	}
	got := wsA.WaitFrames("assignment_changed", 1, 5*time.Second)[0]
	var ev struct {
		ChatID           string  `json:"chatId"`
		Assignee         *string `json:"assignee"`
		PreviousAssignee *string `json:"previousAssignee"`
		AssignedBy       *string `json:"assignedBy"`
	}
	if err := json.Unmarshal(got.Data, &ev); err != nil || ev.ChatID != chat1.ChatID || ev.Assignee == nil || *ev.Assignee != agentA.UserID ||
		ev.PreviousAssignee != nil || ev.AssignedBy == nil || *ev.AssignedBy != owner.UserID {
		t.Fatalf("assignment_changed = %s", got.Data)
	}
	if c := getConversation(t, e, owner.Token, chat1.ChatID); c.ChatID != chat1.ChatID {
		t.Fatal("conversation not readable")
	}

	// Filters.
	if ids := inboxIDs(t, e, agentA.Token, "?assignee=me"); !slices.Equal(ids, []string{chat1.ChatID}) {
		t.Fatalf("assignee=me for A: %v", ids)
	}
	if ids := inboxIDs(t, e, owner.Token, "?assignee=none"); !slices.Equal(ids, sorted(chat2.ChatID, chat3.ChatID)) {
		t.Fatalf("assignee=none: %v", ids)
	}
	if ids := inboxIDs(t, e, owner.Token, "?assignee="+agentA.UserID+"&status=OPEN"); !slices.Equal(ids, []string{chat1.ChatID}) {
		t.Fatalf("assignee=<A>: %v", ids)
	}
	if ids := inboxIDs(t, e, owner.Token, "?assignee="+agentA.UserID+"&status=CLOSED"); len(ids) != 0 {
		t.Fatalf("assignee=<A>&status=CLOSED: %v", ids)
	}
	if r := e.Do("GET", "/api/conversations?assignee=someone", owner.Token, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("assignee=someone: %d %s", r.Status, r.Body)
	}

	// Agents: take an unassigned conversation for themselves and hand back their own; nothing else.
	if r := assign(e, agentB.Token, chat1.ChatID, agentB.UserID); r.Status != http.StatusForbidden {
		t.Fatalf("agent taking a colleague's conversation: %d %s", r.Status, r.Body)
	}
	if r := assign(e, agentB.Token, chat2.ChatID, agentA.UserID); r.Status != http.StatusForbidden {
		t.Fatalf("agent assigning to a colleague: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusOK, "POST", "/api/conversations/"+chat2.ChatID+"/assign", agentB.Token, map[string]any{"userId": agentB.UserID}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+chat2.ChatID+"/assign", agentB.Token, map[string]any{"userId": nil}, nil)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+chat2.ChatID+"/assign", agentB.Token, map[string]any{"userId": agentB.UserID}, nil)
	// Bad input.
	if r := assign(e, owner.Token, chat3.ChatID, "not-a-uuid"); r.Status != http.StatusBadRequest {
		t.Fatalf("bad user id: %d %s", r.Status, r.Body)
	}
	stranger := e.SignUp()
	if r := assign(e, owner.Token, chat3.ChatID, stranger.UserID); r.Status != http.StatusBadRequest {
		t.Fatalf("assigning to another tenant's user: %d %s", r.Status, r.Body)
	}
	if r := assign(e, stranger.Token, chat3.ChatID, stranger.UserID); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant assigning: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/conversations/"+chat3.ChatID+"/assign", owner.Token, map[string]any{"user": "x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown field: %d %s", r.Status, r.Body)
	}
	// The raw chat route follows the same rules.
	if r := e.Do("PUT", "/api/chats/"+chat1.ChatID, agentB.Token, map[string]any{"userId": agentB.UserID}); r.Status != http.StatusForbidden {
		t.Fatalf("PUT /api/chats by an agent taking a colleague's chat: %d %s", r.Status, r.Body)
	}
	// The owner's socket heard every assignment.
	wsOwner.WaitFrames("assignment_changed", 4, 5*time.Second)
}

func TestAgentVisibilityAssignedAndUnassigned(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agentA := e.AddUser(owner.Token, "AGENT")
	agentB := e.AddUser(owner.Token, "AGENT")
	admin := e.AddUser(owner.Token, "ADMIN")
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	recv.SetSecret(ch.Secret)
	mine, _ := ch.Inbound("v1", "cust-a", "for A")
	open, _ := ch.Inbound("v2", "cust-open", "for anyone")
	e.Must(http.StatusOK, "POST", "/api/conversations/"+mine.ChatID+"/assign", owner.Token, map[string]any{"userId": agentA.UserID}, nil)

	// Default: agents see everything.
	var st struct {
		AgentVisibility string `json:"agentVisibility"`
	}
	e.Must(http.StatusOK, "GET", "/api/settings", agentB.Token, nil, &st)
	if st.AgentVisibility != "ALL" {
		t.Fatalf("default visibility %q", st.AgentVisibility)
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+mine.ChatID, agentB.Token, nil, nil)

	// Only owners and admins change it; bad values are refused.
	if r := e.Do("PUT", "/api/settings", agentB.Token, map[string]any{"agentVisibility": "ALL"}); r.Status != http.StatusForbidden {
		t.Fatalf("agent changing settings: %d %s", r.Status, r.Body)
	}
	if r := e.Do("PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "SOME"}); r.Status != http.StatusBadRequest {
		t.Fatalf("bad visibility: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusOK, "PUT", "/api/settings", admin.Token, map[string]any{"agentVisibility": "ASSIGNED_AND_UNASSIGNED"}, &st)
	if st.AgentVisibility != "ASSIGNED_AND_UNASSIGNED" {
		t.Fatalf("visibility after PUT %q", st.AgentVisibility)
	}

	wsA := e.DialWS(agentA.Token)
	wsB := e.DialWS(agentB.Token)
	wsOwner := e.DialWS(owner.Token)

	// B sees the unassigned conversation only; every route that could reveal A's answers 404.
	if ids := inboxIDs(t, e, agentB.Token, ""); !slices.Equal(ids, []string{open.ChatID}) {
		t.Fatalf("B's inbox: %v", ids)
	}
	if ids := inboxIDs(t, e, agentA.Token, ""); !slices.Equal(ids, sorted(mine.ChatID, open.ChatID)) {
		t.Fatalf("A's inbox: %v", ids)
	}
	if ids := inboxIDs(t, e, owner.Token, ""); len(ids) != 2 {
		t.Fatalf("owner's inbox: %v", ids)
	}
	hidden := []struct{ method, path string }{
		{"GET", "/api/conversations/" + mine.ChatID},
		{"GET", "/api/conversations/" + mine.ChatID + "/messages"},
		{"POST", "/api/conversations/" + mine.ChatID + "/read"},
		{"GET", "/api/chats/" + mine.ChatID},
		{"GET", "/api/chats/" + mine.ChatID + "/messages"},
		{"GET", "/api/messages/" + mine.MessageID},
		{"DELETE", "/api/chats/" + mine.ChatID},
	}
	for _, h := range hidden {
		if r := e.Do(h.method, h.path, agentB.Token, nil); r.Status != http.StatusNotFound {
			t.Fatalf("%s %s as B: %d %s", h.method, h.path, r.Status, r.Body)
		}
	}
	if r := e.Do("POST", "/api/conversations/"+mine.ChatID+"/send", agentB.Token, map[string]any{"content": "hi"}); r.Status != http.StatusNotFound {
		t.Fatalf("send as B: %d %s", r.Status, r.Body)
	}
	if r := e.Do("PUT", "/api/messages/"+mine.MessageID, agentB.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("edit as B: %d %s", r.Status, r.Body)
	}
	var chats struct {
		Data []struct {
			ChatID string `json:"chatId"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/chats", agentB.Token, nil, &chats)
	if len(chats.Data) != 1 || chats.Data[0].ChatID != open.ChatID {
		t.Fatalf("B's /api/chats: %+v", chats.Data)
	}
	var customers struct {
		Data []struct {
			Chats []struct {
				ChatID string `json:"chatId"`
			} `json:"chats"`
		} `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/customers?include=chats", agentB.Token, nil, &customers)
	for _, cu := range customers.Data {
		for _, c := range cu.Chats {
			if c.ChatID == mine.ChatID {
				t.Fatal("B sees A's chat embedded in a customer")
			}
		}
	}
	wsB.Send("send_message", map[string]any{"chatId": mine.ChatID, "content": "sneaky", "clientMessageId": "c1"})
	ack := wsB.WaitFrames("ack", 1, 5*time.Second)[0]
	if !strings.Contains(string(ack.Data), "not_found") {
		t.Fatalf("send_message over the socket as B: %s", ack.Data)
	}
	// A and the owner still work with it.
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+mine.ChatID+"/send", agentA.Token, map[string]any{"content": "hello from A"}, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations/"+mine.ChatID+"/messages", owner.Token, nil, nil)

	// Events: the customer of A's conversation writes, then the unassigned one. The owner and A hear the first;
	// B hears only the second (both went through the same hub, the first one before the second was even sent).
	ch.Inbound("v3", "cust-a", "again for A")
	testkit.Eventually(t, 5*time.Second, "owner hears A's conversation", func() bool {
		return len(framesAbout(wsOwner, "again for A")) > 0
	})
	wsA.WaitFrames("incoming_message", 1, 5*time.Second)
	ch.Inbound("v4", "cust-open", "again for anyone")
	testkit.Eventually(t, 5*time.Second, "B hears the unassigned conversation", func() bool {
		return len(framesAbout(wsB, "again for anyone")) > 0
	})
	if f := framesAbout(wsB, mine.ChatID); len(f) != 0 {
		t.Fatalf("B received %d events about A's conversation: %s", len(f), f[0].Data)
	}

	// Taking the unassigned conversation: B hears it (it was visible to everyone before).
	e.Must(http.StatusOK, "POST", "/api/conversations/"+open.ChatID+"/assign", agentA.Token, map[string]any{"userId": agentA.UserID}, nil)
	wsB.WaitFrames("assignment_changed", 1, 5*time.Second)
	if ids := inboxIDs(t, e, agentB.Token, ""); len(ids) != 0 {
		t.Fatalf("B's inbox after A took the last one: %v", ids)
	}
	// Back to ALL: B sees A's conversation again.
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"agentVisibility": "ALL"}, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations/"+mine.ChatID, agentB.Token, nil, nil)
}

func TestCustomerMessageReopensResolvedConversation(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	first, _ := ch.Inbound("r1", "cust-r", "help")
	e.Must(http.StatusOK, "PUT", "/api/chats/"+first.ChatID, owner.Token, map[string]any{"status": "RESOLVED"}, nil)
	if c := getConversation(t, e, owner.Token, first.ChatID); c.Status != "RESOLVED" {
		t.Fatalf("status %s, want RESOLVED", c.Status)
	}
	ch.Inbound("r2", "cust-r", "one more thing")
	if c := getConversation(t, e, owner.Token, first.ChatID); c.Status != "OPEN" {
		t.Fatalf("status after the customer wrote %s, want OPEN", c.Status)
	}
	// A CLOSED conversation stays closed.
	e.Must(http.StatusOK, "PUT", "/api/chats/"+first.ChatID, owner.Token, map[string]any{"status": "CLOSED"}, nil)
	ch.Inbound("r3", "cust-r", "hello?")
	if c := getConversation(t, e, owner.Token, first.ChatID); c.Status != "CLOSED" {
		t.Fatalf("status %s, want CLOSED", c.Status)
	}
}

func TestConversationStatusAndSnooze(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, recv.URL)
	in, _ := ch.Inbound("s1", "cust-s", "hello")
	path := "/api/conversations/" + in.ChatID + "/status"
	ws := e.DialWS(owner.Token)

	var conv assignedConversation
	e.Must(http.StatusOK, "POST", path, owner.Token, map[string]any{"status": "RESOLVED"}, &conv)
	if conv.Status != "RESOLVED" {
		t.Fatalf("status %s", conv.Status)
	}
	testkit.Eventually(t, 5*time.Second, "conversation_updated RESOLVED", func() bool {
		for _, f := range ws.Frames("conversation_updated") {
			if strings.Contains(string(f.Data), `"status":"RESOLVED"`) {
				return true
			}
		}
		return false
	})
	for _, bad := range []map[string]any{{"status": "DONE"}, {}, {"status": "OPEN", "snoozedUntil": time.Now().Add(time.Hour)},
		{"status": "PENDING", "snoozedUntil": time.Now().Add(-time.Minute)}} {
		if r := e.Do("POST", path, owner.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("status %v: %d %s", bad, r.Status, r.Body)
		}
	}
	stranger := e.SignUp()
	if r := e.Do("POST", path, stranger.Token, map[string]any{"status": "OPEN"}); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant: %d", r.Status)
	}

	// Snoozed briefly: PENDING with snoozedUntil, then OPEN once the time has passed.
	until := time.Now().Add(1500 * time.Millisecond).UTC()
	e.Must(http.StatusOK, "POST", path, owner.Token, map[string]any{"status": "PENDING", "snoozedUntil": until}, &conv)
	if conv.Status != "PENDING" || conv.SnoozedUntil == nil {
		t.Fatalf("snoozed: %+v", conv)
	}
	if ids := inboxIDs(t, e, owner.Token, "?status=PENDING"); !slices.Equal(ids, []string{in.ChatID}) {
		t.Fatalf("status=PENDING while snoozed: %v", ids)
	}
	testkit.Eventually(t, 10*time.Second, "the snooze to pass", func() bool {
		var c assignedConversation
		e.Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID, owner.Token, nil, &c)
		return c.Status == "OPEN" && c.SnoozedUntil == nil
	})
	if ids := inboxIDs(t, e, owner.Token, "?status=OPEN"); !slices.Equal(ids, []string{in.ChatID}) {
		t.Fatalf("status=OPEN after the snooze: %v", ids)
	}

	// Snoozed for long: the customer's message opens it at once.
	e.Must(http.StatusOK, "POST", path, owner.Token, map[string]any{"status": "PENDING", "snoozedUntil": time.Now().Add(24 * time.Hour)}, nil)
	ch.Inbound("s2", "cust-s", "are you there?")
	e.Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID, owner.Token, nil, &conv)
	if conv.Status != "OPEN" || conv.SnoozedUntil != nil {
		t.Fatalf("after the customer wrote: %+v", conv)
	}
}
