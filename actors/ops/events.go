package ops

import (
	"github.com/google/uuid"
)

// Event names sent to WebSocket clients.
const (
	EventIncomingMessage     = "incoming_message"
	EventMessageStatus       = "message_status"
	EventConversationUpdated = "conversation_updated"
	// EventMessageUpdated carries a stored message that changed after it was first shown (its media became
	// READY or FAILED, a reaction, an edit, a revoke): the data is the whole message as the API shows it.
	EventMessageUpdated   = "message_updated"
	EventQR               = "qr"
	EventConnectionStatus = "connection_status"
)

// IncomingMessageEvent is the data of incoming_message.
type IncomingMessageEvent struct {
	Message      Message      `json:"message"`
	Conversation Conversation `json:"conversation"`
}

// MessageStatusEvent is the data of message_status.
type MessageStatusEvent struct {
	MessageID         uuid.UUID `json:"messageId"`
	ChatID            uuid.UUID `json:"chatId"`
	PlatformMessageID *string   `json:"platformMessageId"`
	Status            string    `json:"status"`
	Error             *string   `json:"error,omitempty"`
	Message           *Message  `json:"message,omitempty"`
}

// WebhookEvent is the body POSTed to an API channel's webhook.
type WebhookEvent struct {
	EventID   string          `json:"eventId"`
	Event     string          `json:"event"`
	ChannelID uuid.UUID       `json:"channelId"`
	Message   OutboundMessage `json:"message"`
}
