package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// search answers GET /api/search?q=&limit=&cursor=: conversations whose messages, notes or customer match
// the words of q, grouped by conversation, under the caller's visibility (the tenant's query checks it).
func (s *Server) search(c *fiber.Ctx) error {
	if err := allowQuery(c, "q", "limit", "cursor"); err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return domain.InvalidField("q", "is required")
	}
	if len([]rune(q)) > ops.SearchMaxQueryRunes {
		return domain.InvalidField("q", "must be at most 200 characters")
	}
	limit, err := queryLimit(c, 20, 50)
	if err != nil {
		return err
	}
	return call(s, c, fiber.StatusOK, ops.OpSearch, ops.SearchInput{Q: q, Limit: limit, Cursor: c.Query("cursor")})
}
