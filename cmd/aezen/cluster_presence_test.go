package main

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestClusterAutoAssignSeesAgentsOnOtherMembers: automatic assignment counts an agent whose WebSocket is on
// another member than the tenant, and stops counting them within a bounded time once that member dies
// (SIGKILL: no goodbye), after which new conversations stay unassigned.
func TestClusterAutoAssignSeesAgentsOnOtherMembers(t *testing.T) {
	c := testkit.NewCluster(t, binary(t), 2)
	const interval = 300 * time.Millisecond
	c.AddEnv("AEZEN_PRESENCE_INTERVAL=" + interval.String())
	c.Start(0)
	c.Start(1)
	c.WaitMembers(0, 2, 30*time.Second)
	c.WaitMembers(1, 2, 30*time.Second)

	owner := c.Member(0).SignUp()
	home := c.IndexOf(c.HostOf(0, owner.TenantID))
	if home < 0 {
		t.Fatal("the tenant lives on no known member")
	}
	m, away := c.Member(home), c.Member(1-home)
	agent := m.AddUser(owner.Token, "AGENT")
	ch := m.CreateAPIChannel(owner.Token, "http://127.0.0.1:1/unused")
	m.Must(http.StatusOK, "PUT", "/api/settings", owner.Token, map[string]any{"autoAssign": map[string]any{"enabled": true}}, nil)
	ws := away.DialWS(agent.Token)
	defer ws.Conn.Close()

	type state struct {
		OnlineAgents []string `json:"onlineAgents"`
		Unassigned   int      `json:"unassigned"`
	}
	describe := func() state {
		var d struct {
			Tenant struct {
				AutoAssign *state `json:"autoAssign"`
			} `json:"tenant"`
		}
		m.Must(http.StatusOK, "GET", "/api/ops/tenants/"+owner.TenantID, c.Cfg.OpsToken, nil, &d)
		if d.Tenant.AutoAssign == nil {
			t.Fatal("the tenant does not describe automatic assignment")
		}
		return *d.Tenant.AutoAssign
	}
	testkit.Eventually(t, 10*time.Second, "the agent on the other member counted online", func() bool {
		return slices.Equal(describe().OnlineAgents, []string{agent.UserID})
	})
	in, r := ch.Inbound("p-1", "cust-1", "hello")
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	testkit.Eventually(t, 10*time.Second, "the conversation assigned to the agent", func() bool {
		var conv struct {
			Assignee *string `json:"assignee"`
		}
		m.Must(http.StatusOK, "GET", "/api/conversations/"+in.ChatID, owner.Token, nil, &conv)
		return conv.Assignee != nil && *conv.Assignee == agent.UserID
	})

	c.Kill(1 - home)
	start := time.Now()
	testkit.Eventually(t, 15*time.Second, "the agent of the dead member no longer online", func() bool {
		return len(describe().OnlineAgents) == 0
	})
	took := time.Since(start)
	t.Logf("the dead member's agent stopped counting after %s (reports hold %s)", took.Round(time.Millisecond), 3*interval)
	if took > 3*interval+5*time.Second {
		t.Fatalf("the dead member's agent counted online for %s", took)
	}
	in2, _ := ch.Inbound("p-2", "cust-2", "anyone?")
	testkit.Eventually(t, 10*time.Second, "the next conversation left unassigned", func() bool {
		return describe().Unassigned >= 1
	})
	var conv struct {
		Assignee *string `json:"assignee"`
	}
	m.Must(http.StatusOK, "GET", "/api/conversations/"+in2.ChatID, owner.Token, nil, &conv)
	if conv.Assignee != nil {
		t.Fatalf("assigned to %s, an agent whose member is dead", *conv.Assignee)
	}
}
