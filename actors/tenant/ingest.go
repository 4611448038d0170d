package tenant

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// ingest answers ops.OpChannelIngest: a message from a trusted source inside the cluster, unsigned.
func (t *tenantActor) ingest(ctx actor.Context, _ node.Caller, in ops.TrustedInbound, done inboundDone) {
	t.withChannel(ctx, in.ChannelID, func(ctx actor.Context, info *channelInfo, err error) {
		if err == nil {
			err = checkTrustedInbound(info, in)
		}
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		t.acceptInbound(ctx, in.ChannelID, in.Message, done)
	})
}

func checkTrustedInbound(info *channelInfo, in ops.TrustedInbound) error {
	if !info.active {
		return domain.Forbidden("channel is not active")
	}
	return domain.Validate(in.Message)
}
