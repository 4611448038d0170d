package httpapi

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
)

// entityRoutes registers the REST resources of the business entities: products, customers, orders, chats
// and their messages. Every handler validates its input and hands the work to the tenant's grain.
func (s *Server) entityRoutes(r fiber.Router) {
	s.productRoutes(r)
	s.customerRoutes(r)
	s.orderRoutes(r)
	s.chatRoutes(r)
	s.messageRoutes(r)
}

// createHandler binds a create body into T and answers 201 with the created record.
func createHandler[T ops.CreateInput, Out any](s *Server, op ops.Op[ops.Write[T], Out]) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var in T
		if err := bindWith(c, &in, func() error { return ops.ValidateCreate(in) }); err != nil {
			return err
		}
		return call(s, c, fiber.StatusCreated, op, ops.Write[T]{Input: in})
	}
}

// updateHandler binds an update body into T for the record named by the path parameter.
func updateHandler[T ops.UpdateInput, Out any](s *Server, op ops.Op[ops.Write[T], Out], param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathUUID(c, param)
		if err != nil {
			return err
		}
		var in T
		if err := bindWith(c, &in, func() error { return ops.ValidateUpdate(in) }); err != nil {
			return err
		}
		return call(s, c, fiber.StatusOK, op, ops.Write[T]{ID: id, Input: in})
	}
}

// getHandler answers the record named by the path parameter, embedding the relations asked for.
func getHandler[Out any](s *Server, op ops.Op[ops.Ref, Out], param string, includable ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathUUID(c, param)
		if err != nil {
			return err
		}
		if err := allowQuery(c, "include"); err != nil {
			return err
		}
		include, err := queryInclude(c, includable...)
		if err != nil {
			return err
		}
		return call(s, c, fiber.StatusOK, op, ops.Ref{ID: id, Include: include})
	}
}

// deleteHandler deletes the record named by the path parameter and answers 204.
func deleteHandler[Out any](s *Server, op ops.Op[ops.Ref, Out], param string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathUUID(c, param)
		if err != nil {
			return err
		}
		if _, err := node.Call(c.UserContext(), s.node, caller(c).TenantID, actorCaller(c), op, ops.Ref{ID: id}); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

// bindWith decodes the body strictly and reports every bad field at once: the decoder's complaint (a
// wrong JSON type, an unknown field) together with what validate finds in the rest.
func bindWith(c *fiber.Ctx, v any, validate func() error) error {
	err := bindJSON(c, v)
	if de := domain.AsError(err); err != nil && (de == nil || de.Code != domain.CodeValidation) {
		return err
	}
	verr := validate()
	if verr == nil {
		return err
	}
	de := domain.AsError(verr)
	if de == nil || de.Code != domain.CodeValidation {
		return verr
	}
	return domain.MergeFieldErrors(err, de.Fields)
}

// queryPaging reads limit (default 50, at most 200) and offset.
func queryPaging(c *fiber.Ctx) (ops.Paging, error) {
	limit, err := queryLimit(c, ops.DefaultPageSize, ops.MaxPageSize)
	if err != nil {
		return ops.Paging{}, err
	}
	offset, err := queryOffset(c)
	return ops.Paging{Limit: limit, Offset: offset}, err
}

// queryUUID reads an optional UUID query parameter.
func queryUUID(c *fiber.Ctx, name string) (*uuid.UUID, error) {
	v := queryOptional(c, name)
	if v == nil {
		return nil, nil
	}
	id, err := uuid.Parse(*v)
	if err != nil {
		return nil, domain.InvalidField(name, "must be a UUID")
	}
	return &id, nil
}

// queryTime reads an optional RFC 3339 timestamp or YYYY-MM-DD date (midnight UTC). With wholeDay, a date
// means the end of that day, so that an exclusive upper bound still includes it.
func queryTime(c *fiber.Ctx, name string, wholeDay bool) (*time.Time, error) {
	v := queryOptional(c, name)
	if v == nil {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, *v); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.DateOnly, *v)
	if err != nil {
		return nil, domain.InvalidField(name, "must be an RFC 3339 timestamp (2024-05-01T12:00:00Z) or a date (2024-05-01)")
	}
	if wholeDay {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

// queryInclude reads include=a,b and refuses relations the resource cannot embed.
func queryInclude(c *fiber.Ctx, allowed ...string) ([]string, error) {
	raw := c.Query("include")
	if raw == "" {
		return nil, nil
	}
	var out []string
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if !slices.Contains(allowed, part) {
			if len(allowed) == 0 {
				return nil, domain.InvalidField("include", "this resource has no related records to embed")
			}
			return nil, domain.InvalidField("include", fmt.Sprintf("%q cannot be embedded; choose from: %s", part, strings.Join(allowed, ", ")))
		}
		if !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out, nil
}

// allowQuery refuses query parameters the endpoint does not know, so that a misspelt filter is an error
// rather than an unfiltered answer.
func allowQuery(c *fiber.Ctx, known ...string) error {
	var bad []domain.FieldError
	c.Context().QueryArgs().VisitAll(func(key, _ []byte) {
		k := string(key)
		if !slices.Contains(known, k) {
			bad = append(bad, domain.FieldError{Field: k, Message: "is not a query parameter of this endpoint (known: " + strings.Join(known, ", ") + ")"})
		}
	})
	if len(bad) > 0 {
		return domain.Invalid(bad...)
	}
	return nil
}

// listParams are the query parameters every list understands.
var listParams = []string{"limit", "offset"}

// known lists an endpoint's query parameters: the list ones and its own.
func known(own ...string) []string { return append(slices.Clone(listParams), own...) }
