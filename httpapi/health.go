package httpapi

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/domain"
)

// healthz says the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says the node can serve: the master database answers.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.accounts.Ready(ctx); err != nil {
		return domain.Unavailable("master database unreachable")
	}
	return c.JSON(fiber.Map{"status": "ready", "member": s.node.Address()})
}
