package actors

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// session returns the running session of a channel, starting it when needed; nil when the platform has none.
func (t *tenantActor) session(ctx actor.Context, channelID uuid.UUID, platform string) *sessionRef {
	if s := t.sessions[channelID]; s != nil {
		return s
	}
	var props *actor.Props
	switch platform {
	case domain.PlatformAPI:
		props = actor.PropsFromProducer(func() actor.Actor {
			return &apiSession{node: t.node, store: t.store, channelID: channelID, log: t.log}
		})
	default:
		return nil
	}
	s := &sessionRef{pid: ctx.Spawn(props), platform: platform}
	t.sessions[channelID] = s
	return s
}

// restoreSessions reconnects, on activation, the sessions that were connected before.
func (t *tenantActor) restoreSessions(ctx actor.Context) {}

// receiveSessionMessage handles messages from session actors about their connection.
func (t *tenantActor) receiveSessionMessage(ctx actor.Context) {}
