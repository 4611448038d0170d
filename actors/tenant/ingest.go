package tenant

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

func (t *tenantActor) ingest(ctx actor.Context, cmd *node.Command) {
	var in ops.TrustedInbound
	err := cmd.Decode(&in)
	if err == nil {
		err = t.checkTrustedInbound(in)
	}
	if err != nil {
		ctx.Respond(node.FailureReply(err, t.log, cmd.TenantCommand))
		return
	}
	t.acceptInbound(ctx, in.ChannelID, in.Message, &convRequest{op: cmd.Op, cmd: cmd, sender: ctx.Sender()})
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
