package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
)

var customerIncludes = []string{ops.IncludeOrders, ops.IncludeChats}

func (s *Server) customerRoutes(r fiber.Router) {
	r.Get("/customers", s.listCustomers)
	r.Post("/customers", createHandler[ops.CustomerInput](s, ops.OpCustomerCreate))
	r.Get("/customers/:customerId", getHandler(s, ops.OpCustomerGet, "customerId", customerIncludes...))
	r.Put("/customers/:customerId", updateHandler[ops.CustomerInput](s, ops.OpCustomerUpdate, "customerId"))
	r.Delete("/customers/:customerId", deleteHandler(s, ops.OpCustomerDelete, "customerId"))
	r.Put("/customers/:customerId/labels", setLabelsHandler(s, ops.OpCustomerLabels, "customerId"))
}

func (s *Server) listCustomers(c *fiber.Ctx) error {
	if err := allowQuery(c, known("channelId", "name", "email", "phone", "label", "include")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	channel, err := queryUUID(c, "channelId")
	if err != nil {
		return err
	}
	include, err := queryInclude(c, customerIncludes...)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpCustomerList, ops.CustomerListInput{ChannelID: channel,
		Name: queryOptional(c, "name"), Email: queryOptional(c, "email"), Phone: queryOptional(c, "phone"),
		Label: queryOptional(c, "label"), Include: include, Paging: paging})
}
