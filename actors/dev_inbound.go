package actors

import (
	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/sessions"
)

// OpChannelDevInbound plays an API channel's customer (development only: the web app's "Send as customer").
// The tenant signs the body with the channel's secret, which only it holds, and handles the call exactly as
// an integration's signed OpChannelInbound: verification, de-duplication, events.
const OpChannelDevInbound = "channel.devInbound"

// DevInbound is the payload of OpChannelDevInbound: an InboundInput as JSON, unsigned.
type DevInbound struct {
	ChannelID uuid.UUID `json:"channelId"`
	Body      []byte    `json:"body"`
}

func init() {
	actorOps[OpChannelDevInbound] = func(t *tenantActor, ctx actor.Context, cmd *Command) {
		var in DevInbound
		err := cmd.Decode(&in)
		if err == nil && t.node.deps.Config.Production() {
			err = domain.Forbidden("playing the customer is for development only")
		}
		var info *channelInfo
		if err == nil {
			info, err = t.channel(in.ChannelID)
		}
		var msg InboundInput
		if err == nil {
			msg, err = t.verifyInbound(SignedInbound{ChannelID: in.ChannelID, Body: in.Body, Signature: sessions.Sign(info.secret, in.Body)})
		}
		if err != nil {
			ctx.Respond(failureReply(err, t.log, cmd.TenantCommand))
			return
		}
		t.acceptInbound(ctx, in.ChannelID, msg, &convRequest{op: cmd.Op, cmd: cmd, sender: ctx.Sender()})
	}
}
