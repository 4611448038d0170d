package queries

import (
	"context"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// Inbox reads run on query goroutines: they read committed state and never block a conversation actor.
// ListConversations answers ops.OpConversationList.
func ListConversations(ctx context.Context, s *Scope, in ops.ConversationListInput) (ops.ConversationPage, error) {
	list, next, err := s.Store.ListConversations(ctx, persistence.ConversationFilter{Status: in.Status, Search: in.Search,
		Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return ops.ConversationPage{}, err
	}
	page := ops.ConversationPage{Data: list}
	if page.Data == nil {
		page.Data = []persistence.Conversation{}
	}
	if next != "" {
		page.NextCursor = &next
	}
	return page, nil
}

// GetConversation answers ops.OpConversationGet.
func GetConversation(ctx context.Context, s *Scope, in ops.ChatRef) (persistence.Conversation, error) {
	return s.Store.GetConversation(ctx, in.ChatID)
}

// ConversationMessages answers ops.OpConversationMessages.
func ConversationMessages(ctx context.Context, s *Scope, in ops.MessagesInput) (ops.MessagePage, error) {
	if _, err := s.Store.GetConversation(ctx, in.ChatID); err != nil {
		return ops.MessagePage{}, err
	}
	list, next, err := s.Store.ListMessages(ctx, in.ChatID, in.Before, in.Limit)
	if err != nil {
		return ops.MessagePage{}, err
	}
	page := ops.MessagePage{Data: list}
	if page.Data == nil {
		page.Data = []persistence.Message{}
	}
	if next != "" {
		page.NextCursor = &next
	}
	return page, nil
}
