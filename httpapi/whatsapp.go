package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/skip2/go-qrcode"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// whatsappRoutes are the WhatsApp numbers' sessions: connect by QR code or pairing code, status, logout.
// Each WHATSAPP channel is a number of its own under /channels/:channelId/whatsapp; the seed's
// /integrations/whatsapp routes act on the tenant's default WhatsApp channel (its oldest, created by the
// first connect) and send to phone numbers. Connecting and unlinking are for owners and admins; everyone
// on the team reads the status.
func (s *Server) whatsappRoutes(r fiber.Router) {
	r.Post("/integrations/whatsapp/toggle", managersOnly("connect WhatsApp"), whatsappDefault(s, ops.OpWhatsAppToggle))
	r.Get("/integrations/whatsapp/status", whatsappDefault(s, ops.OpWhatsAppStatus))
	r.Get("/integrations/whatsapp/qr.png", s.whatsappQR)
	r.Post("/integrations/whatsapp/pair-phone", managersOnly("connect WhatsApp"), s.whatsappPairPhone)
	r.Post("/integrations/whatsapp/logout", managersOnly("unlink WhatsApp"), whatsappDefault(s, ops.OpWhatsAppLogout))
	r.Post("/integrations/whatsapp/send", s.whatsappSend)

	r.Post("/channels/:channelId/whatsapp/connect", managersOnly("connect WhatsApp"), whatsappOf(s, ops.OpWhatsAppConnect))
	r.Post("/channels/:channelId/whatsapp/disconnect", managersOnly("disconnect WhatsApp"), whatsappOf(s, ops.OpWhatsAppDisconnect))
	r.Get("/channels/:channelId/whatsapp/status", whatsappOf(s, ops.OpWhatsAppStatus))
	r.Get("/channels/:channelId/whatsapp/qr.png", s.whatsappQR)
	r.Post("/channels/:channelId/whatsapp/pair-phone", managersOnly("connect WhatsApp"), s.whatsappPairPhone)
	r.Post("/channels/:channelId/whatsapp/logout", managersOnly("unlink WhatsApp"), whatsappOf(s, ops.OpWhatsAppLogout))
}

// whatsappTarget is the channel a WhatsApp route names: the path's channelId, or uuid.Nil (the tenant's
// default WhatsApp channel) on the /integrations/whatsapp routes, which have none.
func whatsappTarget(c *fiber.Ctx) (uuid.UUID, error) {
	if c.Params("channelId") == "" {
		return uuid.Nil, nil
	}
	return pathUUID(c, "channelId")
}

// whatsappDefault answers op for the tenant's default WhatsApp channel.
func whatsappDefault[Out any](s *Server, op ops.Op[ops.WhatsAppTarget, Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return call(s, c, fiber.StatusOK, op, ops.WhatsAppTarget{})
	}
}

// whatsappOf answers op for the WhatsApp channel of the path.
func whatsappOf[Out any](s *Server, op ops.Op[ops.WhatsAppTarget, Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathUUID(c, "channelId")
		if err != nil {
			return err
		}
		return call(s, c, fiber.StatusOK, op, ops.WhatsAppTarget{ChannelID: id})
	}
}

// whatsappQR renders the current pairing code as a PNG; 404 when no code is waiting to be scanned.
func (s *Server) whatsappQR(c *fiber.Ctx) error {
	id, err := whatsappTarget(c)
	if err != nil {
		return err
	}
	st, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpWhatsAppStatus, ops.WhatsAppTarget{ChannelID: id})
	if err != nil {
		return err
	}
	if st.QR == nil {
		return &domain.Error{Code: domain.CodeNotFound, Message: "no QR code is waiting to be scanned (status " + st.Status + ")"}
	}
	png, err := qrcode.Encode(st.QR.Code, qrcode.Medium, 320)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(png)
}

// pairPhoneRequest is the body of the pair-phone routes.
type pairPhoneRequest struct {
	Phone string `json:"phone" validate:"required,min=7,max=32"`
}

func (s *Server) whatsappPairPhone(c *fiber.Ctx) error {
	id, err := whatsappTarget(c)
	if err != nil {
		return err
	}
	var req pairPhoneRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpWhatsAppPairPhone, ops.PairPhoneInput{ChannelID: id, Phone: req.Phone})
}

// whatsappSendRequest is the body of POST /api/integrations/whatsapp/send.
type whatsappSendRequest struct {
	// ChannelID picks one of the tenant's WhatsApp numbers; absent, the default one sends.
	ChannelID *uuid.UUID `json:"channelId"`
	To        string     `json:"to" validate:"required,max=32"`
	Content   string     `json:"content" validate:"required,max=65536"`
}

// whatsappSend is the seed's send path: to a phone number, through the same conversation as the inbox.
func (s *Server) whatsappSend(c *fiber.Ctx) error {
	var req whatsappSendRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	key, err := readIdempotencyKey(c)
	if err != nil {
		return err
	}
	in := ops.WhatsAppSendInput{To: req.To, Content: req.Content, IdempotencyKey: key}
	if req.ChannelID != nil {
		in.ChannelID = *req.ChannelID
	}
	return call(s, c, fiber.StatusAccepted, ops.OpWhatsAppSend, in)
}
