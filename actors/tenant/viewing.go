package tenant

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// viewing relays a collision hint to those who may see the chat (the request got here only if the viewer
// may see it too). Nothing is kept: a hint holds until its expiresAt unless the viewer refreshes it.
func (c *conversationActor) viewing(_ actor.Context, who domain.Viewer, in ops.ViewingInput, done func(ops.None, error)) {
	now := time.Now().UTC()
	ev := ops.ViewingEvent{ChatID: c.chatID, UserID: who.UserID, Name: in.Name, Viewing: in.Viewing || in.Typing,
		Typing: in.Typing, At: now, ExpiresAt: now.Add(ops.ViewingTTL)}
	if !ev.Viewing {
		ev.ExpiresAt = now
	}
	c.publish(ops.EventViewing, ev)
	done(ops.None{}, nil)
}
