package tenant

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/channels"
	"github.com/aezen/engine/actors/ops"
)

// customerPresence relays a customer's presence to their conversation, whose actor publishes it to those
// who may see it (the conversation's audience). A customer without a conversation is nobody's business.
func (t *tenantActor) customerPresence(ctx actor.Context, msg *channels.CustomerPresence) {
	key := contactKey{channelID: msg.ChannelID, platformID: msg.PlatformCustomerID}
	if chatID, ok := t.contacts[key]; ok {
		t.presenceToChat(ctx, chatID, msg)
		return
	}
	store := t.store
	async(t, ctx, t.dbTimeout(), func(c context.Context) (uuid.UUID, error) {
		return store.ChatOfContact(c, msg.ChannelID, msg.PlatformCustomerID)
	}, func(ctx actor.Context, chatID uuid.UUID, err error) {
		if err == nil && chatID != uuid.Nil {
			t.presenceToChat(ctx, chatID, msg)
		}
	})
}

func (t *tenantActor) presenceToChat(ctx actor.Context, chatID uuid.UUID, msg *channels.CustomerPresence) {
	t.toConversation(ctx, chatID, chatRequest("conversation.presence", msg, (*conversationActor).customerPresence,
		func(ops.None, error) {}))
}

// customerPresence publishes the customer's presence with the conversation's audience; nothing is stored.
func (c *conversationActor) customerPresence(_ actor.Context, msg *channels.CustomerPresence, done func(ops.None, error)) {
	c.publish(ops.EventCustomerPresence, ops.CustomerPresence{ChatID: c.chatID, ChannelID: c.conv.ChannelID,
		CustomerID: c.conv.CustomerID, Typing: msg.Typing, Recording: msg.Recording, Online: msg.Online,
		LastSeenAt: msg.LastSeen, At: time.Now().UTC()})
	done(ops.None{}, nil)
}
