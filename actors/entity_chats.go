package actors

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Chat operations (the REST resource; the inbox view of chats is the conversation operations).
const (
	OpChatCreate = "chat.create"
	OpChatList   = "chat.list"
	OpChatGet    = "chat.get"
	OpChatUpdate = "chat.update"
	OpChatDelete = "chat.delete"
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
	Status         *string `json:"status" validate:"omitnil,oneof=OPEN PENDING RESOLVED CLOSED"`
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
	persistence.Chat
	Customer *persistence.Customer  `json:"customer,omitempty"`
	Messages *[]persistence.Message `json:"messages,omitempty"`
}

func init() {
	registerQuery(OpChatCreate, createChat)
	registerQuery(OpChatList, listChats)
	registerQuery(OpChatGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		c, err := s.Store.GetChat(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		views, err := chatViews(ctx, s, []persistence.Chat{c}, in.Include)
		if err != nil {
			return nil, err
		}
		return views[0], nil
	})
	registerQuery(OpChatUpdate, updateChat)
	registerQuery(OpChatDelete, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		if err := s.Store.DeleteChat(ctx, in.ID); err != nil {
			return nil, err
		}
		forgetConversation(s, in.ID)
		return struct{}{}, nil
	})
}

func createChat(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[ChatInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateCreate(in); err != nil {
		return nil, err
	}
	customer, err := s.Store.GetCustomer(ctx, parseID(in.CustomerID))
	if err != nil {
		return nil, mustExist(err, "customerId", "customer")
	}
	if in.ChannelID != nil && parseID(in.ChannelID) != customer.ChannelID {
		return nil, domain.InvalidField("channelId", "must be the channel of the chat's customer ("+customer.ChannelID.String()+"); leave it out to use it")
	}
	c := persistence.Chat{ChatID: uuid.Must(uuid.NewV7()), CustomerID: customer.CustomerID, ChannelID: customer.ChannelID,
		Status: "OPEN", PlatformChatID: text(in.PlatformChatID)}
	if err := applyChatAssignee(ctx, s, &c, in); err != nil {
		return nil, err
	}
	if in.Status != nil {
		c.Status = *in.Status
	}
	return s.Store.CreateChat(ctx, c)
}

func listChats(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in ChatListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	page := in.page()
	list, err := s.Store.ListChats(ctx, persistence.ChatFilter{Status: in.Status, ChannelID: in.ChannelID,
		CustomerID: in.CustomerID, UserID: in.UserID, Page: page})
	if err != nil {
		return nil, err
	}
	p := pageOf(list, page)
	views, err := chatViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return nil, err
	}
	return ListPage[ChatView]{Data: views, NextOffset: p.NextOffset}, nil
}

// updateChat changes a chat's status, assignee or platform id, then has its conversation actor reload
// and tells the inbox.
func updateChat(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[ChatInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateUpdate(in); err != nil {
		return nil, err
	}
	c, err := s.Store.GetChat(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	if err := applyChatAssignee(ctx, s, &c, in); err != nil {
		return nil, err
	}
	setText(&c.PlatformChatID, in.PlatformChatID)
	if in.Status != nil {
		c.Status = *in.Status
	}
	updated, err := s.Store.UpdateChat(ctx, c)
	if err != nil {
		return nil, err
	}
	chatChanged(ctx, s, updated.ChatID)
	return updated, nil
}

// applyChatAssignee sets (or, with "", clears) the agent a chat is assigned to, who must be on the team.
func applyChatAssignee(ctx context.Context, s *Scope, c *persistence.Chat, in ChatInput) error {
	if in.UserID == nil {
		return nil
	}
	if *in.UserID == "" {
		c.UserID = nil
		return nil
	}
	id := parseID(in.UserID)
	if err := checkMember(ctx, s, "userId", id); err != nil {
		return err
	}
	c.UserID = &id
	return nil
}

// chatChanged makes the chat's conversation actor reload and publishes the chat as the inbox shows it.
func chatChanged(ctx context.Context, s *Scope, chatID uuid.UUID) {
	forgetConversation(s, chatID)
	conv, err := s.Store.GetConversation(ctx, chatID)
	if err != nil {
		s.Log.Warn("loading changed chat for its event", "chat_id", chatID.String(), "err", err)
		return
	}
	s.node.publish(s.TenantID, EventConversationUpdated, conv)
}

// chatViews embeds the related records asked for, loading each relation for all chats at once.
func chatViews(ctx context.Context, s *Scope, list []persistence.Chat, include []string) ([]ChatView, error) {
	ids := make([]uuid.UUID, len(list))
	customerIDs := make([]uuid.UUID, len(list))
	for i, c := range list {
		ids[i], customerIDs[i] = c.ChatID, c.CustomerID
	}
	var customers map[uuid.UUID]persistence.Customer
	var messages map[uuid.UUID][]persistence.Message
	var err error
	if wants(include, IncludeCustomer) {
		if customers, err = s.Store.CustomersByID(ctx, customerIDs); err != nil {
			return nil, err
		}
	}
	if wants(include, IncludeMessages) {
		if messages, err = s.Store.LatestMessagesOfChats(ctx, ids); err != nil {
			return nil, err
		}
	}
	views := make([]ChatView, len(list))
	for i, c := range list {
		views[i] = ChatView{Chat: c}
		if cu, ok := customers[c.CustomerID]; ok {
			views[i].Customer = &cu
		}
		if messages != nil {
			views[i].Messages = nonNil(messages[c.ChatID])
		}
	}
	return views, nil
}
