package tenant

import (
	"strconv"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/sessions"
)

// devInbound answers ops.OpChannelDevInbound: it signs the body itself and goes on as a signed inbound call.
func (t *tenantActor) devInbound(ctx actor.Context, _ node.Caller, in ops.DevInbound, done inboundDone) {
	var err error
	if t.node.Deps().Config.Production() {
		err = domain.Forbidden("playing the customer is for development only")
	}
	var info *channelInfo
	if err == nil {
		info, err = t.channel(in.ChannelID)
	}
	var msg ops.InboundInput
	if err == nil {
		now := time.Now().Unix()
		msg, err = t.verifyInbound(ops.SignedInbound{ChannelID: in.ChannelID, Body: in.Body,
			Signature: sessions.SignTimed(info.secret, now, in.Body), Timestamp: strconv.FormatInt(now, 10)})
	}
	if err != nil {
		done(ops.InboundResult{}, err)
		return
	}
	t.acceptInbound(ctx, in.ChannelID, msg, done)
}
