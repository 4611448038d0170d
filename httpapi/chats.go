package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

var chatIncludes = []string{ops.IncludeCustomer, ops.IncludeMessages}

func (s *Server) chatRoutes(r fiber.Router) {
	r.Get("/chats", s.listChats)
	r.Post("/chats", createHandler[ops.ChatInput](s, ops.OpChatCreate))
	r.Get("/chats/:chatId", getHandler(s, ops.OpChatGet, "chatId", chatIncludes...))
	r.Put("/chats/:chatId", updateHandler[ops.ChatInput](s, ops.OpChatUpdate, "chatId"))
	r.Delete("/chats/:chatId", deleteHandler(s, ops.OpChatDelete, "chatId"))
}

func (s *Server) listChats(c *fiber.Ctx) error {
	if err := allowQuery(c, known("status", "channelId", "customerId", "userId", "include")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	in := ops.ChatListInput{Paging: paging}
	if in.Status, err = queryOneOf(c, "status", domain.ChatStatuses.Strings()); err != nil {
		return err
	}
	if in.ChannelID, err = queryUUID(c, "channelId"); err != nil {
		return err
	}
	if in.CustomerID, err = queryUUID(c, "customerId"); err != nil {
		return err
	}
	if in.UserID, err = queryUUID(c, "userId"); err != nil {
		return err
	}
	if in.Include, err = queryInclude(c, chatIncludes...); err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpChatList, in)
}
