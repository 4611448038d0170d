package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors"
)

var customerIncludes = []string{actors.IncludeOrders, actors.IncludeChats}

func (s *Server) customerRoutes(r fiber.Router) {
	r.Get("/customers", s.listCustomers)
	r.Post("/customers", createHandler[actors.CustomerInput](s, actors.OpCustomerCreate))
	r.Get("/customers/:customerId", getHandler(s, actors.OpCustomerGet, "customerId", customerIncludes...))
	r.Put("/customers/:customerId", updateHandler[actors.CustomerInput](s, actors.OpCustomerUpdate, "customerId"))
	r.Delete("/customers/:customerId", deleteHandler(s, actors.OpCustomerDelete, "customerId"))
}

func (s *Server) listCustomers(c *fiber.Ctx) error {
	if err := allowQuery(c, known("channelId", "name", "email", "phone", "include")...); err != nil {
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
	return s.ask(c, fiber.StatusOK, actors.OpCustomerList, actors.CustomerListInput{ChannelID: channel,
		Name: queryOptional(c, "name"), Email: queryOptional(c, "email"), Phone: queryOptional(c, "phone"),
		Include: include, Paging: paging})
}
