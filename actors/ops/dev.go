package ops

import "github.com/google/uuid"

// OpChannelDevInbound plays an API channel's customer (development only: the web app's "Send as customer").
// The tenant signs the body with the channel's secret, which only it holds, and handles the call exactly as
// an integration's signed OpChannelInbound: verification, de-duplication, events.
var OpChannelDevInbound = Declare[DevInbound, InboundResult]("channel.devInbound")

// DevInbound is the payload of OpChannelDevInbound: an InboundInput as JSON, unsigned.
type DevInbound struct {
	ChannelID uuid.UUID `json:"channelId"`
	Body      []byte    `json:"body"`
}
