package httpapi

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/accounts"
	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// "Send as customer": in development, the web app lets an owner or admin play the customer of one of their
// API channels, so a newcomer sees a conversation arrive live without writing an integration. The tenant
// signs the call with the channel's own secret and takes it through the same signed inbound path an
// integration uses (ops.OpChannelDevInbound). The route is registered only when AEZEN_ENV=development.

// devCustomerMessage is the body of POST /api/dev/channels/:channelId/customer-message.
type devCustomerMessage struct {
	Content            string  `json:"content" validate:"required,max=65536"`
	PlatformCustomerID *string `json:"platformCustomerId" validate:"omitempty,min=1,max=200"`
	FullName           *string `json:"fullName" validate:"omitempty,min=1,max=200"`
}

func (s *Server) devRoutes(r fiber.Router) {
	if s.cfg.Production() {
		return
	}
	r.Post("/dev/channels/:channelId/customer-message", s.devCustomerMessage)
}

func (s *Server) devCustomerMessage(c *fiber.Ctx) error {
	p := caller(c)
	if !accounts.CanManageTeam(p.Role) {
		return domain.Forbidden("only owners and admins may play the customer")
	}
	channelID, err := pathUUID(c, "channelId")
	if err != nil {
		return err
	}
	var req devCustomerMessage
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := ops.InboundInput{PlatformMessageID: "dev-" + uuid.NewString(), Content: req.Content,
		From: ops.InboundSender{PlatformCustomerID: "playground-customer", FullName: req.FullName}}
	if req.PlatformCustomerID != nil {
		in.From.PlatformCustomerID = *req.PlatformCustomerID
	}
	if in.From.FullName == nil {
		name := "Test customer"
		in.From.FullName = &name
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	// The caller's own tenant: another tenant's channel id is simply not found there.
	res, err := node.Call(c.UserContext(), s.node, p.TenantID, actorCaller(c), ops.OpChannelDevInbound,
		ops.DevInbound{ChannelID: channelID, Body: body})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(res)
}

// devSchemas are the OpenAPI shapes of the development routes.
func devSchemas() js {
	return js{"DevCustomerMessage": input(props{"content": textRange(1, 65536), "platformCustomerId": textRange(1, 200),
		"fullName": textRange(1, 200)}, "content")}
}
