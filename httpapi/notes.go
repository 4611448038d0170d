package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// noteRequest is the body of POST /api/conversations/:chatId/notes.
type noteRequest struct {
	Content  string   `json:"content" validate:"required,max=65536"`
	Mentions []string `json:"mentions" validate:"max=20,dive,uuid"`
}

// addNote writes an internal note into a conversation's thread (senderType NOTE): the customer never sees
// it, and each mentioned team member is told over the WebSocket (mention).
func (s *Server) addNote(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	var req noteRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if fe := domain.CheckText("content", &req.Content); fe != nil {
		return domain.Invalid(fe...)
	}
	in := ops.NoteInput{ChatID: id, Content: req.Content}
	for _, m := range req.Mentions {
		u, err := uuid.Parse(m)
		if err != nil {
			return domain.InvalidField("mentions", "must be user ids")
		}
		in.Mentions = append(in.Mentions, u)
	}
	return call(s, c, fiber.StatusCreated, ops.OpConversationNote, in)
}
