package ops

// EventPresenceProbe is published by a tenant actor that needs to know which of its users are online
// (automatic assignment). It never reaches a client: every member's WebSocket gateway takes it and answers
// the tenant actor with a protos.PresenceReport of the tenant's users connected there, then keeps telling
// it when a user's first connection opens or last one closes, for PresenceProbeTTL intervals.
const EventPresenceProbe = "aezen.presence_probe"

// PresenceProbe is the data of EventPresenceProbe: the tenant actor's PID and how long the gateways keep
// reporting changes to it without a new probe.
type PresenceProbe struct {
	Address  string `json:"address"`
	ID       string `json:"id"`
	TTLMilli int64  `json:"ttlMs"`
}
