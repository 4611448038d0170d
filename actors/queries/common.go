package queries

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// page turns paging input into the persistence page, asking for one extra row to know if more follow.
func page(p ops.Paging) persistence.Page {
	limit := p.Limit
	if limit <= 0 || limit > ops.MaxPageSize {
		limit = ops.DefaultPageSize
	}
	return persistence.Page{Limit: limit + 1, Offset: max(p.Offset, 0)}
}

// pageOf cuts the extra row that page asked for and answers the page with its next offset.
func pageOf[T any](list []T, p persistence.Page) ops.ListPage[T] {
	out := ops.ListPage[T]{Data: list}
	if len(list) >= p.Limit {
		out.Data = list[:p.Limit-1]
		next := p.Offset + p.Limit - 1
		out.NextOffset = &next
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	return out
}

// parseID converts an id that validation has already accepted.
func parseID(s *string) uuid.UUID {
	if s == nil {
		return uuid.Nil
	}
	id, _ := uuid.Parse(*s)
	return id
}

// setText applies an optional text field: absent keeps the value, "" clears it, anything else replaces it.
func setText(dst **string, v *string) {
	switch {
	case v == nil:
	case *v == "":
		*dst = nil
	default:
		s := *v
		*dst = &s
	}
}

// text is setText for a create.
func text(v *string) *string {
	var out *string
	setText(&out, v)
	return out
}

// wants reports whether an include list names a relation.
func wants(include []string, what string) bool { return slices.Contains(include, what) }

// checkMember makes sure a user id names a member of this tenant's team.
func checkMember(ctx context.Context, s *Scope, field string, id uuid.UUID) error {
	if _, err := s.Node.Deps().Master.GetUser(ctx, s.TenantID, id); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return domain.InvalidField(field, "is not a member of this team")
		}
		return err
	}
	return nil
}

// callerID is the id of the user behind a command (uuid.Nil for internal work).
func callerID(s *Scope) uuid.UUID {
	id, _ := uuid.Parse(s.Caller.UserID)
	return id
}

// mustExist turns a missing record that the client's input names into a field error (a 400, not a 404:
// the path was fine, the body was not).
func mustExist(err error, field, what string) error {
	if errors.Is(err, domain.ErrNotFound) {
		return domain.InvalidField(field, "does not name a "+what+" of this tenant")
	}
	return err
}

// forgetConversation asks the tenant to stop the chat's conversation actor once it is idle, so that its
// next activation reads the state a query operation has just changed.
func forgetConversation(s *Scope, chatID uuid.UUID) {
	s.tell(&ReloadChat{ChatID: chatID})
}
