package tenant

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/persistence"
)

// Messages between a tenant actor and its conversation actors (local to one node, never serialized).
type (
	// convRequest is an operation for one chat; sender (nil for internal work) receives the reply.
	convRequest struct {
		op     string
		cmd    *node.Command
		input  any
		sender *actor.PID
	}
	// convIdle tells the tenant that a conversation has nothing in flight and has been idle.
	convIdle struct{ chatID uuid.UUID }
	// convStop asks a conversation to stop as soon as nothing is in flight.
	convStop struct{}
	// statusInput moves outbound messages of a chat forward (a send result or a receipt).
	statusInput struct {
		change persistence.StatusChange
	}
	// inboundInput is a resolved inbound message for a chat.
	inboundInput struct {
		msg persistence.NewInbound
	}
)
