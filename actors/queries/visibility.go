package queries

import (
	"context"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// Visibility is the tenant's agent visibility setting (domain.VisibilityAll or domain.VisibilityAssigned),
// shared by the tenant actor, its conversation actors and its queries: read on every request that can
// reveal a conversation, written when the setting changes. The tenant actor loads it at activation.
type Visibility struct{ v atomic.Value }

// NewVisibility starts at mode.
func NewVisibility(mode string) *Visibility {
	v := &Visibility{}
	v.Set(mode)
	return v
}

// Get is the current setting.
func (v *Visibility) Get() string {
	if v == nil {
		return domain.VisibilityAll
	}
	s, _ := v.v.Load().(string)
	if s == "" {
		return domain.VisibilityAll
	}
	return s
}

// Set changes the setting.
func (v *Visibility) Set(mode string) { v.v.Store(mode) }

// Audience is who may hear about a conversation that is (or was) assigned to each of assignees: everyone
// when the setting is ALL or any of them is nobody; otherwise owners, admins and those assignees.
func (v *Visibility) Audience(assignees ...*uuid.UUID) *protos.Audience {
	if v.Get() == domain.VisibilityAll {
		return nil
	}
	a := &protos.Audience{}
	for _, id := range assignees {
		if id == nil {
			return nil
		}
		a.UserIds = append(a.UserIds, id.String())
	}
	return a
}

// ViewerOf is the user behind an operation with their current role (the zero Viewer for engine-internal work).
func ViewerOf(caller node.Caller) domain.Viewer {
	id, _ := uuid.Parse(caller.UserID)
	return domain.Viewer{UserID: id, Role: caller.Role}
}

// visibleTo is the user id a conversation list is narrowed to for this viewer, or nil.
func (s *Scope) visibleTo() *uuid.UUID {
	v := ViewerOf(s.Caller)
	if !v.Restricted(s.Visibility.Get()) {
		return nil
	}
	return &v.UserID
}

// canSee reports whether the caller may see a conversation assigned to assignee.
func (s *Scope) canSee(assignee *uuid.UUID) bool {
	return ViewerOf(s.Caller).CanSee(s.Visibility.Get(), assignee)
}

// visibleChat loads a chat the caller may see; one they may not is not found, as if it did not exist.
func (s *Scope) visibleChat(ctx context.Context, id uuid.UUID) (persistence.Chat, error) {
	c, err := s.Store.GetChat(ctx, id)
	if err != nil {
		return c, err
	}
	if !s.canSee(c.UserID) {
		return persistence.Chat{}, domain.NotFound("chat")
	}
	return c, nil
}

// visibleConversation is visibleChat for the inbox's view of a chat.
func (s *Scope) visibleConversation(ctx context.Context, id uuid.UUID) (persistence.Conversation, error) {
	c, err := s.Store.GetConversation(ctx, id)
	if err != nil {
		return c, err
	}
	if !s.canSee(c.Assignee) {
		return persistence.Conversation{}, domain.NotFound("conversation")
	}
	return c, nil
}

// publishConversation sends a conversation event to those who may see the conversation.
func (s *Scope) publishConversation(event string, conv persistence.Conversation, payload any) {
	s.Node.PublishTo(s.TenantID, event, payload, s.Visibility.Audience(conv.Assignee))
}
