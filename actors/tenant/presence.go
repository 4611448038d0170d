package tenant

import (
	"slices"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/protos"
)

// Presence: which of the tenant's users have the inbox open, for automatic assignment (autoassign.go).
// WebSockets end on any member, and the tenant actor on one of them, so the tenant asks: while automatic
// assignment is on it publishes a probe (ops.EventPresenceProbe) every AEZEN_PRESENCE_INTERVAL, and the
// gateway of every member answers with a protos.PresenceReport of the tenant's users connected there;
// between probes a gateway reports at once when a user's first connection opens or last one closes.
// A member's report replaces its previous one. A member that stops answering (it died, or the network
// between the two broke) stops counting after presenceTTL intervals. Probes, ticks and reports do not
// count as activity: a tenant nobody sends work to still passivates, and its next activation probes again.

// presenceTTLIntervals is how many probe intervals a member's last report holds.
const presenceTTLIntervals = 3

// presenceWait bounds how long assignment waits, after the first probe of an activation, for the members
// to answer before it decides with the answers it has.
const presenceWait = time.Second

// memberPresence is one member's last report: its users with their roles, and when it came.
type memberPresence struct {
	users map[uuid.UUID]string
	at    time.Time
}

// presence is the tenant actor's view of who is online.
type presence struct {
	members map[string]*memberPresence
	// probing is set while the probe timer runs; ready once every member answered the first probe (or
	// presenceWait passed).
	probing, ready bool
	// awaiting are the members whose answer to the first probe has not come yet.
	awaiting map[string]bool
	timer    *time.Timer
	waitTmr  *time.Timer
}

// presenceTick is the probe timer's message; presenceReady ends the wait for the first answers.
type presenceTick struct{}
type presenceReady struct{}

func (*presenceTick) NotInfluenceReceiveTimeout()  {}
func (*presenceReady) NotInfluenceReceiveTimeout() {}

func (t *tenantActor) presenceInterval() time.Duration { return t.node.Deps().Config.PresenceInterval }

// startPresence starts probing when automatic assignment is on (at activation and when the setting
// changes), and stops it when it is off.
func (t *tenantActor) startPresence(ctx actor.Context) {
	p := &t.presence
	if !t.autoAssign.Get().Enabled {
		t.stopPresence()
		p.members, p.ready, p.awaiting = nil, false, nil
		t.assignQueue, t.assignQueued = nil, nil
		return
	}
	if p.probing {
		return
	}
	p.probing = true
	p.awaiting = make(map[string]bool)
	for _, m := range t.node.Members() {
		p.awaiting[m] = true
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	p.waitTmr = time.AfterFunc(presenceWait, func() { root.Send(self, &presenceReady{}) })
	t.probe(ctx)
}

// probe asks every member who is online and schedules the next probe.
func (t *tenantActor) probe(ctx actor.Context) {
	interval := t.presenceInterval()
	self := ctx.Self()
	t.node.PublishTo(t.tenantID, ops.EventPresenceProbe, ops.PresenceProbe{Address: self.Address, ID: self.Id,
		TTLMilli: (presenceTTLIntervals * interval).Milliseconds()}, &protos.Audience{OnlyListed: true})
	root := ctx.ActorSystem().Root
	t.presence.timer = time.AfterFunc(interval, func() { root.Send(self, &presenceTick{}) })
}

// stopPresence stops the timers (the actor stops, or automatic assignment was turned off).
func (t *tenantActor) stopPresence() {
	p := &t.presence
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.waitTmr != nil {
		p.waitTmr.Stop()
	}
	p.probing = false
}

// presenceTicked probes again while automatic assignment is on.
func (t *tenantActor) presenceTicked(ctx actor.Context) {
	if !t.presence.probing {
		return
	}
	if !t.autoAssign.Get().Enabled {
		t.startPresence(ctx)
		return
	}
	t.probe(ctx)
}

// presenceReported records a member's report.
func (t *tenantActor) presenceReported(ctx actor.Context, r *protos.PresenceReport) {
	p := &t.presence
	if !p.probing {
		return
	}
	if p.members == nil {
		p.members = make(map[string]*memberPresence)
	}
	mp := &memberPresence{users: make(map[uuid.UUID]string, len(r.GetUsers())), at: time.Now()}
	for _, u := range r.GetUsers() {
		if id, err := uuid.Parse(u.GetUserId()); err == nil {
			mp.users[id] = u.GetRole()
		}
	}
	p.members[r.GetMember()] = mp
	if !p.ready {
		delete(p.awaiting, r.GetMember())
		if len(p.awaiting) == 0 {
			t.presenceIsReady(ctx)
		}
	}
}

// presenceIsReady lets waiting assignments go on once the first probe was answered (or its wait passed).
func (t *tenantActor) presenceIsReady(ctx actor.Context) {
	if t.presence.ready || !t.presence.probing {
		return
	}
	t.presence.ready = true
	if t.presence.waitTmr != nil {
		t.presence.waitTmr.Stop()
	}
	t.autoAssignNext(ctx)
}

// onlineAgents are the users with role AGENT connected on a member whose report still holds, in a stable
// order (by id). Owners and admins are not assigned automatically: they supervise, and see everything.
func (t *tenantActor) onlineAgents() []uuid.UUID {
	horizon := time.Now().Add(-presenceTTLIntervals * t.presenceInterval())
	set := make(map[uuid.UUID]bool)
	for member, mp := range t.presence.members {
		if mp.at.Before(horizon) {
			delete(t.presence.members, member)
			continue
		}
		for id, role := range mp.users {
			if role == domain.RoleAgent {
				set[id] = true
			}
		}
	}
	out := make([]uuid.UUID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}
