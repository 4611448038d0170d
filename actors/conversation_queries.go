package actors

import (
	"context"

	"github.com/aezen/engine/persistence"
)

// Inbox reads run on query goroutines: they read committed state and never block a conversation actor.
func init() {
	registerQuery(OpConversationList, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in ConversationListInput
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		list, next, err := s.Store.ListConversations(ctx, persistence.ConversationFilter{Status: in.Status, Search: in.Search,
			Limit: in.Limit, Cursor: in.Cursor})
		if err != nil {
			return nil, err
		}
		page := ConversationPage{Data: list}
		if page.Data == nil {
			page.Data = []persistence.Conversation{}
		}
		if next != "" {
			page.NextCursor = &next
		}
		return page, nil
	})
	registerQuery(OpConversationGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in ChatRef
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		return s.Store.GetConversation(ctx, in.ChatID)
	})
	registerQuery(OpConversationMessages, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in MessagesInput
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		if _, err := s.Store.GetConversation(ctx, in.ChatID); err != nil {
			return nil, err
		}
		list, next, err := s.Store.ListMessages(ctx, in.ChatID, in.Before, in.Limit)
		if err != nil {
			return nil, err
		}
		page := MessagePage{Data: list}
		if page.Data == nil {
			page.Data = []persistence.Message{}
		}
		if next != "" {
			page.NextCursor = &next
		}
		return page, nil
	})
	for _, op := range []string{OpConversationSend, OpConversationRead, OpConversationTyping} {
		conversationOps[op] = struct{}{}
	}
}
