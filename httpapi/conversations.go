package httpapi

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

func (s *Server) conversationRoutes(r fiber.Router) {
	r.Get("/conversations", s.listConversations)
	r.Get("/conversations/:chatId", s.getConversation)
	r.Get("/conversations/:chatId/messages", s.conversationMessages)
	r.Post("/conversations/:chatId/send", s.sendMessage)
	r.Post("/conversations/:chatId/read", s.markRead)
	r.Post("/conversations/:chatId/assign", s.assignConversation)
	r.Post("/conversations/:chatId/notes", s.addNote)
	r.Post("/conversations/:chatId/status", s.setConversationStatus)
	r.Put("/conversations/:chatId/labels", setLabelsHandler(s, ops.OpConversationLabels, "chatId"))
	s.labelRoutes(r)
	s.webhookRoutes(r)
	s.cannedRoutes(r)
	r.Get("/search", s.search)
	r.Get("/settings", s.getSettings)
	r.Put("/settings", managersOnly("change the team's settings"), s.updateSettings)
}

// call runs op on the caller's tenant and writes its answer as JSON with status. The op's declaration fixes
// what in must be and what the answer is.
func call[In, Out any](s *Server, c *fiber.Ctx, status int, op ops.Op[In, Out], in In) error {
	out, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), op, in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

func (s *Server) listConversations(c *fiber.Ctx) error {
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return err
	}
	status, err := queryOneOf(c, "status", domain.ChatStatuses.Strings())
	if err != nil {
		return err
	}
	search := queryOptional(c, "search")
	if fe := domain.CheckText("search", search); fe != nil {
		return domain.Invalid(fe...)
	}
	assignee, err := queryAssignee(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationList, ops.ConversationListInput{Limit: limit,
		Cursor: c.Query("cursor"), Status: status, Search: search, Assignee: assignee, Label: queryOptional(c, "label")})
}

func (s *Server) getConversation(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationGet, ops.ChatRef{ChatID: id})
}

func (s *Server) conversationMessages(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationMessages, ops.MessagesInput{ChatID: id, Limit: limit, Before: c.Query("before")})
}

// sendRequest is the body of POST /api/conversations/:chatId/send.
// A media message (IMAGE, VIDEO, AUDIO, FILE, STICKER) names an uploaded file with mediaId, and content is
// its optional caption; any other message needs content, or cannedReplyId instead: the canned reply's text
// is sent with its variables filled in.
type sendRequest struct {
	Content       string          `json:"content" validate:"max=65536"`
	CannedReplyID *string         `json:"cannedReplyId" validate:"omitnil,uuid"`
	ContentType   string          `json:"contentType" validate:"omitempty,contenttype"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	MediaID       *string         `json:"mediaId" validate:"omitnil,uuid"`
	// ReplyToMessageID quotes a message of the conversation (see checkReplyTo).
	ReplyToMessageID *string `json:"replyToMessageId" validate:"omitnil,uuid"`
}

func (s *Server) sendMessage(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	var req sendRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if fe := domain.CheckText("content", &req.Content); fe != nil {
		return domain.Invalid(fe...)
	}
	if req.CannedReplyID != nil {
		if req.Content != "" {
			return domain.InvalidField("content", "send content or cannedReplyId, not both")
		}
		canned, _ := uuid.Parse(*req.CannedReplyID)
		out, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpCannedRender,
			ops.CannedRenderInput{ChatID: id, CannedReplyID: canned})
		if err != nil {
			return err
		}
		if strings.TrimSpace(out.Content) == "" {
			return domain.InvalidField("cannedReplyId", "the canned reply is empty for this conversation")
		}
		req.Content = out.Content
	}
	mediaID, err := s.checkSendMedia(c, req)
	if err != nil {
		return err
	}
	replyTo, err := s.checkReplyTo(c, id, req.ReplyToMessageID)
	if err != nil {
		return err
	}
	key, err := readIdempotencyKey(c)
	if err != nil {
		return err
	}
	in := s.sendInput(id, req, key)
	in.MediaID, in.ReplyToMessageID = mediaID, replyTo
	return call(s, c, fiber.StatusAccepted, ops.OpConversationSend, in)
}

// readIdempotencyKey reads the client's Idempotency-Key. Without one, the request id serves: a key of our own
// makes the grain call safe to retry across a cluster hand-over.
//
// A client's key is scoped to the caller and the request (method and path): the same key from another user,
// or on another chat, is another key, so nobody gets someone else's message back. The conversation actor
// answers 422 when a key comes back with a different body (see ops.SendInput).
func readIdempotencyKey(c *fiber.Ctx) (string, error) {
	key := c.Get("Idempotency-Key")
	if len(key) > 200 {
		return "", domain.InvalidField("Idempotency-Key", "must be at most 200 characters")
	}
	if key == "" {
		return "req:" + requestID(c), nil
	}
	return "key:" + caller(c).UserID.String() + ":" + c.Method() + " " + c.Path() + ":" + key, nil
}

func (s *Server) sendInput(chatID [16]byte, req sendRequest, key string) ops.SendInput {
	contentType := req.ContentType
	if contentType == "" {
		contentType = domain.ContentText
	}
	return ops.SendInput{ChatID: chatID, Content: req.Content, ContentType: contentType, Metadata: req.Metadata, IdempotencyKey: key}
}

func (s *Server) markRead(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpConversationRead, ops.ChatRef{ChatID: id})
}
