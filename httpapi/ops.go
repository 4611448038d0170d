package httpapi

import (
	"crypto/subtle"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// opsRoutes are the operator endpoints, authenticated with AEZEN_OPS_TOKEN (not a user's JWT).
func (s *Server) opsRoutes(r fiber.Router) {
	ops := r.Group("/ops", s.requireOps)
	ops.Get("/cluster", s.opsCluster)
	ops.Get("/actors", s.opsActors)
	ops.Get("/tenants/:tenantId", s.opsTenant)
	ops.Put("/tenants/:tenantId/status", s.opsTenantStatus)
}

func (s *Server) requireOps(c *fiber.Ctx) error {
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.OpsToken)) != 1 {
		return &domain.Error{Code: domain.CodeUnauthorized, Message: "operator token required (Authorization: Bearer $AEZEN_OPS_TOKEN)"}
	}
	return c.Next()
}

// opsCluster answers the members as this member sees them.
func (s *Server) opsCluster(c *fiber.Ctx) error {
	return c.JSON(s.node.ClusterInfo())
}

// opsActors answers the tenant actors living on this member, with their children.
func (s *Server) opsActors(c *fiber.Ctx) error {
	tenants := s.node.LocalTenants(c.UserContext())
	return c.JSON(fiber.Map{"member": s.node.Address(), "tenants": tenants, "websocketClients": s.hub.Count()})
}

// opsTenant answers where a tenant lives and its actor tree, from any member. It activates the tenant if
// it was not active.
func (s *Server) opsTenant(c *fiber.Ctx) error {
	id, err := pathUUID(c, "tenantId")
	if err != nil {
		return err
	}
	d, err := node.Call(c.UserContext(), s.node, id, node.Caller{RequestID: requestID(c)}, ops.OpTenantDescribe, ops.None{})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"askedMember": s.node.Address(), "tenant": d})
}

type tenantStatusRequest struct {
	Status string `json:"status" validate:"required,operatortenantstatus"`
}

// opsTenantStatus suspends a tenant (SUSPENDED) or re-admits it (ACTIVE). A suspension refuses the tenant's
// users on every member within seconds (accounts.AccessCacheTTL; their WebSockets close with 4401) and stops
// its actor wherever it is active, with its channel sessions; signed channel calls are then refused too.
func (s *Server) opsTenantStatus(c *fiber.Ctx) error {
	id, err := pathUUID(c, "tenantId")
	if err != nil {
		return err
	}
	var req tenantStatusRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t, err := s.accounts.SetTenantStatus(c.UserContext(), id, req.Status)
	if err != nil {
		return err
	}
	if req.Status == domain.TenantSuspended {
		s.hub.DropTenant(id, closeUnauthorized)
		_, err := node.Call(c.UserContext(), s.node, id, node.Caller{RequestID: requestID(c)}, ops.OpTenantSuspend, ops.None{})
		if de := domain.AsError(err); err != nil && (de == nil || de.Code != domain.CodeForbidden) {
			return err
		}
	}
	return c.JSON(fiber.Map{"tenant": t})
}
