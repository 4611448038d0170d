package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
)

// webhookRoutes: the tenant's event webhooks and their delivery log, for owners and admins (refused before
// the body is read; the operations check the role again).
func (s *Server) webhookRoutes(r fiber.Router) {
	manage := managersOnly("manage webhooks")
	r.Get("/webhooks", manage, func(c *fiber.Ctx) error { return call(s, c, fiber.StatusOK, ops.OpWebhookList, ops.None{}) })
	r.Post("/webhooks", manage, noStore, createHandler[ops.WebhookInput](s, ops.OpWebhookCreate))
	r.Get("/webhooks/:webhookId", manage, getHandler(s, ops.OpWebhookGet, "webhookId"))
	r.Put("/webhooks/:webhookId", manage, updateHandler[ops.WebhookInput](s, ops.OpWebhookUpdate, "webhookId"))
	r.Delete("/webhooks/:webhookId", manage, deleteHandler(s, ops.OpWebhookDelete, "webhookId"))
	r.Get("/webhooks/:webhookId/deliveries", manage, s.listDeliveries)
	r.Post("/webhooks/:webhookId/deliveries/:deliveryId/retry", manage, s.retryDelivery)
}

// noStore keeps an answer that shows a secret out of caches.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

func (s *Server) listDeliveries(c *fiber.Ctx) error {
	id, err := pathUUID(c, "webhookId")
	if err != nil {
		return err
	}
	if err := allowQuery(c, "limit", "offset"); err != nil {
		return err
	}
	limit, err := queryLimit(c, ops.DefaultPageSize, ops.MaxPageSize)
	if err != nil {
		return err
	}
	offset, err := queryOffset(c)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpWebhookDeliveries, ops.DeliveryQuery{WebhookID: id, Paging: ops.Paging{Limit: limit, Offset: offset}})
}

func (s *Server) retryDelivery(c *fiber.Ctx) error {
	id, err := pathUUID(c, "webhookId")
	if err != nil {
		return err
	}
	delivery, err := pathUUID(c, "deliveryId")
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusAccepted, ops.OpWebhookRetry, ops.DeliveryRef{WebhookID: id, DeliveryID: delivery})
}
