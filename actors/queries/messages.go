package queries

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// ListChatMessages answers ops.OpChatMessageList.
func ListChatMessages(ctx context.Context, s *Scope, cmd *node.Command) (any, error) {
	var in ops.ChatMessageListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	if _, err := s.Store.GetChat(ctx, in.ChatID); err != nil {
		return nil, err
	}
	page := page(in.Paging)
	list, err := s.Store.ListChatMessages(ctx, persistence.MessageFilter{ChatID: in.ChatID, SenderType: in.SenderType, Page: page})
	if err != nil {
		return nil, err
	}
	return pageOf(list, page), nil
}

// GetMessage answers ops.OpMessageGet.
func GetMessage(ctx context.Context, s *Scope, cmd *node.Command) (any, error) {
	var in ops.Ref
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	return s.Store.GetMessage(ctx, in.ID)
}

// DeleteMessage answers ops.OpMessageDelete.
func DeleteMessage(ctx context.Context, s *Scope, cmd *node.Command) (any, error) {
	var in ops.Ref
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	chatID, err := s.Store.DeleteMessage(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	chatChanged(ctx, s, chatID)
	return struct{}{}, nil
}

// CreateCustomerMessage records a customer's message by hand. It is written here rather than by the
// conversation actor (which only takes inbound messages from channel sessions); the actor is then told
// to reload, and the inbox hears of it as of any inbound message.
func CreateCustomerMessage(ctx context.Context, s *Scope, cmd *node.Command) (any, error) {
	var w ops.Write[ops.MessageInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ops.ValidateCreate(in); err != nil {
		return nil, err
	}
	if in.Sender() != domain.SenderCustomer {
		return nil, domain.InvalidField("senderType", "must be CUSTOMER here; AGENT and SYSTEM messages are sent with "+ops.OpConversationSend)
	}
	if _, err := s.Store.GetChat(ctx, w.ID); err != nil {
		return nil, err
	}
	nm := persistence.NewCustomerMessage{MessageID: uuid.Must(uuid.NewV7()), ChatID: w.ID, PlatformMessageID: in.PlatformMessageID,
		ContentType: in.Kind(), Content: *in.Content, Metadata: in.Metadata}
	if in.Timestamp != nil {
		t, _ := time.Parse(time.RFC3339Nano, *in.Timestamp)
		nm.Timestamp = &t
	}
	m, err := s.Store.InsertCustomerMessage(ctx, nm)
	if err != nil {
		return nil, err
	}
	forgetConversation(s, w.ID)
	if conv, err := s.Store.GetConversation(ctx, w.ID); err == nil {
		s.Node.Publish(s.TenantID, ops.EventIncomingMessage, ops.IncomingMessageEvent{Message: m, Conversation: conv})
		s.Node.Publish(s.TenantID, ops.EventConversationUpdated, conv)
	}
	return m, nil
}

func UpdateMessage(ctx context.Context, s *Scope, cmd *node.Command) (any, error) {
	var w ops.Write[ops.MessageInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ops.ValidateUpdate(in); err != nil {
		return nil, err
	}
	m, err := s.Store.GetMessage(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	if in.Content != nil {
		m.Content = *in.Content
	}
	if in.Metadata != nil {
		m.Metadata = in.Metadata
	}
	updated, err := s.Store.UpdateMessage(ctx, m)
	if err != nil {
		return nil, err
	}
	chatChanged(ctx, s, updated.ChatID)
	return updated, nil
}
