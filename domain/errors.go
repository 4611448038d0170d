// Package domain holds the vocabulary every layer shares: the engine's error values and enums.
// It imports nothing of the engine, so any package may use it.
package domain

import (
	"errors"
	"fmt"
)

// Error is a domain error: a stable machine-readable code, a message for people and optional per-field details.
// Errors compare equal under errors.Is when their codes match, so they survive a trip across cluster nodes.
type Error struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// FieldError explains what is wrong with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is a domain error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// Error codes. httpapi maps each one to an HTTP status in a single table.
const (
	CodeValidation   = "validation_failed"
	CodeBadRequest   = "bad_request"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeRateLimited  = "rate_limited"
	CodeTooLarge     = "payload_too_large"
	CodeUnavailable  = "unavailable"
	CodeTimeout      = "timeout"
	CodeInternal     = "internal"
	// CodeIdempotencyReused: an Idempotency-Key came back with a different request than it was first used for.
	CodeIdempotencyReused = "idempotency_key_reused"
	// CodeNotOnWhatsApp: a send to a phone number that has no WhatsApp account.
	CodeNotOnWhatsApp = "not_on_whatsapp"
	// CodeUnsupportedType: a file's type (sniffed from its bytes) is not allowed, or is not the type declared.
	CodeUnsupportedType = "unsupported_media_type"
)

// Sentinel errors to compare against with errors.Is.
var (
	ErrValidation   = &Error{Code: CodeValidation, Message: "invalid input"}
	ErrBadRequest   = &Error{Code: CodeBadRequest, Message: "bad request"}
	ErrNotFound     = &Error{Code: CodeNotFound, Message: "not found"}
	ErrConflict     = &Error{Code: CodeConflict, Message: "conflict"}
	ErrUnauthorized = &Error{Code: CodeUnauthorized, Message: "authentication required"}
	ErrForbidden    = &Error{Code: CodeForbidden, Message: "not allowed"}
	ErrRateLimited  = &Error{Code: CodeRateLimited, Message: "too many requests"}
	ErrUnavailable  = &Error{Code: CodeUnavailable, Message: "temporarily unavailable"}
	ErrTimeout      = &Error{Code: CodeTimeout, Message: "timed out"}
	ErrInternal     = &Error{Code: CodeInternal, Message: "internal error"}
)

// NotFound says which thing does not exist.
func NotFound(what string) error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

// Conflict explains why the request clashes with existing state.
func Conflict(format string, args ...any) error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// BadRequest explains why the request cannot be understood.
func BadRequest(format string, args ...any) error {
	return &Error{Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}
}

// Forbidden explains why the caller may not do this.
func Forbidden(format string, args ...any) error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// Unavailable explains which dependency is not ready.
func Unavailable(format string, args ...any) error {
	return &Error{Code: CodeUnavailable, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error from per-field problems.
func Invalid(fields ...FieldError) error {
	msg := "invalid input"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: CodeValidation, Message: msg, Fields: fields}
}

// InvalidField is Invalid for a single field.
func InvalidField(field, message string) error {
	return Invalid(FieldError{Field: field, Message: message})
}

// AsError returns err as a domain error, or nil when it is not one.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
