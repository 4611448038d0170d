package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// bindJSON decodes the request body strictly (unknown fields and trailing data are errors) and validates it.
func bindJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return domain.BadRequest("request body is empty; send a JSON object")
	}
	if err := domain.CheckNoNUL(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.BadRequest("request body has data after the JSON object")
	}
	return domain.Validate(v)
}

// jsonError explains a decoding error in terms of the client's JSON.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return domain.BadRequest("malformed JSON at byte %d: %v", se.Offset, err)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return domain.BadRequest("request body must be a JSON object")
		}
		return domain.InvalidField(field, fmt.Sprintf("must be of type %s, not %s", jsonType(te.Type.Kind().String()), te.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.InvalidField(name, "is not a known field")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.BadRequest("malformed JSON: unexpected end of input")
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	return domain.BadRequest("malformed JSON: %v", err)
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int32", "int64", "uint", "float64", "float32":
		return "number"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	}
	return kind
}

// pathUUID reads a UUID path parameter; anything else is a 400 naming the parameter.
func pathUUID(c *fiber.Ctx, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Params(name))
	if err != nil {
		return uuid.Nil, domain.InvalidField(name, "must be a UUID")
	}
	return id, nil
}

// queryLimit reads the limit query parameter: default def, at most max.
func queryLimit(c *fiber.Ctx, def, max int) (int, error) {
	raw := c.Query("limit")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		return 0, domain.InvalidField("limit", fmt.Sprintf("must be a whole number from 1 to %d", max))
	}
	return n, nil
}

// queryOffset reads the offset query parameter.
func queryOffset(c *fiber.Ctx) (int, error) {
	raw := c.Query("offset")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, domain.InvalidField("offset", "must be a whole number, 0 or more")
	}
	return n, nil
}

// queryOptional returns a query parameter, or nil when absent.
func queryOptional(c *fiber.Ctx, name string) *string {
	v := c.Query(name)
	if v == "" {
		return nil
	}
	return &v
}

// queryBool reads an optional boolean query parameter.
func queryBool(c *fiber.Ctx, name string) (*bool, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return nil, domain.InvalidField(name, "must be true or false")
	}
	return &b, nil
}

// queryOneOf reads an optional enum query parameter.
func queryOneOf(c *fiber.Ctx, name string, allowed []string) (*string, error) {
	v := queryOptional(c, name)
	if v == nil {
		return nil, nil
	}
	for _, a := range allowed {
		if *v == a {
			return v, nil
		}
	}
	return nil, domain.InvalidField(name, "must be one of: "+strings.Join(allowed, ", "))
}
