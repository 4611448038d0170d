package ops

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Message operations of the REST resource. An AGENT or SYSTEM message is created with OpConversationSend,
// through the chat's conversation actor, so that it is delivered like any send; OpChatMessageCreate
// records a CUSTOMER message by hand.
var (
	OpChatMessageList   = Declare[ChatMessageListInput, ListPage[Message]]("chat.message.list")
	OpChatMessageCreate = Declare[Write[MessageInput], Message]("chat.message.create")
	OpMessageGet        = Declare[Ref, Message]("message.get")
	OpMessageUpdate     = Declare[Write[MessageInput], Message]("message.update")
	OpMessageDelete     = Declare[Ref, None]("message.delete")
)

// MessageInput is the body of a message create or update. A create needs the content; senderType defaults
// to AGENT. platformMessageId and timestamp can only be given for a CUSTOMER message: the engine chooses
// them for the messages it sends. An update may change the content and the metadata only.
type MessageInput struct {
	SenderType        *string         `json:"senderType" validate:"omitnil,postedsendertype"`
	ContentType       *string         `json:"contentType" validate:"omitnil,contenttype"`
	Content           *string         `json:"content" validate:"omitnil,min=1,max=65536"`
	Metadata          json.RawMessage `json:"metadata"`
	PlatformMessageID *string         `json:"platformMessageId" validate:"omitnil,min=1,max=200"`
	Timestamp         *string         `json:"timestamp"`
}

// Check validates the timestamp and metadata, and that only CUSTOMER messages carry platform fields. The
// content is checked here because a send reaches the database through the conversation actor's writer.
func (in MessageInput) Check() []domain.FieldError {
	out := append(domain.CheckTimestamp("timestamp", in.Timestamp), domain.CheckJSONObject("metadata", in.Metadata)...)
	out = append(out, domain.CheckText("content", in.Content)...)
	if in.Sender() != domain.SenderCustomer {
		const why = "can only be given for a CUSTOMER message; the engine chooses it for the messages it sends"
		if in.PlatformMessageID != nil {
			out = append(out, domain.FieldError{Field: "platformMessageId", Message: why})
		}
		if in.Timestamp != nil {
			out = append(out, domain.FieldError{Field: "timestamp", Message: why})
		}
	}
	return out
}

// Missing lists the fields a create needs.
func (in MessageInput) Missing() []domain.FieldError {
	return required(map[string]bool{"content": in.Content != nil})
}

// Immutable lists the fields an update may not send.
func (in MessageInput) Immutable() []domain.FieldError {
	return unchangeable(map[string]bool{"senderType": in.SenderType != nil, "contentType": in.ContentType != nil,
		"platformMessageId": in.PlatformMessageID != nil, "timestamp": in.Timestamp != nil}, "")
}

// Sender is the sender type of a create: AGENT unless another is given.
func (in MessageInput) Sender() string {
	if in.SenderType == nil {
		return domain.SenderAgent
	}
	return *in.SenderType
}

// Kind is the content type of a create: TEXT unless another is given.
func (in MessageInput) Kind() string {
	if in.ContentType == nil {
		return domain.ContentText
	}
	return *in.ContentType
}

// ChatMessageListInput filters OpChatMessageList.
type ChatMessageListInput struct {
	ChatID     uuid.UUID `json:"chatId"`
	SenderType *string   `json:"senderType"`
	Paging
}
