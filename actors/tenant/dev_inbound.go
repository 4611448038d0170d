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
	if t.node.Deps().Config.Production() {
		done(ops.InboundResult{}, domain.Forbidden("playing the customer is for development only"))
		return
	}
	t.withChannel(ctx, in.ChannelID, func(ctx actor.Context, info *channelInfo, err error) {
		var msg ops.InboundInput
		if err == nil {
			now := time.Now().Unix()
			err = t.verifySigned(info, ops.SignedInbound{ChannelID: in.ChannelID, Body: in.Body,
				Signature: sessions.SignTimed(info.secret, now, in.Body), Timestamp: strconv.FormatInt(now, 10)}, &msg)
		}
		if err == nil {
			err = checkInboundText(&msg)
		}
		if err != nil {
			done(ops.InboundResult{}, err)
			return
		}
		t.acceptInbound(ctx, in.ChannelID, msg, done)
	})
}
