package tenant

import (
	"context"
	"errors"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// assign hands the chat to a team member (or to nobody) under the team's rules (domain.Viewer.CheckAssign).
// The assignee must be on the team: a read of the master database, off the mailbox; the rules are checked
// again against the chat as it is when the answer comes back. Those who could see the chat before and those
// who can now hear assignment_changed and conversation_updated.
func (c *conversationActor) assign(ctx actor.Context, viewer domain.Viewer, in ops.AssignInput, done func(ops.Conversation, error)) {
	if sameAssignee(c.conv.Assignee, in.UserID) {
		done(c.view(), nil)
		return
	}
	if err := viewer.CheckAssign(c.conv.Assignee, in.UserID); err != nil {
		done(ops.Conversation{}, err)
		return
	}
	if in.UserID == nil {
		c.commitAssign(ctx, viewer, in, done)
		return
	}
	tenantID, master := c.tenantID, c.node.Deps().Master
	convAsync(c, ctx, func(cx context.Context) (persistence.User, error) { return master.GetUser(cx, tenantID, *in.UserID) },
		func(ctx actor.Context, _ persistence.User, err error) {
			if errors.Is(err, domain.ErrNotFound) {
				err = domain.InvalidField("userId", "is not a member of this team")
			}
			if err != nil {
				done(ops.Conversation{}, err)
				return
			}
			c.commitAssign(ctx, viewer, in, done)
		})
}

// commitAssign writes the assignment, checking the rules against the chat as it is now.
func (c *conversationActor) commitAssign(ctx actor.Context, viewer domain.Viewer, in ops.AssignInput, done func(ops.Conversation, error)) {
	previous := c.conv.Assignee
	if sameAssignee(previous, in.UserID) {
		done(c.view(), nil)
		return
	}
	if err := viewer.CheckAssign(previous, in.UserID); err != nil {
		done(ops.Conversation{}, err)
		return
	}
	var stored *uuid.UUID
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueAssign(b, c.chatID, in.UserID, &stored) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.Conversation{}, err)
			return
		}
		c.conv.UserID, c.conv.Assignee = stored, stored
		done(c.view(), nil)
		var by *uuid.UUID
		if viewer.UserID != uuid.Nil {
			by = &viewer.UserID
		}
		audience := c.visibility.Audience(previous, stored)
		c.node.PublishTo(c.tenantID, ops.EventAssignmentChanged, ops.AssignmentChangedEvent{ChatID: c.chatID, Assignee: stored,
			PreviousAssignee: previous, AssignedBy: by, Conversation: c.view()}, audience)
		c.node.PublishTo(c.tenantID, ops.EventConversationUpdated, c.view(), audience)
	})
}

// sameAssignee reports whether two optional user ids are the same (both nobody included).
func sameAssignee(a, b *uuid.UUID) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// setStatus moves the chat to a status; PENDING with snoozedUntil snoozes it until then (the inbox shows it
// OPEN once the time has passed, and a customer's message reopens it at once; the tenant's timer ends it
// with an event, snooze.go). Everyone who may see the chat hears conversation_updated.
func (c *conversationActor) setStatus(ctx actor.Context, in ops.StatusInput, done func(ops.Conversation, error)) {
	if in.SnoozedUntil == nil {
		c.commitStatus(ctx, in, done)
		return
	}
	// A snooze's end is recorded in the master database before the snooze is committed, so that the tenant
	// is woken for it even if it stops right after answering (a record whose snooze then fails to commit
	// only wakes the tenant for nothing).
	tenantID, master, at := c.tenantID, c.node.Deps().Master, *in.SnoozedUntil
	convAsync(c, ctx, func(cx context.Context) (struct{}, error) {
		return struct{}{}, master.SetTimerEarlier(cx, tenantID, at)
	},
		func(ctx actor.Context, _ struct{}, err error) {
			if err != nil {
				done(ops.Conversation{}, err)
				return
			}
			c.commitStatus(ctx, in, done)
		})
}

// commitStatus writes the status and tells everyone who may see the chat.
func (c *conversationActor) commitStatus(ctx actor.Context, in ops.StatusInput, done func(ops.Conversation, error)) {
	var out persistence.StatusResult
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueSetStatus(b, c.chatID, in.Status, in.SnoozedUntil, &out) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(ops.Conversation{}, err)
			return
		}
		c.conv.Status, c.conv.SnoozedUntil = out.Status, out.SnoozedUntil
		done(c.view(), nil)
		c.publish(ops.EventConversationUpdated, c.view())
		if out.SnoozedUntil != nil {
			ctx.Send(ctx.Parent(), &snoozeSet{at: *out.SnoozedUntil})
		}
	})
}
