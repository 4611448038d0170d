package tenant

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Messages between a tenant actor and its conversation actors (local to one node, never serialized).
type (
	// convRequest is an operation for one chat: run applies it on the conversation actor (and answers its
	// requester, if any); fail answers it with an error instead (the chat could not be loaded). Built by
	// chatRequest, so that the handler and its answer keep the op's types.
	//
	// viewer is who asked (the zero Viewer for the engine's own work): a chat the viewer may not see under
	// the tenant's visibility setting answers 404 before run.
	convRequest struct {
		op     string
		viewer domain.Viewer
		run    func(c *conversationActor, ctx actor.Context)
		fail   func(err error)
	}
	// convIdle tells the tenant that a conversation has nothing in flight and has been idle.
	convIdle struct{ chatID uuid.UUID }
	// convStop asks a conversation to stop as soon as nothing is in flight.
	convStop struct{}
)
