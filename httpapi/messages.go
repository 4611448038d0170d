package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

func (s *Server) messageRoutes(r fiber.Router) {
	r.Get("/chats/:chatId/messages", s.listChatMessages)
	r.Post("/chats/:chatId/messages", s.createChatMessage)
	r.Get("/messages/:messageId", getHandler(s, ops.OpMessageGet, "messageId"))
	r.Put("/messages/:messageId", updateHandler[ops.MessageInput](s, ops.OpMessageUpdate, "messageId"))
	r.Delete("/messages/:messageId", deleteHandler(s, ops.OpMessageDelete, "messageId"))
	s.messageActionRoutes(r)
}

func (s *Server) listChatMessages(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	if err := allowQuery(c, known("senderType")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	sender, err := queryOneOf(c, "senderType", domain.SenderTypes.Strings())
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpChatMessageList, ops.ChatMessageListInput{ChatID: id, SenderType: sender, Paging: paging})
}

// createChatMessage adds a message to a chat. An AGENT or SYSTEM message goes through the chat's
// conversation actor and is delivered to the customer like any send (honouring Idempotency-Key); a
// CUSTOMER message is recorded as received, for imports and messages taken outside the channels.
func (s *Server) createChatMessage(c *fiber.Ctx) error {
	id, err := pathUUID(c, "chatId")
	if err != nil {
		return err
	}
	var in ops.MessageInput
	if err := bindWith(c, &in, func() error { return ops.ValidateCreate(in) }); err != nil {
		return err
	}
	if in.Sender() == domain.SenderCustomer {
		return call(s, c, fiber.StatusCreated, ops.OpChatMessageCreate, ops.Write[ops.MessageInput]{ID: id, Input: in})
	}
	key, err := readIdempotencyKey(c)
	if err != nil {
		return err
	}
	res, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpConversationSend, ops.SendInput{
		ChatID: id, Content: *in.Content, ContentType: in.Kind(), Metadata: in.Metadata, IdempotencyKey: key,
		SenderType: in.Sender()})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res.Message)
}
