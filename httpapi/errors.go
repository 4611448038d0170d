package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/aezen/engine/domain"
)

// statusByCode is the one table that maps domain error codes to HTTP statuses.
var statusByCode = map[string]int{
	domain.CodeValidation:   fiber.StatusBadRequest,
	domain.CodeBadRequest:   fiber.StatusBadRequest,
	domain.CodeNotFound:     fiber.StatusNotFound,
	domain.CodeConflict:     fiber.StatusConflict,
	domain.CodeUnauthorized: fiber.StatusUnauthorized,
	domain.CodeForbidden:    fiber.StatusForbidden,
	domain.CodeRateLimited:  fiber.StatusTooManyRequests,
	domain.CodeTooLarge:     fiber.StatusRequestEntityTooLarge,
	domain.CodeUnavailable:  fiber.StatusServiceUnavailable,
	domain.CodeTimeout:      fiber.StatusGatewayTimeout,
	domain.CodeInternal:     fiber.StatusInternalServerError,

	domain.CodeIdempotencyReused: fiber.StatusUnprocessableEntity,
	domain.CodeUnsupportedType:   fiber.StatusUnsupportedMediaType,
	domain.CodeNotOnWhatsApp:     fiber.StatusUnprocessableEntity,
	codeRangeNotSatisfiable:      fiber.StatusRequestedRangeNotSatisfiable,
}

// codeByStatus names the errors Fiber raises itself (unknown route, body too large, ...).
var codeByStatus = map[int]string{
	fiber.StatusBadRequest:            domain.CodeBadRequest,
	fiber.StatusNotFound:              domain.CodeNotFound,
	fiber.StatusMethodNotAllowed:      "method_not_allowed",
	fiber.StatusRequestEntityTooLarge: domain.CodeTooLarge,
	fiber.StatusUnauthorized:          domain.CodeUnauthorized,
	fiber.StatusForbidden:             domain.CodeForbidden,
	fiber.StatusTooManyRequests:       domain.CodeRateLimited,
	fiber.StatusUnsupportedMediaType:  domain.CodeUnsupportedType,
	fiber.StatusUpgradeRequired:       "upgrade_required",
	// Raised by fasthttp while reading the request: request line and headers over AEZEN_MAX_HEADER_BYTES,
	// a request not read within AEZEN_READ_TIMEOUT.
	fiber.StatusRequestHeaderFieldsTooLarge: "headers_too_large",
	fiber.StatusRequestTimeout:              "request_timeout",
}

// retryAfterSeconds is the Retry-After of a 503: a database outage or a tenant that did not answer in time
// is usually over within seconds.
const retryAfterSeconds = "5"

// errorEnvelope is the body of every error answer.
type errorEnvelope struct {
	Error *domain.Error `json:"error"`
}

// errorHandler answers every error returned by a handler with the error envelope. Errors that are not
// domain errors are logged with the request id and answered with a generic 500.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, body := describeError(c, err, log)
		if status == fiber.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		}
		return c.Status(status).JSON(errorEnvelope{Error: body})
	}
}

func describeError(c *fiber.Ctx, err error, log *slog.Logger) (int, *domain.Error) {
	if de := domain.AsError(err); de != nil {
		status, ok := statusByCode[de.Code]
		if !ok {
			status = fiber.StatusInternalServerError
		}
		if status == fiber.StatusServiceUnavailable {
			// A database outage (persistence.Classify) or a tenant that did not answer: the detail is logged.
			log.Warn("request unavailable", "request_id", requestID(c), "path", c.Path(), "err", err)
		}
		if status == fiber.StatusInternalServerError {
			log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
			return status, &domain.Error{Code: domain.CodeInternal, Message: "internal error (request " + requestID(c) + ")"}
		}
		return status, de
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code, ok := codeByStatus[fe.Code]
		if ok {
			return fe.Code, &domain.Error{Code: code, Message: fe.Message}
		}
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return fiber.StatusBadRequest, &domain.Error{Code: domain.CodeBadRequest, Message: "malformed JSON: " + err.Error()}
	}
	log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
	return fiber.StatusInternalServerError, &domain.Error{Code: domain.CodeInternal, Message: "internal error (request " + requestID(c) + ")"}
}
