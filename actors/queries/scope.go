// Package queries answers the tenant operations that read or write the tenant's database without touching
// the state of an actor: the REST resources (products, customers, orders, chats, messages, channels) and the
// inbox reads. They run on a goroutine of their own, off the tenant's mailbox, so a slow query never holds
// up the tenant's chats. When they change what an actor caches, they tell the tenant (ReloadChat,
// ChannelChanged).
package queries

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/media"
	"github.com/aezen/engine/persistence"
)

// Scope is what a query operation may use: the tenant's store, the node and a way to tell the tenant.
type Scope struct {
	TenantID uuid.UUID
	Store    *persistence.TenantStore
	Node     *node.Node
	// Tenant is the tenant actor that ran the query, for the messages below.
	Tenant *actor.PID
	// Caller is the user the operation acts for (empty for engine-internal work).
	Caller node.Caller
	Log    *slog.Logger
	// Visibility is the tenant's agent visibility setting, shared with the tenant actor.
	Visibility *Visibility
	// Webhooks is the tenant's event webhook dispatcher (nil before it started): routes whose writes may
	// enqueue deliveries poke it once they commit (tenant/request.go).
	Webhooks *actor.PID
	// AutoAssign is the tenant's automatic assignment setting, shared with the tenant actor.
	AutoAssign *AutoAssignSetting
	// Media is the tenant's media store, Uploads its uploads in progress, Signer signs media URLs.
	Media   media.Store
	Uploads *media.Uploads
	Signer  *media.Signer
}

// ReloadChat asks the tenant to stop the chat's conversation actor once it is idle, so that its next
// activation reads the state a query has just changed.
type ReloadChat struct{ ChatID uuid.UUID }

// ChannelChanged tells the tenant to forget what it cached about a channel (and to stop its session when
// the channel was deleted or is an API channel, whose session reads the webhook settings at start).
type ChannelChanged struct {
	ChannelID uuid.UUID
	Deleted   bool
}

// tell sends a message to the tenant actor.
func (s *Scope) tell(msg any) { s.Node.System.Root.Send(s.Tenant, msg) }
