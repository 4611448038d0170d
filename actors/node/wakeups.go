package node

import (
	"context"
	"time"

	"github.com/aezen/engine/actors/ops"
)

// wakeInterval is how often a node re-activates the tenants listed in tenant_wakeups. Activation is
// idempotent, so every member may do it: the cluster places each grain on one member.
const wakeInterval = 30 * time.Second

// wakeLoop activates, at start and then periodically, the tenants that have work without requests:
// unsent messages and connected sessions. It is how pending sends survive a restart and how a lost
// member's tenants come back on the survivors.
func (n *Node) wakeLoop(stop <-chan struct{}) {
	for first := true; ; first = false {
		n.WakeTenants()
		if first {
			close(n.woke)
		}
		select {
		case <-stop:
			return
		case <-time.After(wakeInterval):
		}
	}
}

// WokeUp is closed once the node's first wake-up pass has ended: the tenants with pending work at its start
// are active (or failed to activate) by then. The bench waits for it before timing activations one at a time.
func (n *Node) WokeUp() <-chan struct{} { return n.woke }

// WakeTenants activates every tenant listed in tenant_wakeups once, and those whose tenant_timers row is due.
func (n *Node) WakeTenants() {
	ctx, cancel := context.WithTimeout(context.Background(), n.deps.Config.ActivationTimeout)
	defer cancel()
	ids, err := n.deps.Master.Wakeups(ctx)
	if err != nil {
		n.deps.Log.Warn("listing tenants to wake", "err", err)
		return
	}
	// Tenants whose timer is due (a snooze ending): the rows are taken, and each tenant records its next
	// moment again once active. Should the activation fail, the snooze's end is applied (and published) at
	// the tenant's next activation; reads show the conversation OPEN from its snoozedUntil on regardless.
	due, err := n.deps.Master.TakeDueTimers(ctx)
	if err != nil {
		n.deps.Log.Warn("listing tenants with due timers", "err", err)
	}
	ids = append(ids, due...)
	for _, id := range ids {
		if _, err := Call(ctx, n, id, Caller{}, ops.OpTenantInfo, ops.None{}); err != nil {
			n.deps.Log.Warn("waking tenant", "tenant_id", id, "err", err)
		}
	}
}
