package node

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
)

// Ingest stores an inbound message of a tenant's channel and returns once it is committed (and, unless it
// is a duplicate, published to the tenant's WebSocket clients). The channel must exist and be active; the
// message is validated like a signed inbound call, but no signature is checked: the caller is trusted.
func (n *Node) Ingest(ctx context.Context, tenantID, channelID uuid.UUID, in ops.InboundInput) (ops.InboundResult, error) {
	return Call(ctx, n, tenantID, Caller{}, ops.OpChannelIngest, ops.TrustedInbound{ChannelID: channelID, Message: in})
}
