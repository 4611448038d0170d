package node

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/remote"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// Command is one operation on its way to a tenant. Inside a member it travels by pointer with its typed
// input (protoactor delivers local messages as they are): no JSON. Only when the tenant lives on another
// member does protoactor call Serialize, which encodes the input into the stable wire envelope
// (protos.TenantCommand); the receiving tenant decodes it with the operation's input type (see
// tenant/routes.go). A Command is never changed after it is sent.
type Command struct {
	Op     string
	Caller Caller
	In     any
}

var _ remote.RootSerializable = (*Command)(nil)

// Serialize encodes the command for another member.
func (c *Command) Serialize() (remote.RootSerialized, error) {
	body, err := json.Marshal(c.In)
	if err != nil {
		return nil, fmt.Errorf("encoding %s payload: %w", c.Op, err)
	}
	return &protos.TenantCommand{Op: c.Op, Payload: body, RequestId: c.Caller.RequestID,
		Caller: &protos.Caller{UserId: c.Caller.UserID, Role: c.Caller.Role}}, nil
}

// FromWire is the command a remote member sent, with its input still JSON (decoded by the tenant's route).
func FromWire(c *protos.TenantCommand) (*Command, json.RawMessage) {
	return &Command{Op: c.GetOp(), Caller: Caller{UserID: c.GetCaller().GetUserId(), Role: c.GetCaller().GetRole(),
		RequestID: c.GetRequestId()}}, c.GetPayload()
}

// Answer is a tenant's answer to a Command: the typed result, or a domain error. Like Command, it is
// encoded (protos.TenantReply) only when the requester is on another member.
type Answer struct {
	Out any
	Err *domain.Error
}

var _ remote.RootSerializable = (*Answer)(nil)

// NewAnswer builds the answer to op. An error that is not a domain error is logged here, on the tenant's
// member, and answered as a generic internal error: internals never reach clients. A database outage
// becomes "unavailable" (503 with Retry-After) and a refused NUL a bad request.
func NewAnswer(out any, err error, log *slog.Logger, op, requestID string) *Answer {
	if err == nil {
		return &Answer{Out: out}
	}
	if persistence.IsStaleEpoch(err) {
		// The fence refused a write of an activation that lost its lease: Call retries elsewhere.
		err = ErrTenantElsewhere
	}
	err = persistence.Classify(err)
	de := domain.AsError(err)
	switch {
	case de != nil && de.Code == domain.CodeUnavailable:
		if log != nil {
			log.Warn("operation unavailable", "op", op, "request_id", requestID, "err", err)
		}
	case de != nil:
	default:
		if log != nil {
			log.Error("operation failed", "op", op, "request_id", requestID, "err", err)
		}
		de = domain.ErrInternal
	}
	return &Answer{Err: de}
}

// Serialize encodes the answer for a requester on another member.
func (a *Answer) Serialize() (remote.RootSerialized, error) {
	if a.Err != nil {
		f := &protos.Failure{Code: a.Err.Code, Message: a.Err.Message}
		for _, fe := range a.Err.Fields {
			f.Fields = append(f.Fields, &protos.FieldFailure{Field: fe.Field, Message: fe.Message})
		}
		return &protos.TenantReply{Failure: f}, nil
	}
	body, err := json.Marshal(a.Out)
	if err != nil {
		return &protos.TenantReply{Failure: &protos.Failure{Code: domain.ErrInternal.Code, Message: domain.ErrInternal.Message}}, nil
	}
	return &protos.TenantReply{Body: body}, nil
}

// Failed reports the error of an answer, local or remote, or of a reply that is not an answer at all.
func Failed(res any) error {
	switch r := res.(type) {
	case *Answer:
		if r.Err != nil {
			return r.Err
		}
		return nil
	case *protos.TenantReply:
		if f := r.GetFailure(); f != nil {
			return failureError(f)
		}
		return nil
	default:
		return fmt.Errorf("unexpected answer %T", res)
	}
}

// decodeAnswer turns a tenant's answer, local (typed) or remote (JSON), into out.
func decodeAnswer[Out any](res any, op string) (Out, error) {
	var out Out
	switch r := res.(type) {
	case *Answer:
		if r.Err != nil {
			return out, r.Err
		}
		if r.Out == nil {
			return out, nil
		}
		v, ok := r.Out.(Out)
		if !ok {
			return out, fmt.Errorf("%s answered %T, want %T", op, r.Out, out)
		}
		return v, nil
	case *protos.TenantReply:
		if f := r.GetFailure(); f != nil {
			return out, failureError(f)
		}
		if len(r.Body) == 0 {
			return out, nil
		}
		if err := json.Unmarshal(r.Body, &out); err != nil {
			return out, fmt.Errorf("decoding the answer of %s: %w", op, err)
		}
		return out, nil
	default:
		return out, fmt.Errorf("tenant answered %s with %T", op, res)
	}
}

func failureError(f *protos.Failure) *domain.Error {
	e := &domain.Error{Code: f.Code, Message: f.Message}
	for _, fe := range f.Fields {
		e.Fields = append(e.Fields, domain.FieldError{Field: fe.Field, Message: fe.Message})
	}
	return e
}
