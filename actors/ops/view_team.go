package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Label is a tenant-defined tag for conversations and customers.
type Label struct {
	LabelID   uuid.UUID `json:"labelId"`
	Name      string    `json:"name"`
	Color     string    `json:"color"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// LabelRef is a label as a conversation or a customer shows it.
type LabelRef struct {
	LabelID uuid.UUID `json:"labelId"`
	Name    string    `json:"name"`
	Color   string    `json:"color"`
}

// CannedReply is a saved answer: a shortcut the agent types and a text with {{variables}}.
type CannedReply struct {
	CannedReplyID uuid.UUID  `json:"cannedReplyId"`
	Shortcut      string     `json:"shortcut"`
	Content       string     `json:"content"`
	CreatedBy     *uuid.UUID `json:"createdBy"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

// Settings are a tenant's team settings.
type Settings struct {
	// AgentVisibility is domain.VisibilityAll or domain.VisibilityAssigned.
	AgentVisibility string     `json:"agentVisibility"`
	AutoAssign      AutoAssign `json:"autoAssign"`
	UpdatedAt       time.Time  `json:"updatedAt"`
}

// AutoAssign is the automatic assignment setting: when enabled, a new conversation (or an unassigned one a
// customer writes in) goes to the next online agent, in round robin, with fewer than maxOpenPerAgent open
// (OPEN or PENDING) conversations.
type AutoAssign struct {
	Enabled         bool `json:"enabled"`
	MaxOpenPerAgent int  `json:"maxOpenPerAgent"`
}

// Channel is a connected channel (seed connectedChannels) as owners and admins see it. Secrets are shown
// masked, except the webhook secret in the answer that created or rotated it.
type Channel struct {
	ChannelID               uuid.UUID       `json:"channelId"`
	UserID                  uuid.UUID       `json:"userId"`
	PlatformType            string          `json:"platformType"`
	PlatformSpecificID      *string         `json:"platformSpecificId"`
	ChannelName             *string         `json:"channelName"`
	AccessToken             *string         `json:"accessToken,omitempty"`
	RefreshToken            *string         `json:"refreshToken,omitempty"`
	TokenExpiresAt          *time.Time      `json:"tokenExpiresAt"`
	Scopes                  []string        `json:"scopes"`
	Metadata                json.RawMessage `json:"metadata"`
	WebhookURL              *string         `json:"webhookUrl"`
	WebhookSecret           *string         `json:"webhookSecret,omitempty"`
	PreviousSecretExpiresAt *time.Time      `json:"previousSecretExpiresAt,omitempty"`
	IsActive                bool            `json:"isActive"`
	CreatedAt               time.Time       `json:"createdAt"`
	UpdatedAt               time.Time       `json:"updatedAt"`
}

// Webhook is an event webhook endpoint of the tenant (its signing secret is shown once, at creation).
type Webhook struct {
	WebhookID           uuid.UUID `json:"webhookId"`
	URL                 string    `json:"url"`
	Events              []string  `json:"events"`
	IsActive            bool      `json:"isActive"`
	DisabledReason      *string   `json:"disabledReason"`
	ConsecutiveFailures int       `json:"consecutiveFailures"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
}

// WebhookDelivery is one event for one endpoint, as its delivery log shows it.
type WebhookDelivery struct {
	DeliveryID    uuid.UUID       `json:"deliveryId"`
	WebhookID     uuid.UUID       `json:"webhookId"`
	Event         string          `json:"event"`
	EntityID      uuid.UUID       `json:"entityId"`
	State         string          `json:"state"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt *time.Time      `json:"nextAttemptAt"`
	LastStatus    *int            `json:"lastStatus"`
	LastError     *string         `json:"lastError"`
	CreatedAt     time.Time       `json:"createdAt"`
	DeliveredAt   *time.Time      `json:"deliveredAt"`
	Payload       json.RawMessage `json:"payload"`
}
