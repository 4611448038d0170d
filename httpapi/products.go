package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
)

func (s *Server) productRoutes(r fiber.Router) {
	r.Get("/products", s.listProducts)
	r.Post("/products", createHandler[ops.ProductInput](s, ops.OpProductCreate))
	r.Get("/products/:productId", getHandler(s, ops.OpProductGet, "productId"))
	r.Put("/products/:productId", updateHandler[ops.ProductInput](s, ops.OpProductUpdate, "productId"))
	r.Delete("/products/:productId", deleteHandler(s, ops.OpProductDelete, "productId"))
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
	return call(s, c, fiber.StatusOK, ops.OpProductList, ops.ProductListInput{IsAvailable: available,
		Name: queryOptional(c, "name"), SKU: queryOptional(c, "sku"), Currency: queryOptional(c, "currency"), Paging: paging})
}
