package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type autoAssignState struct {
	OnlineAgents []string `json:"onlineAgents"`
	Assigned     int      `json:"assigned"`
	Unassigned   int      `json:"unassigned"`
}

// autoAssignOf is what the tenant actor says about automatic assignment (operator endpoint); nil when off.
func autoAssignOf(t *testing.T, e *testkit.Engine, tenantID string) *autoAssignState {
	t.Helper()
	var d struct {
		Tenant struct {
			AutoAssign *autoAssignState `json:"autoAssign"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "GET", "/api/ops/tenants/"+tenantID, e.Cfg.OpsToken, nil, &d)
	return d.Tenant.AutoAssign
}

// waitOnline waits until the tenant counts exactly these agents online.
func waitOnline(t *testing.T, e *testkit.Engine, tenantID string, agents ...string) {
	t.Helper()
	want := sorted(agents...)
	testkit.Eventually(t, 5*time.Second, "online agents "+jsonOf(want), func() bool {
		s := autoAssignOf(t, e, tenantID)
		return s != nil && slices.Equal(sorted(s.OnlineAgents...), want)
	})
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// assigneeOf reads a conversation's assignee ("" for nobody).
func assigneeOf(t *testing.T, e *testkit.Engine, token, chatID string) string {
	t.Helper()
	var c assignedConversation
	e.Must(http.StatusOK, "GET", "/api/conversations/"+chatID, token, nil, &c)
	if c.Assignee == nil {
		return ""
	}
	return *c.Assignee
}

// waitAssignee waits until the conversation is assigned to want.
func waitAssignee(t *testing.T, e *testkit.Engine, token, chatID, want string) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, "conversation "+chatID+" assigned to "+want, func() bool {
		return assigneeOf(t, e, token, chatID) == want
	})
}

// waitUnassignedCount waits until the tenant has left n conversations unassigned, then checks chatID is one.
func waitLeftUnassigned(t *testing.T, e *testkit.Engine, owner testkit.Account, chatID string, n int) {
	t.Helper()
	testkit.Eventually(t, 5*time.Second, "automatic assignment to give up on a conversation", func() bool {
		s := autoAssignOf(t, e, owner.TenantID)
		return s != nil && s.Unassigned >= n
	})
	if a := assigneeOf(t, e, owner.Token, chatID); a != "" {
		t.Fatalf("conversation %s was assigned to %s, want nobody", chatID, a)
	}
}

// TestAutoAssignRoundRobinOverOnlineAgents: with automatic assignment on, new conversations go to the
// agents who have a WebSocket open, in turn, up to the cap; offline agents, owners and admins are skipped;
// with nobody to pick a conversation stays unassigned, and its next customer message assigns it; the
// assignment is announced like a manual one (assignment_changed with no assignedBy, the
// conversation.updated webhook); with the setting off nothing is assigned.
func TestAutoAssignRoundRobinOverOnlineAgents(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.PresenceInterval = 300 * time.Millisecond
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	a1, a2 := e.AddUser(owner.Token, "AGENT"), e.AddUser(owner.Token, "AGENT")
	offline := e.AddUser(owner.Token, "AGENT")
	admin := e.AddUser(owner.Token, "ADMIN")
	hooks := testkit.NewWebhookReceiver(t)
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": hooks.URL, "events": []string{"conversation.updated"}})
	hooks.SetSecret(hook.Secret)
	ch := e.CreateAPIChannel(owner.Token, "http://127.0.0.1:1/unused")

	// Off (the default): nothing is assigned.
	var st struct {
		AutoAssign struct {
			Enabled         bool `json:"enabled"`
			MaxOpenPerAgent int  `json:"maxOpenPerAgent"`
		} `json:"autoAssign"`
	}
	e.Must(http.StatusOK, "GET", "/api/settings", owner.Token, nil, &st)
	if st.AutoAssign.Enabled || st.AutoAssign.MaxOpenPerAgent != 10 {
		t.Fatalf("default autoAssign %+v, want off with cap 10", st.AutoAssign)
	}
	wsFirst, wsOwner, wsAdmin := e.DialWS(a1.Token), e.DialWS(owner.Token), e.DialWS(admin.Token)
	defer wsOwner.Conn.Close()
	defer wsAdmin.Conn.Close()
	off, _ := ch.Inbound("off-1", "cust-off", "nobody should be assigned")

	// Only owners and admins change it, and it is validated.
	for _, bad := range []any{0, 1001, "3", 2.5} {
		if r := e.Do("PUT", "/api/settings", owner.Token, map[string]any{"autoAssign": map[string]any{"maxOpenPerAgent": bad}}); r.Status != http.StatusBadRequest {
			t.Fatalf("maxOpenPerAgent %v: %d %s, want 400", bad, r.Status, r.Body)
		}
	}
	if r := e.Do("PUT", "/api/settings", owner.Token, map[string]any{"autoAssign": map[string]any{"enabled": "yes"}}); r.Status != http.StatusBadRequest {
		t.Fatalf("enabled \"yes\": %d %s, want 400", r.Status, r.Body)
	}
	if r := e.Do("PUT", "/api/settings", a1.Token, map[string]any{"autoAssign": map[string]any{"enabled": true}}); r.Status != http.StatusForbidden {
		t.Fatalf("an agent turned it on: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusOK, "PUT", "/api/settings", admin.Token, map[string]any{"autoAssign": map[string]any{"enabled": true, "maxOpenPerAgent": 2}}, &st)
	if !st.AutoAssign.Enabled || st.AutoAssign.MaxOpenPerAgent != 2 {
		t.Fatalf("autoAssign after PUT: %+v", st.AutoAssign)
	}

	// a1 was online before the setting; a2 comes online after. The owner and the admin are online too,
	// and the third agent never is: only a1 and a2 count.
	ws2 := e.DialWS(a2.Token)
	waitOnline(t, e, owner.TenantID, a1.UserID, a2.UserID)
	first, second := sorted(a1.UserID, a2.UserID)[0], sorted(a1.UserID, a2.UserID)[1]
	var chats []string
	for i, want := range []string{first, second, first, second} {
		in, r := ch.Inbound("rr-"+string(rune('a'+i)), "cust-rr-"+string(rune('a'+i)), "hello")
		if r.Status != http.StatusAccepted {
			t.Fatalf("inbound: %d %s", r.Status, r.Body)
		}
		waitAssignee(t, e, owner.Token, in.ChatID, want)
		chats = append(chats, in.ChatID)
	}
	// Announced like a manual assignment: to the assignee over the WebSocket, with no assignedBy...
	var ev struct {
		ChatID     string  `json:"chatId"`
		Assignee   *string `json:"assignee"`
		AssignedBy *string `json:"assignedBy"`
	}
	var firstWS *testkit.WSClient = wsFirst
	if first != a1.UserID {
		firstWS = ws2
	}
	testkit.Eventually(t, 5*time.Second, "assignment_changed for the first conversation", func() bool {
		for _, f := range firstWS.Frames("assignment_changed") {
			if json.Unmarshal(f.Data, &ev) == nil && ev.ChatID == chats[0] {
				return true
			}
		}
		return false
	})
	if ev.Assignee == nil || *ev.Assignee != first || ev.AssignedBy != nil {
		t.Fatalf("assignment_changed %+v, want assignee %s and no assignedBy", ev, first)
	}
	// ...and to event webhooks as conversation.updated with the assignee.
	testkit.Eventually(t, 10*time.Second, "conversation.updated webhook with the assignee", func() bool {
		for _, b := range received(t, hooks) {
			if b.Event == "conversation.updated" && b.Data.ChatID == chats[1] && b.Data.Conversation != nil &&
				b.Data.Conversation.UserID != nil && *b.Data.Conversation.UserID == second {
				return true
			}
		}
		return false
	})

	// Both hold 2 open conversations, the cap: the next one stays unassigned.
	capped, _ := ch.Inbound("cap-1", "cust-cap", "everyone is busy")
	waitLeftUnassigned(t, e, owner, capped.ChatID, 1)

	// The second agent goes offline; a conversation of each is resolved, so both are under the cap, and
	// the next conversation goes to the first agent, the one online.
	ws2.Conn.Close()
	waitOnline(t, e, owner.TenantID, a1.UserID)
	for _, c := range chats[:2] {
		e.Must(http.StatusOK, "POST", "/api/conversations/"+c+"/status", owner.Token, map[string]any{"status": "RESOLVED"}, nil)
	}
	next, _ := ch.Inbound("next-1", "cust-next", "who takes me?")
	waitAssignee(t, e, owner.Token, next.ChatID, a1.UserID)

	// Nobody online: a new conversation stays unassigned...
	wsFirst.Conn.Close()
	waitOnline(t, e, owner.TenantID)
	alone, _ := ch.Inbound("alone-1", "cust-alone", "anyone there?")
	waitLeftUnassigned(t, e, owner, alone.ChatID, 2)
	// ...until its customer writes again while someone is: the second agent is back, under the cap. A
	// closed conversation the customer writes in (it stays closed) is not assigned: had it been, it would
	// have gone first and filled the agent's last place.
	ws2 = e.DialWS(a2.Token)
	defer ws2.Conn.Close()
	waitOnline(t, e, owner.TenantID, a2.UserID)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+capped.ChatID+"/status", owner.Token, map[string]any{"status": "CLOSED"}, nil)
	ch.Inbound("cap-2", "cust-cap", "still there?")
	ch.Inbound("alone-2", "cust-alone", "hello again")
	waitAssignee(t, e, owner.Token, alone.ChatID, a2.UserID)
	if a := assigneeOf(t, e, owner.Token, capped.ChatID); a != "" {
		t.Fatalf("a closed conversation was assigned to %s", a)
	}

	// The agent who was never online got nothing, and neither did the conversation from before.
	var mine struct {
		Data []assignedConversation `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations?assignee="+offline.UserID, owner.Token, nil, &mine)
	if len(mine.Data) != 0 {
		t.Fatalf("an offline agent was assigned %d conversations", len(mine.Data))
	}
	if a := assigneeOf(t, e, owner.Token, off.ChatID); a != "" {
		t.Fatalf("the conversation from before the setting was assigned to %s", a)
	}

	// Off again: nothing more is assigned, and the tenant stops asking who is online.
	e.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"autoAssign": map[string]any{"enabled": false}}, &st)
	if st.AutoAssign.Enabled || st.AutoAssign.MaxOpenPerAgent != 2 {
		t.Fatalf("autoAssign after turning it off: %+v", st.AutoAssign)
	}
	late, _ := ch.Inbound("late-1", "cust-late", "after it was turned off")
	if s := autoAssignOf(t, e, owner.TenantID); s != nil {
		t.Fatalf("the tenant still describes automatic assignment: %+v", s)
	}
	if a := assigneeOf(t, e, owner.Token, late.ChatID); a != "" {
		t.Fatalf("a conversation was assigned to %s with the setting off", a)
	}
}
