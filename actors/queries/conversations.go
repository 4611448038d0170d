package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Inbox reads run on query goroutines: they read committed state and never block a conversation actor.
// ListConversations answers ops.OpConversationList.
func ListConversations(ctx context.Context, s *Scope, in ops.ConversationListInput) (ops.ConversationPage, error) {
	f := persistence.ConversationFilter{Status: in.Status, Search: in.Search, Limit: in.Limit, Cursor: in.Cursor,
		VisibleTo: s.visibleTo()}
	if in.Assignee != nil {
		if *in.Assignee == "none" {
			f.Unassigned = true
		} else {
			id, err := uuid.Parse(*in.Assignee)
			if err != nil {
				return ops.ConversationPage{}, domain.InvalidField("assignee", "must be me, none or a user id")
			}
			f.Assignee = &id
		}
	}
	label, err := labelFilter(ctx, s, in.Label)
	if err != nil {
		return ops.ConversationPage{}, err
	}
	f.Label = label
	list, next, err := s.Store.ListConversations(ctx, f)
	if err != nil {
		return ops.ConversationPage{}, err
	}
	page := ops.ConversationPage{Data: ConversationViews(list)}
	if page.Data == nil {
		page.Data = []ops.Conversation{}
	}
	if next != "" {
		page.NextCursor = &next
	}
	return page, nil
}

// GetConversation answers ops.OpConversationGet.
func GetConversation(ctx context.Context, s *Scope, in ops.ChatRef) (ops.Conversation, error) {
	c, err := s.visibleConversation(ctx, in.ChatID)
	return ConversationView(c), err
}

// ConversationMessages answers ops.OpConversationMessages.
func ConversationMessages(ctx context.Context, s *Scope, in ops.MessagesInput) (ops.MessagePage, error) {
	if _, err := s.visibleConversation(ctx, in.ChatID); err != nil {
		return ops.MessagePage{}, err
	}
	list, next, err := s.Store.ListMessages(ctx, in.ChatID, in.Before, in.Limit)
	if err != nil {
		return ops.MessagePage{}, err
	}
	page := ops.MessagePage{Data: MessageViews(list)}
	if page.Data == nil {
		page.Data = []ops.Message{}
	}
	if next != "" {
		page.NextCursor = &next
	}
	return page, nil
}
