package httpapi

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/protos"
)

type capturedReports struct {
	mu  sync.Mutex
	got []*protos.PresenceReport
	to  []*actor.PID
}

func (c *capturedReports) Address() string { return "member-1" }
func (c *capturedReports) ReportPresence(to *actor.PID, r *protos.PresenceReport) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got, c.to = append(c.got, r), append(c.to, to)
}

func (c *capturedReports) last(t *testing.T) (users []string, n int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) == 0 {
		return nil, 0
	}
	for _, u := range c.got[len(c.got)-1].Users {
		users = append(users, u.UserId+":"+u.Role)
	}
	slices.Sort(users)
	return users, len(c.got)
}

// TestHubPresenceReports: the gateway answers a tenant's probe with its people (one entry per user, API-key
// connections left out), never shows the probe to clients, reports a user's first connection and last
// disconnection while the probe holds, and nothing for a tenant that did not probe.
func TestHubPresenceReports(t *testing.T) {
	h := NewHub()
	rec := &capturedReports{}
	h.SetPresenceReporter(rec)
	lim := wsLimits{perUser: 10, perTenant: 10}
	tenant, other := uuid.New(), uuid.New()
	agent, owner := uuid.New(), uuid.New()
	client := func(tenantID, user uuid.UUID, role string, person bool) *wsClient {
		c := newWSClient(tenantID, user)
		c.role.Store(role)
		c.person = person
		return c
	}
	a1, a2 := client(tenant, agent, domain.RoleAgent, true), client(tenant, agent, domain.RoleAgent, true)
	key := client(tenant, owner, domain.RoleAgent, false)
	stranger := client(other, uuid.New(), domain.RoleAgent, true)
	for _, c := range []*wsClient{a1, a2, key, stranger} {
		h.add(c, lim)
	}
	if _, n := rec.last(t); n != 0 {
		t.Fatalf("%d reports before any probe", n)
	}

	probe, _ := json.Marshal(ops.PresenceProbe{Address: "member-2", ID: "tenant-pid", TTLMilli: 60_000})
	h.Deliver(tenant, ops.EventPresenceProbe, probe, nil)
	users, n := rec.last(t)
	if n != 1 || !slices.Equal(users, []string{agent.String() + ":AGENT"}) || rec.to[0].Address != "member-2" || rec.to[0].Id != "tenant-pid" {
		t.Fatalf("probe answered %v (%d reports) to %v", users, n, rec.to)
	}
	for _, c := range []*wsClient{a1, a2, key} {
		if c.pending() != 0 {
			t.Fatal("a client was sent the probe")
		}
	}

	// A second connection of the same user, or the first of an integration, changes nothing.
	h.remove(a2)
	if _, n := rec.last(t); n != 1 {
		t.Fatalf("%d reports after a second connection closed", n)
	}
	ownerNow := client(tenant, owner, domain.RoleOwner, true)
	h.add(ownerNow, lim)
	h.remove(ownerNow)
	if users, n := rec.last(t); n != 3 || len(users) != 1 {
		t.Fatalf("the owner's connection and disconnection: %d reports, last %v", n, users)
	}
	h.remove(a1)
	if users, n := rec.last(t); n != 4 || len(users) != 0 {
		t.Fatalf("the agent's last disconnection: %d reports, last %v", n, users)
	}
	// The other tenant never probed: its clients come and go unreported.
	h.remove(stranger)
	if _, n := rec.last(t); n != 4 {
		t.Fatalf("%d reports for a tenant that did not probe", n)
	}
}
