package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// SignatureHeader carries the HMAC-SHA256 of a signed call, as "sha256=<hex>"; TimestampHeader the Unix
// time it was signed at, which the signature covers. They are the headers package sessions signs webhooks
// with (a test in actors/channels holds them equal).
const (
	SignatureHeader = "X-Aezen-Signature"
	TimestampHeader = "X-Aezen-Timestamp"
)

// OpChannelInbound stores a signed inbound message posted to an API channel.
var OpChannelInbound = Declare[SignedInbound, InboundResult]("channel.inbound")

// SignedInbound is the payload of OpChannelInbound: the raw body, verified by the tenant against the
// channel's secret, which only the tenant's database holds.
type SignedInbound struct {
	ChannelID uuid.UUID `json:"channelId"`
	Body      []byte    `json:"body"`
	Signature string    `json:"signature"`
	Timestamp string    `json:"timestamp,omitempty"`
}

// InboundInput is the body of an inbound API-channel call.
type InboundInput struct {
	PlatformMessageID string          `json:"platformMessageId" validate:"required,max=200"`
	From              InboundSender   `json:"from" validate:"required"`
	ContentType       string          `json:"contentType" validate:"omitempty,contenttype"`
	Content           string          `json:"content" validate:"max=65536"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
	Timestamp         *time.Time      `json:"timestamp"`
	// Media is a file the customer sent (content is then its caption, and may be empty).
	Media *InboundMedia `json:"media,omitempty"`
	// ReplyToExternalID is the platform message id of the message this one quotes: a customer's message's
	// platformMessageId, or the platformMessageId an outbound webhook carried. An id the chat does not have
	// is ignored (the message is stored without replyTo).
	ReplyToExternalID string `json:"replyToExternalId" validate:"max=200"`
	// StoredMediaID is set by the tenant once Media is in its store (never read from a client).
	StoredMediaID *uuid.UUID `json:"-"`
	// FromPhone marks a message the business sent from its WhatsApp phone or another linked device: stored
	// as an AGENT message with origin PHONE (set by the WhatsApp session only, never read from a client).
	FromPhone bool `json:"-"`
	// AltPlatformCustomerID is another address of the sender (a WhatsApp LID beside the phone-number JID):
	// a customer filed under it is merged into the sender's (set by the WhatsApp session only).
	AltPlatformCustomerID string `json:"-"`
	// PendingMedia is a file a channel session downloads after the commit (WhatsApp): the message is
	// committed with a PENDING media row of this id (never read from a client).
	PendingMedia *PendingMedia `json:"-"`
	// History marks a message of WhatsApp's history import: stored read, never reopening its chat (a chat
	// it creates starts RESOLVED), announced by no event (set by the WhatsApp session only).
	History bool `json:"-"`
}

// PendingMedia is the file of an inbound message that its channel session downloads once the message is
// committed.
type PendingMedia struct {
	MediaID  uuid.UUID
	MimeType string
	FileName string
}

// InboundMedia is a file an API channel's integration delivers: inline, its bytes (base64 in JSON, within
// AEZEN_MAX_BODY_BYTES for the whole call), or by url, fetched by the engine (within AEZEN_MEDIA_MAX_BYTES,
// under the webhooks' address guard); the type it declares (checked against the bytes) and its name.
type InboundMedia struct {
	Data     []byte `json:"data" validate:"required_without=URL,excluded_with=URL"`
	URL      string `json:"url" validate:"omitempty,max=2000"`
	MimeType string `json:"mimeType" validate:"omitempty,max=200"`
	FileName string `json:"fileName" validate:"omitempty,max=255"`
}

// InboundSender identifies the customer who wrote an inbound message.
type InboundSender struct {
	PlatformCustomerID string  `json:"platformCustomerId" validate:"required,max=200"`
	FullName           *string `json:"fullName" validate:"omitempty,max=200"`
	Phone              *string `json:"phone" validate:"omitempty,max=50"`
}

// InboundResult answers an inbound message; Duplicate means it was stored before and nothing new happened.
type InboundResult struct {
	MessageID uuid.UUID `json:"messageId"`
	ChatID    uuid.UUID `json:"chatId"`
	Duplicate bool      `json:"duplicate"`
}

// OpChannelStatus records a signed delivery or read receipt for an outbound message of an API channel.
var OpChannelStatus = Declare[SignedInbound, StatusResult]("channel.status")

// StatusCallback is the body of a signed status call: the receiver delivered or read a message we sent.
type StatusCallback struct {
	PlatformMessageID string `json:"platformMessageId" validate:"required,max=200"`
	Status            string `json:"status" validate:"required,receiptstatus"`
}

// OpChannelIngest stores an inbound message handed over by a trusted source inside the cluster (a channel
// session, the benchmark's channel player). It carries no signature, so httpapi never routes it: only code
// holding a *Node can send it, through Node.Ingest.
var OpChannelIngest = Declare[TrustedInbound, InboundResult]("channel.ingest")

// TrustedInbound is the payload of OpChannelIngest.
type TrustedInbound struct {
	ChannelID uuid.UUID    `json:"channelId"`
	Message   InboundInput `json:"message"`
}

// StatusResult answers OpChannelStatus: how many messages moved (0 when the status was not newer).
type StatusResult struct {
	Updated int `json:"updated"`
}
