package actors

import (
	"encoding/json"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// Conversation operations, answered by the chat's conversation actor (or, for reads, a query goroutine).
const (
	OpConversationList     = "conversation.list"
	OpConversationGet      = "conversation.get"
	OpConversationMessages = "conversation.messages"
	OpConversationSend     = "conversation.send"
	OpConversationRead     = "conversation.read"
	OpConversationTyping   = "conversation.typing"
)

// SendInput is the payload of OpConversationSend.
type SendInput struct {
	ChatID         uuid.UUID       `json:"chatId"`
	Content        string          `json:"content"`
	ContentType    string          `json:"contentType"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
	SenderType     string          `json:"senderType,omitempty"`
}

// SendResult answers OpConversationSend.
type SendResult struct {
	Message persistence.Message `json:"message"`
}

// ChatRef is the payload of operations that name only a chat.
type ChatRef struct {
	ChatID uuid.UUID `json:"chatId"`
}

// ReadResult answers OpConversationRead.
type ReadResult struct {
	UnreadCount int `json:"unreadCount"`
}

// TypingInput is the payload of OpConversationTyping.
type TypingInput struct {
	ChatID uuid.UUID `json:"chatId"`
	On     bool      `json:"on"`
}

// ConversationListInput is the payload of OpConversationList.
type ConversationListInput struct {
	Limit  int     `json:"limit"`
	Cursor string  `json:"cursor"`
	Status *string `json:"status"`
	Search *string `json:"search"`
}

// ConversationPage answers OpConversationList.
type ConversationPage struct {
	Data       []persistence.Conversation `json:"data"`
	NextCursor *string                    `json:"nextCursor"`
}

// MessagesInput is the payload of OpConversationMessages.
type MessagesInput struct {
	ChatID uuid.UUID `json:"chatId"`
	Limit  int       `json:"limit"`
	Before string    `json:"before"`
}

// MessagePage answers OpConversationMessages.
type MessagePage struct {
	Data       []persistence.Message `json:"data"`
	NextCursor *string               `json:"nextCursor"`
}

// Event names sent to WebSocket clients.
const (
	EventIncomingMessage     = "incoming_message"
	EventMessageStatus       = "message_status"
	EventConversationUpdated = "conversation_updated"
	EventQR                  = "qr"
	EventConnectionStatus    = "connection_status"
)

// IncomingMessageEvent is the data of incoming_message.
type IncomingMessageEvent struct {
	Message      persistence.Message      `json:"message"`
	Conversation persistence.Conversation `json:"conversation"`
}

// MessageStatusEvent is the data of message_status.
type MessageStatusEvent struct {
	MessageID         uuid.UUID            `json:"messageId"`
	ChatID            uuid.UUID            `json:"chatId"`
	PlatformMessageID *string              `json:"platformMessageId"`
	Status            string               `json:"status"`
	Error             *string              `json:"error,omitempty"`
	Message           *persistence.Message `json:"message,omitempty"`
}

// Messages between a tenant actor and its conversation actors (local to one node, never serialized).
type (
	// convRequest is an operation for one chat; sender (nil for internal work) receives the reply.
	convRequest struct {
		op     string
		cmd    *Command
		input  any
		sender *actor.PID
	}
	// convIdle tells the tenant that a conversation has nothing in flight and has been idle.
	convIdle struct{ chatID uuid.UUID }
	// convStop asks a conversation to stop as soon as nothing is in flight.
	convStop struct{}
	// statusInput moves outbound messages of a chat forward (a send result or a receipt).
	statusInput struct {
		change persistence.StatusChange
	}
	// inboundInput is a resolved inbound message for a chat.
	inboundInput struct {
		msg persistence.NewInbound
	}
)

// Messages between a tenant actor and its session actors.
type (
	// outboundReady hands a committed outbound message to its channel's session.
	outboundReady struct {
		channelID uuid.UUID
		platform  string
		msg       sessions.Outbound
	}
	// readReceipts asks the channel to tell the customer that their messages were read.
	readReceipts struct {
		channelID      uuid.UUID
		platformChatID string
		ids            []string
	}
	// typingSignal asks the channel to show or hide the typing indicator.
	typingSignal struct {
		channelID      uuid.UUID
		platformChatID string
		on             bool
	}
	// sendReport is a session's word on an outbound message: sent, failed, delivered or read.
	sendReport struct {
		chatID uuid.UUID
		change persistence.StatusChange
	}
	// retryAt schedules a delivery attempt.
	retryAt struct {
		at time.Time
	}
)
