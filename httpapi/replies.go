package httpapi

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// checkReplyTo checks the message a send quotes (replyToMessageId): a message of the same conversation that
// the caller may see, not an internal note and not revoked. Anything else is a 400 naming the field.
func (s *Server) checkReplyTo(c *fiber.Ctx, chatID uuid.UUID, raw *string) (*uuid.UUID, error) {
	return s.replyTarget(c.UserContext(), caller(c).TenantID, actorCaller(c), chatID, raw)
}

// replyTarget is checkReplyTo for any caller (the WebSocket's send_message too).
func (s *Server) replyTarget(ctx context.Context, tenantID uuid.UUID, who node.Caller, chatID uuid.UUID, raw *string) (*uuid.UUID, error) {
	if raw == nil {
		return nil, nil
	}
	id, err := uuid.Parse(*raw)
	if err != nil {
		return nil, domain.InvalidField("replyToMessageId", "must be a UUID")
	}
	m, err := node.Call(ctx, s.node, tenantID, who, ops.OpMessageGet, ops.Ref{ID: id})
	switch {
	case errors.Is(err, domain.ErrNotFound) || (err == nil && m.ChatID != chatID):
		return nil, domain.InvalidField("replyToMessageId", "is not a message of this conversation")
	case err != nil:
		return nil, err
	case m.SenderType == domain.SenderNote:
		return nil, domain.InvalidField("replyToMessageId", "is an internal note, which the customer never saw")
	case m.RevokedAt != nil:
		return nil, domain.InvalidField("replyToMessageId", "was deleted")
	}
	return &id, nil
}

// Reactions, edits and deletes of a message (issue 15). Each reads the message first (OpMessageGet applies
// the visibility rule: a message of a conversation the caller may not see is a 404), then runs on its
// conversation. Every team role may use them, like sending.
//
// PATCH /api/messages/:messageId is the channel edit: it changes an AGENT text message on the customer's side
// too, within AEZEN_MESSAGE_EDIT_WINDOW (409 after), and keeps the text it replaces in versions. PUT on the
// same path stays the seed's record update (content and metadata, stored only, nothing reaches the
// customer), for imports and corrections; the web app uses PATCH.

// reactRequest is the body of POST /api/messages/:messageId/reactions.
type reactRequest struct {
	Emoji *string `json:"emoji" validate:"required,max=64"`
}

// editRequest is the body of PATCH /api/messages/:messageId.
type editRequest struct {
	Content *string `json:"content" validate:"required,min=1,max=65536"`
}

func (s *Server) messageActionRoutes(r fiber.Router) {
	r.Post("/messages/:messageId/reactions", s.reactToMessage)
	r.Patch("/messages/:messageId", s.editMessage)
	r.Post("/messages/:messageId/revoke", s.revokeMessage)
}

// messageRef reads the message of the path (404 when the caller may not see it) and names it with its chat.
func (s *Server) messageRef(c *fiber.Ctx) (ops.MessageRef, error) {
	id, err := pathUUID(c, "messageId")
	if err != nil {
		return ops.MessageRef{}, err
	}
	m, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpMessageGet, ops.Ref{ID: id})
	if err != nil {
		return ops.MessageRef{}, err
	}
	return ops.MessageRef{ChatID: m.ChatID, MessageID: id}, nil
}

func (s *Server) reactToMessage(c *fiber.Ctx) error {
	var req reactRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if fe := domain.CheckText("emoji", req.Emoji); fe != nil {
		return domain.Invalid(fe...)
	}
	if utf8.RuneCountInString(*req.Emoji) > 16 || strings.TrimSpace(*req.Emoji) != *req.Emoji {
		return domain.InvalidField("emoji", "must be one emoji (or empty to remove your reaction)")
	}
	ref, err := s.messageRef(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpMessageReact, ops.ReactInput{MessageRef: ref, Emoji: *req.Emoji})
}

func (s *Server) editMessage(c *fiber.Ctx) error {
	var req editRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if fe := domain.CheckText("content", req.Content); fe != nil {
		return domain.Invalid(fe...)
	}
	if strings.TrimSpace(*req.Content) == "" {
		return domain.InvalidField("content", "must not be blank")
	}
	ref, err := s.messageRef(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpMessageEdit, ops.EditInput{MessageRef: ref, Content: *req.Content})
}

func (s *Server) revokeMessage(c *fiber.Ctx) error {
	if len(bytes.TrimSpace(c.Body())) > 0 {
		var none struct{}
		if err := bindJSON(c, &none); err != nil {
			return err
		}
	}
	ref, err := s.messageRef(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpMessageRevoke, ref)
}
