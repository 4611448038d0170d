package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
)

// afterWakeup runs then once this activation has recorded, in the master database, that the tenant has
// work that must resume after a restart: before the first send of an activation commits, and when a
// session goes live. The record is written off the mailbox (async); what needs it meanwhile waits, in
// order, and everything else goes on. A failure is logged and then runs anyway (a send is not refused
// because the master database is slow); the next caller tries again.
func (t *tenantActor) afterWakeup(ctx actor.Context, reason string, then func(ctx actor.Context)) {
	switch {
	case t.recording || t.clearing:
		t.wakeWaiting = append(t.wakeWaiting, then)
	case t.wakeSet:
		then(ctx)
	default:
		t.wakeWaiting = append(t.wakeWaiting, then)
		t.recordWakeup(ctx, reason)
	}
}

func (t *tenantActor) recordWakeup(ctx actor.Context, reason string) {
	t.recording = true
	master, id := t.node.Deps().Master, t.tenantID
	async(t, ctx, t.dbTimeout(), func(c context.Context) (struct{}, error) {
		return struct{}{}, master.SetWakeup(c, id, reason)
	}, func(ctx actor.Context, _ struct{}, err error) {
		t.recording = false
		if err != nil {
			t.log.Warn("recording tenant wakeup", "err", err)
		} else {
			t.wakeSet = true
		}
		t.runWakeWaiting(ctx)
	})
}

func (t *tenantActor) runWakeWaiting(ctx actor.Context) {
	waiting := t.wakeWaiting
	t.wakeWaiting = nil
	for _, then := range waiting {
		then(ctx)
	}
}

// idle decides, after the idle period, whether the tenant may passivate: not while a session is live or
// messages wait to be sent (their sessions are started instead). Both steps (are sends pending? then clear
// the wakeup) run off the mailbox; a command that arrives meanwhile keeps the tenant active, and a send
// that arrives while the wakeup is being cleared waits for it and records it again.
func (t *tenantActor) idle(ctx actor.Context) {
	if t.idleCheck || t.hasLiveSessions() || t.webhookPending {
		return
	}
	t.idleCheck = true
	commands, store := t.commands, t.store
	async(t, ctx, t.dbTimeout(), store.ChannelsWithPendingMessages, func(ctx actor.Context, pending []uuid.UUID, err error) {
		if err != nil || len(pending) > 0 {
			t.idleCheck = false
			t.afterActivation(ctx)
			return
		}
		if t.commands != commands || t.recording || t.hasLiveSessions() {
			t.idleCheck = false
			return
		}
		t.clearing = true
		master, id := t.node.Deps().Master, t.tenantID
		async(t, ctx, t.dbTimeout(), func(c context.Context) (struct{}, error) {
			return struct{}{}, master.ClearWakeup(c, id)
		}, func(ctx actor.Context, _ struct{}, err error) {
			t.clearing, t.idleCheck = false, false
			if err == nil {
				t.wakeSet = false
			}
			if len(t.wakeWaiting) > 0 {
				t.recordWakeup(ctx, "outbound messages")
				return
			}
			if err != nil || t.commands != commands || t.hasLiveSessions() {
				return
			}
			t.log.Debug("tenant idle, passivating")
			ctx.Poison(ctx.Self())
		})
	})
}
