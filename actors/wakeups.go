package actors

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// wakeInterval is how often a node re-activates the tenants listed in tenant_wakeups. Activation is
// idempotent, so every member may do it: the cluster places each grain on one member.
const wakeInterval = 30 * time.Second

// wakeLoop activates, at start and then periodically, the tenants that have work without requests:
// unsent messages and connected sessions. It is how pending sends survive a restart and how a lost
// member's tenants come back on the survivors.
func (n *Node) wakeLoop(stop <-chan struct{}) {
	for {
		n.WakeTenants()
		select {
		case <-stop:
			return
		case <-time.After(wakeInterval):
		}
	}
}

// WakeTenants activates every tenant listed in tenant_wakeups once.
func (n *Node) WakeTenants() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids, err := n.deps.Master.Wakeups(ctx)
	if err != nil {
		n.deps.Log.Warn("listing tenants to wake", "err", err)
		return
	}
	for _, id := range ids {
		if err := n.Ask(ctx, id, OpTenantInfo, Caller{}, struct{}{}, nil); err != nil {
			n.deps.Log.Warn("waking tenant", "tenant_id", id, "err", err)
		}
	}
}

// ensureWakeup records, before the first send of an activation commits, that this tenant has work that
// must resume after a restart.
func (t *tenantActor) ensureWakeup(reason string) {
	if t.wakeSet {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.node.deps.Master.SetWakeup(ctx, t.tenantID, reason); err != nil {
		t.log.Warn("recording tenant wakeup", "err", err)
		return
	}
	t.wakeSet = true
}

// idle decides, after the idle period, whether the tenant may passivate: not while a session is live or
// messages wait to be sent (their sessions are started instead).
func (t *tenantActor) idle(ctx actor.Context) {
	if t.hasLiveSessions() {
		return
	}
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pending, err := t.store.ChannelsWithPendingMessages(c)
	if err != nil || len(pending) > 0 {
		t.afterActivation(ctx)
		return
	}
	if err := t.node.deps.Master.ClearWakeup(c, t.tenantID); err != nil {
		return
	}
	t.log.Debug("tenant idle, passivating")
	ctx.Poison(ctx.Self())
}
