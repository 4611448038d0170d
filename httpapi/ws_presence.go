package httpapi

import (
	"encoding/json"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/protos"
)

// Presence: which users have the inbox open. A tenant actor with automatic assignment on publishes a probe
// (ops.EventPresenceProbe) every AEZEN_PRESENCE_INTERVAL; the gateway of every member answers it with the
// tenant's users connected there, and for the probe's TTL also reports when a user's first connection
// opens or last one closes, so that the tenant hears of an agent coming or going at once. Reports go to the
// tenant actor's own PID, whatever member it is on. Connections made with an API key are integrations, not
// people, and are not reported.

// presenceReporter sends reports (the node).
type presenceReporter interface {
	Address() string
	ReportPresence(to *actor.PID, report *protos.PresenceReport)
}

// presenceSub is a tenant actor that asked for reports, until when.
type presenceSub struct {
	to    *actor.PID
	until time.Time
}

// probe answers a tenant's presence probe and keeps reporting changes to it for the probe's TTL.
func (h *Hub) probe(tenantID uuid.UUID, data []byte) {
	var p ops.PresenceProbe
	if err := json.Unmarshal(data, &p); err != nil || p.Address == "" || p.ID == "" {
		return
	}
	sub := presenceSub{to: actor.NewPID(p.Address, p.ID), until: time.Now().Add(time.Duration(p.TTLMilli) * time.Millisecond)}
	h.pmu.Lock()
	if h.subs == nil {
		h.subs = make(map[uuid.UUID]presenceSub)
	}
	h.subs[tenantID] = sub
	h.pmu.Unlock()
	h.report(tenantID, sub.to)
}

// presenceChanged reports a tenant's users to the tenant actor that probed for them, if its probe holds.
func (h *Hub) presenceChanged(tenantID uuid.UUID) {
	h.pmu.Lock()
	sub, ok := h.subs[tenantID]
	if ok && time.Now().After(sub.until) {
		delete(h.subs, tenantID)
		ok = false
	}
	h.pmu.Unlock()
	if ok {
		h.report(tenantID, sub.to)
	}
}

// report sends the tenant's users connected to this member (with their current roles) to the tenant actor.
func (h *Hub) report(tenantID uuid.UUID, to *actor.PID) {
	r := h.reporter.Load()
	if r == nil {
		return
	}
	rep := &protos.PresenceReport{Member: (*r).Address()}
	seen := make(map[uuid.UUID]bool)
	h.mu.RLock()
	for c := range h.clients[tenantID] {
		if c.person && !seen[c.userID] {
			seen[c.userID] = true
			role, _ := c.role.Load().(string)
			rep.Users = append(rep.Users, &protos.PresentUser{UserId: c.userIDText, Role: role})
		}
	}
	h.mu.RUnlock()
	(*r).ReportPresence(to, rep)
}

// SetPresenceReporter gives the hub the node its reports go through (the node is started after the hub,
// which it delivers events to).
func (h *Hub) SetPresenceReporter(r presenceReporter) { h.reporter.Store(&r) }
