package tenant

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// ingest answers ops.OpChannelIngest: a message from a trusted source inside the cluster, unsigned.
func (t *tenantActor) ingest(ctx actor.Context, _ node.Caller, in ops.TrustedInbound, done inboundDone) {
	if err := t.checkTrustedInbound(in); err != nil {
		done(ops.InboundResult{}, err)
		return
	}
	t.acceptInbound(ctx, in.ChannelID, in.Message, done)
}

func (t *tenantActor) checkTrustedInbound(in ops.TrustedInbound) error {
	info, err := t.channel(in.ChannelID)
	if err != nil {
		return err
	}
	if !info.active {
		return domain.Forbidden("channel is not active")
	}
	return domain.Validate(in.Message)
}
