package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
)

// cannedRoutes: everyone on the team lists and uses canned replies; owners and admins manage them.
func (s *Server) cannedRoutes(r fiber.Router) {
	manage := managersOnly("manage canned replies")
	r.Get("/canned-replies", s.listCannedReplies)
	r.Post("/canned-replies", manage, createHandler[ops.CannedInput](s, ops.OpCannedCreate))
	r.Get("/canned-replies/:cannedReplyId", getHandler(s, ops.OpCannedGet, "cannedReplyId"))
	r.Put("/canned-replies/:cannedReplyId", manage, updateHandler[ops.CannedInput](s, ops.OpCannedUpdate, "cannedReplyId"))
	r.Delete("/canned-replies/:cannedReplyId", manage, deleteHandler(s, ops.OpCannedDelete, "cannedReplyId"))
}

func (s *Server) listCannedReplies(c *fiber.Ctx) error {
	if err := allowQuery(c, known("search")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpCannedList, ops.CannedListInput{Search: queryOptional(c, "search"), Paging: paging})
}
