package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

var orderIncludes = []string{ops.IncludeItems, ops.IncludeCustomer}

func (s *Server) orderRoutes(r fiber.Router) {
	r.Get("/orders", s.listOrders)
	r.Post("/orders", createHandler[ops.OrderInput](s, ops.OpOrderCreate))
	r.Get("/orders/:orderId", getHandler(s, ops.OpOrderGet, "orderId", orderIncludes...))
	r.Put("/orders/:orderId", updateHandler[ops.OrderInput](s, ops.OpOrderUpdate, "orderId"))
	r.Delete("/orders/:orderId", deleteHandler(s, ops.OpOrderDelete, "orderId"))
}

func (s *Server) listOrders(c *fiber.Ctx) error {
	if err := allowQuery(c, known("orderStatus", "customerId", "channelId", "createdFrom", "createdTo", "include")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	in := ops.OrderListInput{Paging: paging}
	if in.OrderStatus, err = queryOneOf(c, "orderStatus", domain.OrderStatuses.Strings()); err != nil {
		return err
	}
	if in.CustomerID, err = queryUUID(c, "customerId"); err != nil {
		return err
	}
	if in.ChannelID, err = queryUUID(c, "channelId"); err != nil {
		return err
	}
	if in.CreatedFrom, err = queryTime(c, "createdFrom", false); err != nil {
		return err
	}
	if in.CreatedTo, err = queryTime(c, "createdTo", true); err != nil {
		return err
	}
	if in.CreatedFrom != nil && in.CreatedTo != nil && !in.CreatedTo.After(*in.CreatedFrom) {
		return domain.InvalidField("createdTo", "must be after createdFrom")
	}
	if in.Include, err = queryInclude(c, orderIncludes...); err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpOrderList, in)
}
