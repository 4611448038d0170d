package tenant

import (
	"context"
	"errors"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// assign hands the chat to a team member (or to nobody) under the team's rules (domain.Viewer.CheckAssign).
// The assignee must be on the team: one primary-key read of the master database, on this chat's actor only.
// Those who could see the chat before and those who can now hear assignment_changed and conversation_updated.
func (c *conversationActor) assign(ctx actor.Context, viewer domain.Viewer, in ops.AssignInput, done func(persistence.Conversation, error)) {
	previous := c.conv.Assignee
	if sameAssignee(previous, in.UserID) {
		done(c.conv, nil)
		return
	}
	if err := viewer.CheckAssign(previous, in.UserID); err != nil {
		done(persistence.Conversation{}, err)
		return
	}
	if in.UserID != nil {
		if err := c.checkMember(*in.UserID); err != nil {
			done(persistence.Conversation{}, err)
			return
		}
	}
	var stored *uuid.UUID
	c.write(ctx, func(b *pgx.Batch) { persistence.QueueAssign(b, c.chatID, in.UserID, &stored) }, func(ctx actor.Context, err error) {
		if err != nil {
			done(persistence.Conversation{}, err)
			return
		}
		c.conv.UserID, c.conv.Assignee = stored, stored
		done(c.conv, nil)
		var by *uuid.UUID
		if viewer.UserID != uuid.Nil {
			by = &viewer.UserID
		}
		audience := c.visibility.Audience(previous, stored)
		c.node.PublishTo(c.tenantID, ops.EventAssignmentChanged, ops.AssignmentChangedEvent{ChatID: c.chatID, Assignee: stored,
			PreviousAssignee: previous, AssignedBy: by, Conversation: c.conv}, audience)
		c.node.PublishTo(c.tenantID, ops.EventConversationUpdated, c.conv, audience)
	})
}

// checkMember makes sure a user id names a member of this tenant's team.
func (c *conversationActor) checkMember(userID uuid.UUID) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.node.Deps().Master.GetUser(ctx, c.tenantID, userID); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.InvalidField("userId", "is not a member of this team")
		}
		return err
	}
	return nil
}

// sameAssignee reports whether two optional user ids are the same (both nobody included).
func sameAssignee(a, b *uuid.UUID) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
