package httpapi

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

func (s *Server) channelRoutes(r fiber.Router) {
	r.Get("/channels", s.listChannels)
	r.Post("/channels", managersOnly("create channels"), s.createChannel)
	r.Get("/channels/:channelId", s.getChannel)
	r.Put("/channels/:channelId", managersOnly("change channels or rotate their secrets"), s.updateChannel)
	r.Delete("/channels/:channelId", managersOnly("delete channels"), s.deleteChannel)
}

func (s *Server) listChannels(c *fiber.Ctx) error {
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return err
	}
	offset, err := queryOffset(c)
	if err != nil {
		return err
	}
	platform, err := queryOneOf(c, "platformType", []string{"WHATSAPP", "INSTAGRAM", "SHOPIFY", "API"})
	if err != nil {
		return err
	}
	active, err := queryBool(c, "isActive")
	if err != nil {
		return err
	}
	return s.ask(c, fiber.StatusOK, ops.OpChannelList, ops.ChannelListInput{PlatformType: platform, IsActive: active, Limit: limit, Offset: offset})
}

func (s *Server) createChannel(c *fiber.Ctx) error {
	var in ops.ChannelInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.ChannelID != [16]byte{} || in.RotateWebhookSecret {
		return domain.BadRequest("channelId and rotateWebhookSecret cannot be set on create")
	}
	return s.ask(c, fiber.StatusCreated, ops.OpChannelCreate, in)
}

func (s *Server) getChannel(c *fiber.Ctx) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	return s.ask(c, fiber.StatusOK, ops.OpChannelGet, ops.ChannelInput{ChannelID: id})
}

func (s *Server) updateChannel(c *fiber.Ctx) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	var in ops.ChannelInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.ChannelID = id
	return s.ask(c, fiber.StatusOK, ops.OpChannelUpdate, in)
}

func (s *Server) deleteChannel(c *fiber.Ctx) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	if err := s.node.Ask(c.UserContext(), caller(c).TenantID, ops.OpChannelDelete, actorCaller(c), ops.ChannelInput{ChannelID: id}, nil); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// inbound accepts a signed inbound message; statusCallback a signed receipt (see signedCall).
func (s *Server) inbound(c *fiber.Ctx) error {
	var res ops.InboundResult
	if err := s.signedCall(c, ops.OpChannelInbound, &res); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(res)
}

func (s *Server) statusCallback(c *fiber.Ctx) error {
	var res json.RawMessage
	if err := s.signedCall(c, ops.OpChannelStatus, &res); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(fiber.StatusAccepted).Send(res)
}

// channelTenant is the tenant that owns a channel, from the route cache or the master database.
func (s *Server) channelTenant(c *fiber.Ctx, channelID uuid.UUID) (uuid.UUID, error) {
	now := time.Now()
	if tenantID, ok := s.tenantOfChannel.get(channelID, now); ok {
		return tenantID, nil
	}
	tenantID, err := s.accounts.ChannelTenant(c.UserContext(), channelID)
	if err == nil {
		s.tenantOfChannel.put(channelID, tenantID, now)
	}
	return tenantID, err
}

// signedCall forwards a call from an external system to the channel's tenant. It carries no token: the
// channel id finds the tenant, and the tenant checks the body's HMAC signature against the channel's secret.
func (s *Server) signedCall(c *fiber.Ctx, op string, out any) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	sig := c.Get(ops.SignatureHeader)
	if sig == "" {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: ops.SignatureHeader + " header is required"}
	}
	if err := domain.CheckNoNUL(c.Body()); err != nil {
		return err
	}
	tenantID, err := s.channelTenant(c, id)
	if err != nil {
		return err
	}
	body := append([]byte(nil), c.Body()...)
	return s.node.Ask(c.UserContext(), tenantID, op, node.Caller{RequestID: requestID(c)},
		ops.SignedInbound{ChannelID: id, Body: body, Signature: sig}, out)
}
