package persistence

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/aezen/engine/domain"
)

// IsOutage reports whether err says that PostgreSQL could not be reached or went away (refused or dropped
// connection, server shutting down or out of connection slots, closed pool), as opposed to a query that
// failed. Callers answer such errors as 503 with Retry-After, and never count them against the client (a
// login that failed because the database was down is not a failed login). Network errors count only when
// pgx reports them (its errors have a SafeToRetry method), so that a webhook's or WhatsApp's network
// failure is not taken for a database outage.
func IsOutage(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, puddle.ErrClosedPool) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) { // pgx returns a connection cut mid-answer as a bare unexpected EOF
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var fromPgx interface{ SafeToRetry() bool }
	if !errors.As(err, &fromPgx) {
		return false
	}
	var ne net.Error
	return fromPgx.SafeToRetry() || pgconn.Timeout(err) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

// IsNulInText reports whether PostgreSQL refused a NUL character (in text, 22021, or a jsonb \u0000, 22P05).
func IsNulInText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}

var (
	errUnavailable = &domain.Error{Code: domain.CodeUnavailable, Message: "the database is unavailable; try again in a few seconds"}
	errNulInText   = &domain.Error{Code: domain.CodeBadRequest, Message: "text must not contain NUL characters (\\u0000)"}
)

// classified is a database error seen as a domain error (errors.As finds the *domain.Error) that keeps its
// cause for the logs.
type classified struct {
	de    *domain.Error
	cause error
}

func (c classified) Error() string   { return c.de.Message + ": " + c.cause.Error() }
func (c classified) Unwrap() []error { return []error{c.de, c.cause} }

// Classify turns the database errors that are not the engine's fault into domain errors: an outage
// (IsOutage) is "unavailable" (503 with Retry-After), a refused NUL character is a bad request. Any other
// error is returned unchanged.
func Classify(err error) error {
	switch {
	case err == nil || domain.AsError(err) != nil:
		return err
	case IsOutage(err):
		return classified{de: errUnavailable, cause: err}
	case IsNulInText(err):
		return classified{de: errNulInText, cause: err}
	}
	return err
}
