package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// The view types (view_*.go) are the JSON the API, the WebSocket and the webhooks show. They are this
// package's own, not the storage rows: a column added to a table is not shown until a view says so, and a
// view's shape changes only on purpose. The tenant core converts rows into views (actors/queries/views.go).

// Message is one message of a chat as clients see it (seed messages, plus delivery status and read flag).
type Message struct {
	MessageID         uuid.UUID       `json:"messageId"`
	ChatID            uuid.UUID       `json:"chatId"`
	PlatformMessageID *string         `json:"platformMessageId"`
	SenderType        string          `json:"senderType"`
	ContentType       string          `json:"contentType"`
	Content           string          `json:"content"`
	Metadata          json.RawMessage `json:"metadata"`
	Timestamp         time.Time       `json:"timestamp"`
	Status            string          `json:"status"`
	IsRead            bool            `json:"isRead"`
	Error             *string         `json:"error,omitempty"`
	// Origin says where a business message was sent from (domain.MessageOrigins): AEZEN through the engine,
	// PHONE from the WhatsApp phone or another linked device; nil on customers' messages and notes.
	Origin *string `json:"origin"`
	// Media is the file of an IMAGE, VIDEO, AUDIO, FILE or STICKER message (Content is then its caption).
	Media *MessageMedia `json:"media,omitempty"`
	// ReplyTo is the message this one quotes (its excerpt is empty once that message is revoked).
	ReplyTo *MessageReply `json:"replyTo,omitempty"`
	// Reactions are the customer's and the business's reactions: one each at most, as on WhatsApp.
	Reactions []Reaction `json:"reactions,omitempty"`
	// EditedAt is the last edit; Versions are what the message said before, oldest first.
	EditedAt *time.Time       `json:"editedAt,omitempty"`
	Versions []MessageVersion `json:"versions,omitempty"`
	// RevokedAt is when the message was deleted for everyone; the team still reads its content.
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	// Location is a LOCATION message's place (metadata.location shown as structure); Content says it in words.
	Location *MessageLocation `json:"location,omitempty"`
	// Contacts are the people of a shared contact card (metadata.contacts); Content says them in words.
	Contacts []MessageContact `json:"contacts,omitempty"`
}

// MessageLocation is a shared place: coordinates, and the name and address when the sender picked a place.
type MessageLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// MessageContact is one person of a shared contact card: the name shown and their phone numbers.
type MessageContact struct {
	Name   string   `json:"name"`
	Phones []string `json:"phones"`
}

// MessageReply is the message a reply quotes.
type MessageReply struct {
	MessageID uuid.UUID `json:"messageId"`
	Excerpt   string    `json:"excerpt"`
}

// Reaction is one side's reaction to a message. By is "CUSTOMER", the id of the team member who reacted,
// or "PHONE" (the business reacting from its WhatsApp phone or another linked device).
type Reaction struct {
	Emoji string    `json:"emoji"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// MessageVersion is what a message said before an edit, and since when.
type MessageVersion struct {
	Content string    `json:"content"`
	At      time.Time `json:"at"`
}

// MessageMedia is a message's file. URL is a signed, expiring link to it.
type MessageMedia struct {
	MediaID  uuid.UUID `json:"mediaId"`
	MimeType string    `json:"mimeType"`
	Size     int64     `json:"size"`
	FileName string    `json:"fileName"`
	URL      string    `json:"url"`
	// State is PENDING while a received file downloads, READY when it is stored, FAILED if it could not be.
	State string `json:"state"`
	// Error says why a FAILED file could not be downloaded.
	Error *string `json:"error,omitempty"`
}

// OutboundMessage is a committed message as an API channel's webhook receives it (WebhookEvent.Message).
type OutboundMessage struct {
	MessageID         uuid.UUID       `json:"messageId"`
	ChatID            uuid.UUID       `json:"chatId"`
	PlatformMessageID string          `json:"platformMessageId"`
	To                string          `json:"to"`
	ContentType       string          `json:"contentType"`
	Content           string          `json:"content"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
	Timestamp         time.Time       `json:"timestamp"`
	// Media is the file of a media message; URL is a signed link the receiver can fetch it from.
	Media *OutboundMedia `json:"media,omitempty"`
	// ReplyTo is the message this one quotes, with its platform id (the receiver's own id for a customer's
	// message it delivered).
	ReplyTo *OutboundReply `json:"replyTo,omitempty"`
}

// OutboundReply is the message an outbound message quotes.
type OutboundReply struct {
	MessageID         uuid.UUID `json:"messageId"`
	PlatformMessageID *string   `json:"platformMessageId"`
	Excerpt           string    `json:"excerpt"`
}

// OutboundMedia is the file an outbound message carries.
type OutboundMedia struct {
	MediaID  uuid.UUID `json:"mediaId"`
	MimeType string    `json:"mimeType"`
	Size     int64     `json:"size"`
	FileName string    `json:"fileName"`
	URL      string    `json:"url"`
}
