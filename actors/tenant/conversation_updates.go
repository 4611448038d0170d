package tenant

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/actors/queries"
	"github.com/aezen/engine/persistence"
)

// mediaSettled hands a session's word that a message's file is READY or FAILED to the message's chat.
func (t *tenantActor) mediaSettled(ctx actor.Context, msg *channels.MediaSettled) {
	t.toConversation(ctx, msg.ChatID, chatRequest("conversation.messageUpdated", msg.MessageID,
		(*conversationActor).messageUpdated, func(ops.None, error) {}))
}

// messageUpdated re-reads a message that changed after it was shown and publishes it as message_updated to
// those who may see the chat. The read runs off the mailbox.
func (c *conversationActor) messageUpdated(ctx actor.Context, id uuid.UUID, done func(ops.None, error)) {
	store := c.store
	convAsync(c, ctx, func(cx context.Context) (persistence.Message, error) {
		return store.GetMessage(cx, id)
	}, func(ctx actor.Context, m persistence.Message, err error) {
		if err != nil {
			c.log.Warn("reading a changed message", "message_id", id, "err", err)
			done(ops.None{}, err)
			return
		}
		c.publish(ops.EventMessageUpdated, queries.MessageView(m))
		done(ops.None{}, nil)
	})
}
