package ops

import (
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Chat operations (the REST resource; the inbox view of chats is the conversation operations).
var (
	OpChatCreate = Declare[Write[ChatInput], Chat]("chat.create")
	OpChatList   = Declare[ChatListInput, ListPage[ChatView]]("chat.list")
	OpChatGet    = Declare[Ref, ChatView]("chat.get")
	OpChatUpdate = Declare[Write[ChatInput], Chat]("chat.update")
	OpChatDelete = Declare[Ref, None]("chat.delete")
)

// IncludeMessages embeds a chat's latest messages (include=messages); a chat can also embed its customer.
const IncludeMessages = "messages"

// ChatInput is the body of a chat create or update. On update, absent fields stay as they are; an empty
// userId unassigns the chat and an empty platformChatId clears it.
type ChatInput struct {
	CustomerID     *string `json:"customerId" validate:"omitnil,uuid"`
	ChannelID      *string `json:"channelId" validate:"omitnil,uuid"`
	UserID         *string `json:"userId" validate:"omitzero,uuid"`
	PlatformChatID *string `json:"platformChatId" validate:"omitzero,max=200"`
	Status         *string `json:"status" validate:"omitnil,chatstatus"`
}

// Check has nothing beyond the tags to check (domain.Checker).
func (in ChatInput) Check() []domain.FieldError { return nil }

// Missing lists the fields a create needs.
func (in ChatInput) Missing() []domain.FieldError {
	return required(map[string]bool{"customerId": in.CustomerID != nil})
}

// Immutable lists the fields an update may not send.
func (in ChatInput) Immutable() []domain.FieldError {
	return unchangeable(map[string]bool{"customerId": in.CustomerID != nil, "channelId": in.ChannelID != nil},
		"; start a new chat instead")
}

// ChatListInput filters OpChatList.
type ChatListInput struct {
	Status     *string    `json:"status"`
	ChannelID  *uuid.UUID `json:"channelId"`
	CustomerID *uuid.UUID `json:"customerId"`
	UserID     *uuid.UUID `json:"userId"`
	Include    []string   `json:"include,omitempty"`
	Paging
}

// ChatView is a chat with the related records asked for with include=; messages are the latest ones,
// oldest first.
type ChatView struct {
	Chat
	Customer *Customer  `json:"customer,omitempty"`
	Messages *[]Message `json:"messages,omitempty"`
}
