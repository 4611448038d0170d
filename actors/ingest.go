package actors

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// OpChannelIngest stores an inbound message handed over by a trusted source inside the cluster (a channel
// session, the benchmark's channel player). It carries no signature, so httpapi never routes it: only code
// holding a *Node can send it, through Node.Ingest.
const OpChannelIngest = "channel.ingest"

// TrustedInbound is the payload of OpChannelIngest.
type TrustedInbound struct {
	ChannelID uuid.UUID    `json:"channelId"`
	Message   InboundInput `json:"message"`
}

// Ingest stores an inbound message of a tenant's channel and returns once it is committed (and, unless it
// is a duplicate, published to the tenant's WebSocket clients). The channel must exist and be active; the
// message is validated like a signed inbound call, but no signature is checked: the caller is trusted.
func (n *Node) Ingest(ctx context.Context, tenantID, channelID uuid.UUID, in InboundInput) (InboundResult, error) {
	var res InboundResult
	err := n.Ask(ctx, tenantID, OpChannelIngest, Caller{}, TrustedInbound{ChannelID: channelID, Message: in}, &res)
	return res, err
}

func init() {
	actorOps[OpChannelIngest] = func(t *tenantActor, ctx actor.Context, cmd *Command) {
		var in TrustedInbound
		err := cmd.Decode(&in)
		if err == nil {
			err = t.checkTrustedInbound(in)
		}
		if err != nil {
			ctx.Respond(failureReply(err, t.log, cmd.TenantCommand))
			return
		}
		t.acceptInbound(ctx, in.ChannelID, in.Message, &convRequest{op: cmd.Op, cmd: cmd, sender: ctx.Sender()})
	}
}

func (t *tenantActor) checkTrustedInbound(in TrustedInbound) error {
	info, err := t.channel(in.ChannelID)
	if err != nil {
		return err
	}
	if !info.active {
		return domain.Forbidden("channel is not active")
	}
	return domain.Validate(in.Message)
}
