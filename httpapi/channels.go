package httpapi

import (
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
	return call(s, c, fiber.StatusOK, ops.OpChannelList, ops.ChannelListInput{PlatformType: platform, IsActive: active, Limit: limit, Offset: offset})
}

func (s *Server) createChannel(c *fiber.Ctx) error {
	var in ops.ChannelInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.ChannelID != [16]byte{} || in.RotateWebhookSecret {
		return domain.BadRequest("channelId and rotateWebhookSecret cannot be set on create")
	}
	return call(s, c, fiber.StatusCreated, ops.OpChannelCreate, in)
}

func (s *Server) getChannel(c *fiber.Ctx) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpChannelGet, ops.ChannelInput{ChannelID: id})
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
	return call(s, c, fiber.StatusOK, ops.OpChannelUpdate, in)
}

func (s *Server) deleteChannel(c *fiber.Ctx) error {
	id, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	if _, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpChannelDelete, ops.ChannelInput{ChannelID: id}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// inbound accepts a signed inbound message; statusCallback a signed receipt (see signedCall).
func (s *Server) inbound(c *fiber.Ctx) error {
	return signedCall(s, c, ops.OpChannelInbound)
}

func (s *Server) statusCallback(c *fiber.Ctx) error {
	return signedCall(s, c, ops.OpChannelStatus)
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
// channel id finds the tenant, and the tenant checks the HMAC signature of "<X-Aezen-Timestamp>.<body>"
// against the channel's secret and the timestamp against AEZEN_SIGNATURE_TOLERANCE.
func signedCall[Out any](s *Server, c *fiber.Ctx, op ops.Op[ops.SignedInbound, Out]) error {
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
	out, err := node.Call(c.UserContext(), s.node, tenantID, node.Caller{RequestID: requestID(c)}, op,
		ops.SignedInbound{ChannelID: id, Body: body, Signature: sig, Timestamp: c.Get(ops.TimestampHeader)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(out)
}
