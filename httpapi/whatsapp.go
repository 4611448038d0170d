package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skip2/go-qrcode"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// whatsappRoutes is the seed's WhatsApp integration: connect by QR code or pairing code, status, logout,
// and sending to a phone number. Connecting and unlinking are for owners and admins.
func (s *Server) whatsappRoutes(r fiber.Router) {
	r.Post("/integrations/whatsapp/toggle", managersOnly("connect WhatsApp"), whatsappManage(s, ops.OpWhatsAppToggle))
	r.Get("/integrations/whatsapp/status", s.whatsappStatus)
	r.Get("/integrations/whatsapp/qr.png", s.whatsappQR)
	r.Post("/integrations/whatsapp/pair-phone", managersOnly("connect WhatsApp"), s.whatsappPairPhone)
	r.Post("/integrations/whatsapp/logout", managersOnly("unlink WhatsApp"), whatsappManage(s, ops.OpWhatsAppLogout))
	r.Post("/integrations/whatsapp/send", s.whatsappSend)
}

func whatsappManage[Out any](s *Server, op ops.Op[ops.None, Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return call(s, c, fiber.StatusOK, op, ops.None{})
	}
}

func (s *Server) whatsappStatus(c *fiber.Ctx) error {
	return call(s, c, fiber.StatusOK, ops.OpWhatsAppStatus, ops.None{})
}

// whatsappQR renders the current pairing code as a PNG; 404 when no code is waiting to be scanned.
func (s *Server) whatsappQR(c *fiber.Ctx) error {
	st, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), ops.OpWhatsAppStatus, ops.None{})
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

func (s *Server) whatsappPairPhone(c *fiber.Ctx) error {
	var in ops.PairPhoneInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpWhatsAppPairPhone, in)
}

// whatsappSendRequest is the body of POST /api/integrations/whatsapp/send.
type whatsappSendRequest struct {
	To      string `json:"to" validate:"required,max=32"`
	Content string `json:"content" validate:"required,max=65536"`
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
	return call(s, c, fiber.StatusAccepted, ops.OpWhatsAppSend, in)
}
