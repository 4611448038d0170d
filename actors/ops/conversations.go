package ops

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/aezen/engine/persistence"
)

// Conversation operations, answered by the chat's conversation actor (or, for reads, a query goroutine).
var (
	OpConversationList     = Declare[ConversationListInput, ConversationPage]("conversation.list")
	OpConversationGet      = Declare[ChatRef, persistence.Conversation]("conversation.get")
	OpConversationMessages = Declare[MessagesInput, MessagePage]("conversation.messages")
	OpConversationSend     = Declare[SendInput, SendResult]("conversation.send")
	OpConversationRead     = Declare[ChatRef, ReadResult]("conversation.read")
	OpConversationTyping   = Declare[TypingInput, None]("conversation.typing")
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
