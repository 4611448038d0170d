package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// GetChat answers ops.OpChatGet.
func GetChat(ctx context.Context, s *Scope, in ops.Ref) (ops.ChatView, error) {
	c, err := s.visibleChat(ctx, in.ID)
	if err != nil {
		return ops.ChatView{}, err
	}
	views, err := chatViews(ctx, s, []persistence.Chat{c}, in.Include)
	if err != nil {
		return ops.ChatView{}, err
	}
	return views[0], nil
}

// DeleteChat answers ops.OpChatDelete.
func DeleteChat(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	if _, err := s.visibleChat(ctx, in.ID); err != nil {
		return ops.None{}, err
	}
	if err := s.Store.DeleteChat(ctx, in.ID); err != nil {
		return ops.None{}, err
	}
	forgetConversation(s, in.ID)
	return ops.None{}, nil
}

func CreateChat(ctx context.Context, s *Scope, w ops.Write[ops.ChatInput]) (ops.Chat, error) {
	c, err := createChat(ctx, s, w.Input)
	return ChatView(c), err
}

func createChat(ctx context.Context, s *Scope, in ops.ChatInput) (persistence.Chat, error) {
	if err := ops.ValidateCreate(in); err != nil {
		return persistence.Chat{}, err
	}
	customer, err := s.Store.GetCustomer(ctx, parseID(in.CustomerID))
	if err != nil {
		return persistence.Chat{}, mustExist(err, "customerId", "customer")
	}
	if in.ChannelID != nil && parseID(in.ChannelID) != customer.ChannelID {
		return persistence.Chat{}, domain.InvalidField("channelId", "must be the channel of the chat's customer ("+customer.ChannelID.String()+"); leave it out to use it")
	}
	c := persistence.Chat{ChatID: uuid.Must(uuid.NewV7()), CustomerID: customer.CustomerID, ChannelID: customer.ChannelID,
		Status: "OPEN", PlatformChatID: text(in.PlatformChatID)}
	if err := applyChatAssignee(ctx, s, &c, in); err != nil {
		return persistence.Chat{}, err
	}
	if in.Status != nil {
		c.Status = *in.Status
	}
	return s.Store.CreateChat(ctx, c)
}

func ListChats(ctx context.Context, s *Scope, in ops.ChatListInput) (ops.ListPage[ops.ChatView], error) {
	page := page(in.Paging)
	list, err := s.Store.ListChats(ctx, persistence.ChatFilter{Status: in.Status, ChannelID: in.ChannelID,
		CustomerID: in.CustomerID, UserID: in.UserID, VisibleTo: s.visibleTo(), Page: page})
	if err != nil {
		return ops.ListPage[ops.ChatView]{}, err
	}
	p := pageOf(list, page)
	views, err := chatViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return ops.ListPage[ops.ChatView]{}, err
	}
	return ops.ListPage[ops.ChatView]{Data: views, NextOffset: p.NextOffset}, nil
}

// UpdateChat changes a chat's status, assignee or platform id, then has its conversation actor reload
// and tells the inbox.
func UpdateChat(ctx context.Context, s *Scope, w ops.Write[ops.ChatInput]) (ops.Chat, error) {
	c, err := updateChat(ctx, s, w)
	return ChatView(c), err
}

func updateChat(ctx context.Context, s *Scope, w ops.Write[ops.ChatInput]) (persistence.Chat, error) {
	in := w.Input
	if err := ops.ValidateUpdate(in); err != nil {
		return persistence.Chat{}, err
	}
	c, err := s.visibleChat(ctx, w.ID)
	if err != nil {
		return persistence.Chat{}, err
	}
	previous := c.UserID
	if err := applyChatAssignee(ctx, s, &c, in); err != nil {
		return persistence.Chat{}, err
	}
	setText(&c.PlatformChatID, in.PlatformChatID)
	if in.Status != nil {
		c.Status = *in.Status
	}
	updated, err := s.Store.UpdateChat(ctx, c)
	if err != nil {
		return persistence.Chat{}, err
	}
	conv, ok := chatChanged(ctx, s, updated.ChatID, previous)
	if ok && !sameUser(previous, updated.UserID) {
		by := callerID(s)
		s.Node.PublishTo(s.TenantID, ops.EventAssignmentChanged, ops.AssignmentChangedEvent{ChatID: updated.ChatID,
			Assignee: updated.UserID, PreviousAssignee: previous, AssignedBy: &by, Conversation: ConversationView(conv)},
			s.Visibility.Audience(previous, updated.UserID))
	}
	return updated, nil
}

// sameUser reports whether two optional user ids are the same (both nobody included).
func sameUser(a, b *uuid.UUID) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// applyChatAssignee sets (or, with "", clears) the agent a chat is assigned to, who must be on the team,
// under the team's assignment rules (domain.Viewer.CheckAssign).
func applyChatAssignee(ctx context.Context, s *Scope, c *persistence.Chat, in ops.ChatInput) error {
	if in.UserID == nil {
		return nil
	}
	var next *uuid.UUID
	if *in.UserID != "" {
		id := parseID(in.UserID)
		next = &id
	}
	if sameUser(c.UserID, next) {
		return nil
	}
	if err := ViewerOf(s.Caller).CheckAssign(c.UserID, next); err != nil {
		return err
	}
	if next != nil {
		if err := checkMember(ctx, s, "userId", *next); err != nil {
			return err
		}
	}
	c.UserID = next
	return nil
}

// chatChanged makes the chat's conversation actor reload and publishes the chat as the inbox shows it, to
// those who may see it now and those who could before (previous assignees).
func chatChanged(ctx context.Context, s *Scope, chatID uuid.UUID, previous ...*uuid.UUID) (persistence.Conversation, bool) {
	forgetConversation(s, chatID)
	conv, err := s.Store.GetConversation(ctx, chatID)
	if err != nil {
		s.Log.Warn("loading changed chat for its event", "chat_id", chatID.String(), "err", err)
		return conv, false
	}
	s.Node.PublishTo(s.TenantID, ops.EventConversationUpdated, ConversationView(conv), s.Visibility.Audience(append(previous, conv.Assignee)...))
	return conv, true
}

// chatViews embeds the related records asked for, loading each relation for all chats at once.
func chatViews(ctx context.Context, s *Scope, list []persistence.Chat, include []string) ([]ops.ChatView, error) {
	ids := make([]uuid.UUID, len(list))
	customerIDs := make([]uuid.UUID, len(list))
	for i, c := range list {
		ids[i], customerIDs[i] = c.ChatID, c.CustomerID
	}
	var customers map[uuid.UUID]persistence.Customer
	var messages map[uuid.UUID][]persistence.Message
	var err error
	if wants(include, ops.IncludeCustomer) {
		if customers, err = s.Store.CustomersByID(ctx, customerIDs); err != nil {
			return nil, err
		}
	}
	if wants(include, ops.IncludeMessages) {
		if messages, err = s.Store.LatestMessagesOfChats(ctx, ids); err != nil {
			return nil, err
		}
	}
	views := make([]ops.ChatView, len(list))
	for i, c := range list {
		views[i] = ops.ChatView{Chat: ChatView(c)}
		if cu, ok := customers[c.CustomerID]; ok {
			v := CustomerView(cu)
			views[i].Customer = &v
		}
		if messages != nil {
			views[i].Messages = nonNil(MessageViews(messages[c.ChatID]))
		}
	}
	return views, nil
}
