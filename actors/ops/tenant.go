package ops

import (
	"time"

	"github.com/google/uuid"
)

// OpTenantDescribe answers the tenant actor's view of itself, for operators.
var OpTenantDescribe = Declare[None, TenantDescription]("tenant.describe")

// TenantDescription is a tenant actor and its children as operators see them.
type TenantDescription struct {
	TenantID string `json:"tenantId"`
	Name     string `json:"name"`
	Member   string `json:"member"`
	// Epoch is the activation's tenant lease: each activation anywhere takes a higher one.
	Epoch         int64                     `json:"epoch"`
	ActivatedAt   time.Time                 `json:"activatedAt"`
	LastCommandAt *time.Time                `json:"lastCommandAt"`
	IdleSeconds   float64                   `json:"idleSeconds"`
	Commands      int64                     `json:"commands"`
	Conversations []ConversationDescription `json:"conversations"`
	Sessions      []SessionDescription      `json:"sessions"`
	// AutoAssign is shown while automatic assignment is on.
	AutoAssign *AutoAssignDescription `json:"autoAssign,omitempty"`
}

// AutoAssignDescription is the state of automatic assignment in a tenant actor: the agents it counts online
// and, this activation, the conversations it assigned and those it left unassigned (nobody online or
// everyone at the cap).
type AutoAssignDescription struct {
	OnlineAgents []uuid.UUID `json:"onlineAgents"`
	Assigned     int64       `json:"assigned"`
	Unassigned   int64       `json:"unassigned"`
	Queued       int         `json:"queued"`
}

// ConversationDescription is one active conversation actor.
type ConversationDescription struct {
	ChatID   uuid.UUID `json:"chatId"`
	Stopping bool      `json:"stopping"`
	Waiting  int       `json:"waiting"`
}

// SessionDescription is one channel session actor.
type SessionDescription struct {
	ChannelID uuid.UUID `json:"channelId"`
	Platform  string    `json:"platform"`
	Live      bool      `json:"live"`
	Status    any       `json:"status,omitempty"`
}

// Operations a tenant grain understands. Each op name is the contract between httpapi and the grain; the
// payload and the answer are the JSON shapes of the HTTP API.
var (
	OpTenantInfo = Declare[None, TenantInfo]("tenant.info")
)

// TenantInfo is the answer of OpTenantInfo.
type TenantInfo struct {
	TenantID string `json:"tenantId"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Member   string `json:"member"`
}

// OpTenantSuspend stops a tenant's actor for good after its status became SUSPENDED in the master
// database: the commands already queued are refused, and a new activation refuses to start.
var OpTenantSuspend = Declare[None, None]("tenant.suspend")
