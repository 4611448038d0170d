package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/accounts"
)

// API keys are kept in the master database by accounts; these handlers bind and answer. Only owners and
// admins manage them (refused before the body is read).
func (s *Server) apiKeyRoutes(r fiber.Router) {
	manage := managersOnly("manage API keys")
	r.Get("/api-keys", manage, s.listAPIKeys)
	r.Post("/api-keys", manage, s.createAPIKey)
	r.Delete("/api-keys/:keyId", manage, s.revokeAPIKey)
}

type createAPIKeyRequest struct {
	Name      string     `json:"name" validate:"required,min=1,max=200"`
	Role      string     `json:"role" validate:"required,role"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

// createdAPIKey is the one answer that shows the key.
type createdAPIKey struct {
	accounts.APIKey
	Key string `json:"key"`
}

type apiKeyList struct {
	Data []accounts.APIKey `json:"data"`
}

func (s *Server) createAPIKey(c *fiber.Ctx) error {
	var req createAPIKeyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	k, key, err := s.accounts.CreateAPIKey(c.UserContext(), teamActor(c), accounts.NewAPIKey{Name: req.Name, Role: req.Role,
		ExpiresAt: req.ExpiresAt})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(createdAPIKey{APIKey: k, Key: key})
}

func (s *Server) listAPIKeys(c *fiber.Ctx) error {
	keys, err := s.accounts.ListAPIKeys(c.UserContext(), teamActor(c))
	if err != nil {
		return err
	}
	return c.JSON(apiKeyList{Data: keys})
}

func (s *Server) revokeAPIKey(c *fiber.Ctx) error {
	id, err := pathUUID(c, "keyId")
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeAPIKey(c.UserContext(), teamActor(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
