package httpapi

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// checkReplyTo checks the message a send quotes (replyToMessageId): a message of the same conversation that
// the caller may see, not an internal note and not revoked. Anything else is a 400 naming the field.
func (s *Server) checkReplyTo(c *fiber.Ctx, chatID uuid.UUID, raw *string) (*uuid.UUID, error) {
	if raw == nil {
		return nil, nil
	}
	id := uuid.MustParse(*raw)
	m, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpMessageGet, ops.Ref{ID: id})
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
