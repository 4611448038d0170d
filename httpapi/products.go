package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors"
)

func (s *Server) productRoutes(r fiber.Router) {
	r.Get("/products", s.listProducts)
	r.Post("/products", createHandler[actors.ProductInput](s, actors.OpProductCreate))
	r.Get("/products/:productId", getHandler(s, actors.OpProductGet, "productId"))
	r.Put("/products/:productId", updateHandler[actors.ProductInput](s, actors.OpProductUpdate, "productId"))
	r.Delete("/products/:productId", deleteHandler(s, actors.OpProductDelete, "productId"))
}

func (s *Server) listProducts(c *fiber.Ctx) error {
	if err := allowQuery(c, known("isAvailable", "name", "sku", "currency")...); err != nil {
		return err
	}
	paging, err := queryPaging(c)
	if err != nil {
		return err
	}
	available, err := queryBool(c, "isAvailable")
	if err != nil {
		return err
	}
	return s.ask(c, fiber.StatusOK, actors.OpProductList, actors.ProductListInput{IsAvailable: available,
		Name: queryOptional(c, "name"), SKU: queryOptional(c, "sku"), Currency: queryOptional(c, "currency"), Paging: paging})
}
