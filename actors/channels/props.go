// Package channels runs the channel sessions of a tenant: one actor per connected channel, a child of the
// tenant actor. The API channel's session delivers outbound messages to the integration's webhook; the
// WhatsApp session holds the channel's lease and its whatsmeow client. Sessions hand inbound messages and
// send reports to their tenant (the messages in messages.go); they never write chat state themselves.
package channels

import (
	"log/slog"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// APISessionProps builds the session of an API channel. tenantQueued counts the pending-send ids all API
// sessions of the tenant hold (bounded by AEZEN_OUTBOUND_QUEUE_PER_TENANT); stats is what operators see of
// this session's queue.
func APISessionProps(n *node.Node, store *persistence.TenantStore, channelID uuid.UUID, log *slog.Logger,
	tenantQueued *atomic.Int64, stats *APIQueueStats) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &apiSession{node: n, store: store, channelID: channelID, log: log, tenantQueued: tenantQueued, stats: stats}
	}, actor.WithDispatcher(node.Dispatcher))
}

// WhatsAppProps builds the session of a WhatsApp channel; holder names it in the channel's lease.
func WhatsAppProps(n *node.Node, tenantID uuid.UUID, store *persistence.TenantStore, channelID uuid.UUID, holder string,
	numbers *WANumbers, log *slog.Logger) *actor.Props {
	return actor.PropsFromProducer(func() actor.Actor {
		return &whatsappSession{node: n, tenantID: tenantID, store: store, channelID: channelID, holder: holder, numbers: numbers,
			log: log.With("channel_id", channelID.String(), "platform", domain.PlatformWhatsApp)}
	})
}
