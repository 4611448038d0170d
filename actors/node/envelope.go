package node

import (
	"encoding/json"
	"log/slog"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/protos"
)

// Command is a TenantCommand with helpers to read its payload.
type Command struct {
	*protos.TenantCommand
}

// Decode reads the JSON payload into v.
func (c *Command) Decode(v any) error {
	if err := json.Unmarshal(c.Payload, v); err != nil {
		return domain.BadRequest("malformed %s payload: %v", c.Op, err)
	}
	return nil
}

func Reply(res any, err error, log *slog.Logger, cmd *protos.TenantCommand) *protos.TenantReply {
	if err != nil {
		return FailureReply(err, log, cmd)
	}
	body, err := json.Marshal(res)
	if err != nil {
		return FailureReply(err, log, cmd)
	}
	return &protos.TenantReply{Body: body}
}

// FailureReply turns an error into a reply; errors that are not domain errors are logged and hidden. A
// database outage becomes "unavailable" (503 with Retry-After) and a refused NUL a bad request.
func FailureReply(err error, log *slog.Logger, cmd *protos.TenantCommand) *protos.TenantReply {
	err = persistence.Classify(err)
	de := domain.AsError(err)
	switch {
	case de != nil && de.Code == domain.CodeUnavailable:
		if log != nil {
			log.Warn("operation unavailable", "op", cmd.GetOp(), "request_id", cmd.GetRequestId(), "err", err)
		}
	case de != nil:
	default:
		if log != nil {
			log.Error("operation failed", "op", cmd.GetOp(), "request_id", cmd.GetRequestId(), "err", err)
		}
		de = domain.ErrInternal
	}
	f := &protos.Failure{Code: de.Code, Message: de.Message}
	for _, fe := range de.Fields {
		f.Fields = append(f.Fields, &protos.FieldFailure{Field: fe.Field, Message: fe.Message})
	}
	return &protos.TenantReply{Failure: f}
}
