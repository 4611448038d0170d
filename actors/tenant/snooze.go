package tenant

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// Snoozes end on time. While the tenant is active, a timer fires at the end of the next snooze; the tenant
// then finds the chats whose snooze has ended and has each one's conversation actor set it OPEN and publish
// conversation_updated (the same event as POST .../status). While it sleeps or after a restart, the master
// database's tenant_timers row (the next end) makes a node activate it (node.WakeTenants), and activation
// runs the same scan. Reads never wait for any of this: they show a chat whose snoozedUntil has passed as
// OPEN already (persistence.effectiveStatus).

// snoozeDue is the timer's message: a snooze may have ended.
type snoozeDue struct{}

// snoozeSet tells the tenant that one of its chats was snoozed until at.
type snoozeSet struct{ at time.Time }

// snoozeRetry is how long the tenant waits before scanning again after a failed scan.
const snoozeRetry = 5 * time.Second

// checkSnoozes scans for ended snoozes: at activation (fromTimer false) and when the timer fires.
func (t *tenantActor) checkSnoozes(ctx actor.Context, fromTimer bool) {
	if t.store == nil {
		return
	}
	if fromTimer {
		t.snoozeNext = time.Time{}
	}
	async(t, ctx, t.dbTimeout(), t.store.SnoozeScan, func(ctx actor.Context, scan persistence.SnoozeScan, err error) {
		t.applySnoozeScan(ctx, scan, err, fromTimer)
	})
}

// applySnoozeScan ends the snoozes that are due, sets the timer to the next end and records it in the
// master database (or clears the record when the timer fired and nothing is left).
func (t *tenantActor) applySnoozeScan(ctx actor.Context, scan persistence.SnoozeScan, err error, fromTimer bool) {
	if err != nil {
		t.log.Warn("looking for ended snoozes", "err", err)
		t.armSnooze(ctx, time.Now().Add(snoozeRetry))
		return
	}
	for _, chatID := range scan.Due {
		t.endSnooze(ctx, chatID)
	}
	switch {
	case scan.Next != nil && (t.snoozeNext.IsZero() || scan.Next.Before(t.snoozeNext)):
		t.armSnooze(ctx, *scan.Next)
		t.recordTimer(ctx, *scan.Next)
	case scan.Next != nil:
		t.recordTimer(ctx, t.snoozeNext)
	case fromTimer && t.snoozeNext.IsZero():
		t.clearTimer(ctx)
	}
}

// snoozed is told by a conversation actor that its chat was snoozed: the timer moves earlier if needed
// (the conversation actor recorded the moment in the master database before committing the snooze).
func (t *tenantActor) snoozed(ctx actor.Context, at time.Time) {
	if !t.snoozeNext.IsZero() && !at.Before(t.snoozeNext) {
		return
	}
	t.armSnooze(ctx, at)
}

// armSnooze sets the local timer to at.
func (t *tenantActor) armSnooze(ctx actor.Context, at time.Time) {
	t.snoozeNext = at
	if t.snoozeTimer != nil {
		t.snoozeTimer.Stop()
	}
	self, root := ctx.Self(), ctx.ActorSystem().Root
	t.snoozeTimer = time.AfterFunc(time.Until(at), func() { root.Send(self, &snoozeDue{}) })
}

// stopSnoozeTimer stops the local timer when the actor stops (the master's row stays for the next activation).
func (t *tenantActor) stopSnoozeTimer() {
	if t.snoozeTimer != nil {
		t.snoozeTimer.Stop()
	}
}

// recordTimer writes the next end to the master database, off the mailbox.
func (t *tenantActor) recordTimer(ctx actor.Context, at time.Time) {
	master, id := t.node.Deps().Master, t.tenantID
	async(t, ctx, t.dbTimeout(), func(c context.Context) (struct{}, error) {
		return struct{}{}, master.SetTimer(c, id, at)
	}, func(_ actor.Context, _ struct{}, err error) {
		if err != nil {
			t.log.Warn("recording the next snooze end", "err", err)
		}
	})
}

func (t *tenantActor) clearTimer(ctx actor.Context) {
	master, id := t.node.Deps().Master, t.tenantID
	async(t, ctx, t.dbTimeout(), func(c context.Context) (struct{}, error) {
		return struct{}{}, master.ClearTimer(c, id)
	}, func(_ actor.Context, _ struct{}, err error) {
		if err != nil {
			t.log.Warn("clearing the snooze timer", "err", err)
		}
	})
}

// endSnooze has the chat's conversation actor open it; nobody waits for the answer.
func (t *tenantActor) endSnooze(ctx actor.Context, chatID uuid.UUID) {
	r := &request{op: "conversation.snoozeEnd"}
	done := answerer[ops.None](ctx.ActorSystem(), t.log, r)
	t.toConversation(ctx, chatID, chatRequest(r.op, chatID, func(c *conversationActor, ctx actor.Context, _ uuid.UUID,
		done func(ops.None, error)) {
		c.endSnooze(ctx, done)
	}, done))
}

// endSnooze opens the chat if its snooze has ended (a chat the customer or an agent reopened meanwhile is
// left alone) and tells everyone who may see it with conversation_updated.
func (c *conversationActor) endSnooze(ctx actor.Context, done func(ops.None, error)) {
	var ended bool
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueEndSnooze(b, c.chatID, &ended) }, func(ctx actor.Context, err error) {
		done(ops.None{}, err)
		if err != nil || !ended {
			return
		}
		c.conv.Status, c.conv.SnoozedUntil = "OPEN", nil
		c.publish(ops.EventConversationUpdated, c.view())
	})
}
