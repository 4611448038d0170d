package queries

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// ListChatMessages answers ops.OpChatMessageList.
func ListChatMessages(ctx context.Context, s *Scope, in ops.ChatMessageListInput) (ops.ListPage[ops.Message], error) {
	if _, err := s.visibleChat(ctx, in.ChatID); err != nil {
		return ops.ListPage[ops.Message]{}, err
	}
	page := page(in.Paging)
	list, err := s.Store.ListChatMessages(ctx, persistence.MessageFilter{ChatID: in.ChatID, SenderType: in.SenderType, Page: page})
	if err != nil {
		return ops.ListPage[ops.Message]{}, err
	}
	return pageOf(MessageViews(list), page), nil
}

// GetMessage answers ops.OpMessageGet.
func GetMessage(ctx context.Context, s *Scope, in ops.Ref) (ops.Message, error) {
	r, err := getMessage(ctx, s, in)
	return MessageView(r), err
}

// getMessage is GetMessage on the stored row.
func getMessage(ctx context.Context, s *Scope, in ops.Ref) (persistence.Message, error) {
	return s.visibleMessage(ctx, in.ID)
}

// visibleMessage loads a message of a chat the caller may see; any other is not found.
func (s *Scope) visibleMessage(ctx context.Context, id uuid.UUID) (persistence.Message, error) {
	m, err := s.Store.GetMessage(ctx, id)
	if err != nil {
		return m, err
	}
	if _, err := s.visibleChat(ctx, m.ChatID); err != nil {
		return persistence.Message{}, domain.NotFound("message")
	}
	return m, nil
}

// DeleteMessage answers ops.OpMessageDelete.
func DeleteMessage(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	if _, err := s.visibleMessage(ctx, in.ID); err != nil {
		return ops.None{}, err
	}
	chatID, err := s.Store.DeleteMessage(ctx, in.ID)
	if err != nil {
		return ops.None{}, err
	}
	chatChanged(ctx, s, chatID)
	return ops.None{}, nil
}

// CreateCustomerMessage records a customer's message by hand. It is written here rather than by the
// conversation actor (which only takes inbound messages from channel sessions); the actor is then told
// to reload, and the inbox hears of it as of any inbound message.
func CreateCustomerMessage(ctx context.Context, s *Scope, w ops.Write[ops.MessageInput]) (ops.Message, error) {
	r, err := createCustomerMessage(ctx, s, w)
	return MessageView(r), err
}

// createCustomerMessage is CreateCustomerMessage on the stored row.
func createCustomerMessage(ctx context.Context, s *Scope, w ops.Write[ops.MessageInput]) (persistence.Message, error) {
	in := w.Input
	if err := ops.ValidateCreate(in); err != nil {
		return persistence.Message{}, err
	}
	if in.Sender() != domain.SenderCustomer {
		return persistence.Message{}, domain.InvalidField("senderType", "must be CUSTOMER here; AGENT and SYSTEM messages are sent with "+ops.OpConversationSend.Name())
	}
	if _, err := s.visibleChat(ctx, w.ID); err != nil {
		return persistence.Message{}, err
	}
	nm := persistence.NewCustomerMessage{MessageID: uuid.Must(uuid.NewV7()), ChatID: w.ID, PlatformMessageID: in.PlatformMessageID,
		ContentType: in.Kind(), Content: *in.Content, Metadata: in.Metadata}
	if in.Timestamp != nil {
		t, _ := time.Parse(time.RFC3339Nano, *in.Timestamp)
		nm.Timestamp = &t
	}
	m, err := s.Store.InsertCustomerMessage(ctx, nm)
	if err != nil {
		return persistence.Message{}, err
	}
	forgetConversation(s, w.ID)
	if conv, err := s.Store.GetConversation(ctx, w.ID); err == nil {
		s.publishConversation(ops.EventIncomingMessage, conv, ops.IncomingMessageEvent{Message: MessageView(m), Conversation: ConversationView(conv)})
		s.publishConversation(ops.EventConversationUpdated, conv, ConversationView(conv))
	}
	return m, nil
}

func UpdateMessage(ctx context.Context, s *Scope, w ops.Write[ops.MessageInput]) (ops.Message, error) {
	r, err := updateMessage(ctx, s, w)
	return MessageView(r), err
}

func updateMessage(ctx context.Context, s *Scope, w ops.Write[ops.MessageInput]) (persistence.Message, error) {
	in := w.Input
	if err := ops.ValidateUpdate(in); err != nil {
		return persistence.Message{}, err
	}
	m, err := s.visibleMessage(ctx, w.ID)
	if err != nil {
		return persistence.Message{}, err
	}
	if in.Content != nil {
		m.Content = *in.Content
	}
	if in.Metadata != nil {
		m.Metadata = in.Metadata
	}
	updated, err := s.Store.UpdateMessage(ctx, m)
	if err != nil {
		return persistence.Message{}, err
	}
	chatChanged(ctx, s, updated.ChatID)
	return updated, nil
}
