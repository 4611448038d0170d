package tenant

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// ensureWakeup records, before the first send of an activation commits, that this tenant has work that
// must resume after a restart.
func (t *tenantActor) ensureWakeup(reason string) {
	if t.wakeSet {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.node.Deps().Master.SetWakeup(ctx, t.tenantID, reason); err != nil {
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
	if err := t.node.Deps().Master.ClearWakeup(c, t.tenantID); err != nil {
		return
	}
	t.log.Debug("tenant idle, passivating")
	ctx.Poison(ctx.Self())
}
